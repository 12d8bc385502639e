from django.db import transaction
from django.db.models import Max

from ..choices import AgendaItemKind, ForumEventKind, MeetingStatus
from ..exceptions import ForumActionRefused
from ..models import AgendaItem, Meeting
from .audit import record_event


@transaction.atomic
def add_agenda_item(
    meeting: Meeting,
    *,
    by,
    title: str,
    kind: str = AgendaItemKind.OTHER,
    minutes_allotted: int = 10,
    presenter: str = "",
    description: str = "",
    carried_over_from: AgendaItem | None = None,
) -> AgendaItem:
    """Append an item to the end of a meeting's agenda (not to a cancelled or past one)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.COMPLETED):
        raise ForumActionRefused(
            f"Items cannot be added to a {meeting.get_status_display().lower()} meeting."
        )
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=(last or 0) + 1,
        title=title,
        kind=kind,
        minutes_allotted=minutes_allotted,
        presenter=presenter,
        description=description,
        carried_over_from=carried_over_from,
    )
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.AGENDA_CHANGED,
        meeting=meeting,
        note=f"Added: {title}",
    )
    return item
