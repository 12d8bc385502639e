from ..models import ForumEvent, Meeting


def record_event(forum, *, actor, kind: str, meeting: Meeting | None = None, note: str = ""):
    """Append one audit event; called inside the service's transaction."""
    return ForumEvent.objects.create(
        forum=forum, meeting=meeting, actor=actor, kind=kind, note=note
    )


def record_events(forum, *, actor, kind: str, meeting: Meeting | None = None, notes: list[str]):
    """Append one audit event for each note, in one query; called inside the service's
    transaction. Written together, they send no signals: the caller forgets the forum's
    kept page parts."""
    return ForumEvent.objects.bulk_create(
        ForumEvent(forum=forum, meeting=meeting, actor=actor, kind=kind, note=note)
        for note in notes
    )
