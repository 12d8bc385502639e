from ..models import ForumEvent, Meeting


def record_event(forum, *, actor, kind: str, meeting: Meeting | None = None, note: str = ""):
    """Append one audit event; called inside the service's transaction."""
    return ForumEvent.objects.create(
        forum=forum, meeting=meeting, actor=actor, kind=kind, note=note
    )
