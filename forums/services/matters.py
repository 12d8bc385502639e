"""Matters arising: a meeting's agenda opens with the actions its forum's previous meeting
left open, so the forum follows them up before new business."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..choices import OPEN_ACTION_STATUSES, AgendaItemKind, ForumEventKind, MeetingStatus
from ..models import ActionItem, AgendaItem, Meeting
from ..selectors.agenda import default_minutes
from .audit import record_event
from .search import refresh_meeting_search

MATTERS_ARISING_TITLE = _("Matters arising")

# Only a meeting still to be held takes a new agenda item.
TAKES_MATTERS = (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The forum's latest own meeting (not a learning session) starting before this one
    that was not cancelled."""
    return (
        Meeting.objects.forum_meetings()
        .filter(forum_id=meeting.forum_id, start__lt=meeting.start)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-start", "-id")
        .first()
    )


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The forum's first own meeting (not a learning session) starting after this one
    that was not cancelled."""
    return (
        Meeting.objects.forum_meetings()
        .filter(forum_id=meeting.forum_id, start__gt=meeting.start)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("start", "id")
        .first()
    )


@transaction.atomic
def ensure_matters_arising(meeting: Meeting, *, by=None) -> AgendaItem | None:
    """Put "Matters arising" first on the agenda when the previous meeting left actions open.

    Safe to call again: one item per meeting, never on a held or cancelled meeting, and never
    back once a facilitator has removed it. Writes one forum event when it adds the item.
    """
    meeting = (
        Meeting.objects.select_related("forum").select_for_update(of=("self",)).get(pk=meeting.pk)
    )
    if (
        meeting.status not in TAKES_MATTERS
        or meeting.matters_arising_removed
        or meeting.is_learning_session
    ):
        return None
    items = list(
        AgendaItem.objects.select_for_update().filter(meeting=meeting).order_by("position", "id")
    )
    existing = next(
        (i for i in items if i.kind == AgendaItemKind.MATTERS_ARISING or i.matters_from_id),
        None,
    )
    previous = previous_meeting(meeting)
    if (
        previous is None
        or not ActionItem.objects.filter(meeting=previous, status__in=OPEN_ACTION_STATUSES).exists()
    ):
        return existing
    if existing is not None:
        # A meeting scheduled in between since: follow up the one just before.
        if existing.matters_from_id != previous.pk:
            existing.matters_from = previous
            existing.save(update_fields=["matters_from"])
        return existing
    for position, item in enumerate(items, start=2):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        title=str(MATTERS_ARISING_TITLE),
        kind=AgendaItemKind.MATTERS_ARISING,
        minutes_allotted=default_minutes(meeting.forum, AgendaItemKind.MATTERS_ARISING),
        matters_from=previous,
    )
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.AGENDA_CHANGED,
        meeting=meeting,
        note=f"Added: {MATTERS_ARISING_TITLE} (open actions of {previous.title})",
    )
    if meeting.agenda_published_at is not None:
        refresh_meeting_search(meeting)
    return item


def ensure_matters_arising_after(held: Meeting, *, by=None) -> AgendaItem | None:
    """Once a meeting is held, the forum's next meeting follows up the actions it left open."""
    following = next_meeting(held)
    if following is None:
        return None
    return ensure_matters_arising(following, by=by)
