from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from members.services import notify_many

from ..choices import AgendaItemKind, ForumEventKind, MeetingStatus
from ..exceptions import ForumActionRefused
from ..models import AgendaItem, Meeting, Membership
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


def _locked_agenda(meeting: Meeting) -> tuple[Meeting, list[AgendaItem]]:
    """Lock the meeting first, then its items, so two facilitators take turns."""
    meeting = (
        Meeting.objects.select_related("forum").select_for_update(of=("self",)).get(pk=meeting.pk)
    )
    items = list(
        AgendaItem.objects.select_for_update().filter(meeting=meeting).order_by("position", "id")
    )
    return meeting, items


def _refuse_if_closed(meeting: Meeting) -> None:
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.COMPLETED):
        raise ForumActionRefused(
            f"The agenda of a {meeting.get_status_display().lower()} meeting cannot be changed."
        )


def _renumber(items: list[AgendaItem]) -> None:
    """Give the items the positions 1..n in list order, writing only those that changed."""
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def _move_within(items: list[AgendaItem], item: AgendaItem, position: int) -> None:
    if not 1 <= position <= len(items):
        raise ForumActionRefused(
            f"'{item.title}' cannot move to position {position}: "
            f"the agenda has positions 1 to {len(items)}."
        )
    current = next(i for i in items if i.pk == item.pk)
    items.remove(current)
    items.insert(position - 1, current)
    _renumber(items)


@transaction.atomic
def change_agenda_item(
    item: AgendaItem,
    *,
    by,
    title: str,
    kind: str,
    minutes_allotted: int,
    presenter: str = "",
    description: str = "",
    position: int | None = None,
) -> AgendaItem:
    """Change an item's details and, when a position is given, move it there."""
    meeting, items = _locked_agenda(item.meeting)
    _refuse_if_closed(meeting)
    current = next((i for i in items if i.pk == item.pk), None)
    if current is None:
        raise ForumActionRefused("This item is no longer on the agenda.")
    current.title, current.kind = title, kind
    current.minutes_allotted, current.presenter, current.description = (
        minutes_allotted,
        presenter,
        description,
    )
    current.save(update_fields=["title", "kind", "minutes_allotted", "presenter", "description"])
    _renumber(items)
    if position is not None and position != current.position:
        _move_within(items, current, position)
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.AGENDA_CHANGED,
        meeting=meeting,
        note=f"Changed: {title}",
    )
    return current


@transaction.atomic
def move_agenda_item(item: AgendaItem, *, by, direction: str) -> AgendaItem:
    """Move an item one place up or down; the first cannot go up nor the last down."""
    meeting, items = _locked_agenda(item.meeting)
    _refuse_if_closed(meeting)
    current = next((i for i in items if i.pk == item.pk), None)
    if current is None:
        raise ForumActionRefused("This item is no longer on the agenda.")
    if direction not in ("up", "down"):
        raise ForumActionRefused("An item moves up or down.")
    index = items.index(current)
    if direction == "up" and index == 0:
        raise ForumActionRefused(f"'{current.title}' is already first; it cannot move up.")
    if direction == "down" and index == len(items) - 1:
        raise ForumActionRefused(f"'{current.title}' is already last; it cannot move down.")
    _move_within(items, current, index + (0 if direction == "up" else 2))
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.AGENDA_CHANGED,
        meeting=meeting,
        note=f"Moved {direction}: {current.title}",
    )
    return current


@transaction.atomic
def remove_agenda_item(item: AgendaItem, *, by) -> None:
    """Take an item off the agenda and close the gap it leaves."""
    meeting, items = _locked_agenda(item.meeting)
    _refuse_if_closed(meeting)
    current = next((i for i in items if i.pk == item.pk), None)
    if current is None:
        raise ForumActionRefused("This item is no longer on the agenda.")
    items.remove(current)
    current.delete()
    _renumber(items)
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.AGENDA_CHANGED,
        meeting=meeting,
        note=f"Removed: {current.title}",
    )


@transaction.atomic
def publish_agenda(meeting: Meeting, *, by) -> Meeting:
    """Make a published meeting's agenda public; every member is notified (on commit)."""
    meeting, items = _locked_agenda(meeting)
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ForumActionRefused(
            "Only the agenda of a published meeting can be published; "
            f"this meeting is {meeting.get_status_display().lower()}."
        )
    if not items:
        raise ForumActionRefused("Add at least one item before publishing the agenda.")
    republished = meeting.agenda_published_at is not None
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at", "updated_at"])
    record_event(meeting.forum, actor=by, kind=ForumEventKind.AGENDA_PUBLISHED, meeting=meeting)
    subject = f"{'Updated agenda' if republished else 'Agenda'}: {meeting}"
    notify_members(meeting, subject=subject, body=f"The agenda of {meeting} is ready to read.")
    return meeting


def notify_members(meeting: Meeting, *, subject: str, body: str) -> None:
    """One notification per forum member, linking to the meeting; emails go on commit."""
    url = meeting.get_absolute_url()
    members = Membership.objects.filter(forum_id=meeting.forum_id, user__is_active=True)
    recipients = [membership.user for membership in members.select_related("user")]
    notify_many(recipients, subject=subject, body=body, url=url)
