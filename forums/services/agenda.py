from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from cop_portal.kept import forget_forum
from members.choices import NotificationKind
from members.services import notify_many

from ..choices import (
    DEFAULT_MINUTES,
    FACILITATING_ROLES,
    HOLDS_PLACE,
    AgendaItemKind,
    ForumEventKind,
    MeetingStatus,
)
from ..exceptions import ForumActionRefused
from ..models import (
    ActionItem,
    AgendaItem,
    Decision,
    Forum,
    ForumAgendaDefault,
    Meeting,
    Membership,
    Registration,
)
from ..selectors.agenda import (
    booked_minutes,
    default_minutes,
    default_minutes_of,
    later_open_meetings,
    next_meeting_with_room,
)
from ..signals import agenda_item_issues, agenda_item_removing
from .audit import record_event, record_events
from .matters import ensure_matters_arising
from .search import refresh_meeting_search


def add_agenda_item(
    meeting: Meeting,
    *,
    by,
    title: str,
    kind: str = AgendaItemKind.OTHER,
    minutes_allotted: int | None = None,
    presenter: str = "",
    description: str = "",
    carried_over_from: AgendaItem | None = None,
) -> AgendaItem:
    """Append an item to the end of a meeting's agenda (not to a cancelled or completed one);
    without minutes it takes the forum's default for its kind. In one transaction, as
    add_agenda_items makes it."""
    item = AgendaItem(
        title=title,
        kind=kind,
        minutes_allotted=minutes_allotted,
        presenter=presenter,
        description=description,
        carried_over_from=carried_over_from,
    )
    return add_agenda_items(meeting, [item], by=by)[0]


@transaction.atomic
def add_agenda_items(meeting: Meeting, items: list[AgendaItem], *, by) -> list[AgendaItem]:
    """Append new items in order to a meeting's agenda (not a cancelled or completed one),
    each with an audit event and, without minutes, its kind's default length; written
    together, in a few queries however many (a forum's waiting issues placed at once)."""
    meeting = (
        Meeting.objects.select_related("forum").select_for_update(of=("self",)).get(pk=meeting.pk)
    )
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.COMPLETED):
        raise ForumActionRefused(
            gettext("Items cannot be added to a %(status)s meeting.")
            % {"status": meeting.get_status_display().lower()}
        )
    if not items:
        return []
    defaults = default_minutes_of(
        meeting.forum, {item.kind for item in items if item.minutes_allotted is None}
    )
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    for position, item in enumerate(items, start=last + 1):
        item.meeting = meeting
        item.position = position
        if item.minutes_allotted is None:
            item.minutes_allotted = defaults[item.kind]
    AgendaItem.objects.bulk_create(items)
    record_events(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.AGENDA_CHANGED,
        meeting=meeting,
        notes=[f"Added: {item.title}" for item in items],
    )
    if meeting.agenda_published_at is not None:
        refresh_meeting_search(meeting)
    # Rows written together send no signals: the forum's pages are drawn afresh here, as
    # its rows' receivers would have them (forums.receivers).
    forget_forum(meeting.forum_id)
    return items


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
            gettext("The agenda of a %(status)s meeting cannot be changed.")
            % {"status": meeting.get_status_display().lower()}
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
            gettext(
                "'%(title)s' cannot move to position %(position)s: "
                "the agenda has positions 1 to %(last)s."
            )
            % {"title": item.title, "position": position, "last": len(items)}
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
    minutes_allotted: int | None,
    presenter: str = "",
    description: str = "",
    position: int | None = None,
) -> AgendaItem:
    """Change an item's details and, when a position is given, move it there; without
    minutes it takes the forum's default for its kind."""
    meeting, items = _locked_agenda(item.meeting)
    _refuse_if_closed(meeting)
    current = next((i for i in items if i.pk == item.pk), None)
    if current is None:
        raise ForumActionRefused(gettext("This item is no longer on the agenda."))
    if minutes_allotted is None:
        minutes_allotted = default_minutes(meeting.forum, kind)
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
    if meeting.agenda_published_at is not None:
        refresh_meeting_search(meeting)
    return current


@transaction.atomic
def move_agenda_item(item: AgendaItem, *, by, direction: str) -> AgendaItem:
    """Move an item one place up or down; the first cannot go up nor the last down."""
    meeting, items = _locked_agenda(item.meeting)
    _refuse_if_closed(meeting)
    current = next((i for i in items if i.pk == item.pk), None)
    if current is None:
        raise ForumActionRefused(gettext("This item is no longer on the agenda."))
    if direction not in ("up", "down"):
        raise ForumActionRefused(gettext("An item moves up or down."))
    index = items.index(current)
    if direction == "up" and index == 0:
        raise ForumActionRefused(
            gettext("'%(title)s' is already first; it cannot move up.") % {"title": current.title}
        )
    if direction == "down" and index == len(items) - 1:
        raise ForumActionRefused(
            gettext("'%(title)s' is already last; it cannot move down.") % {"title": current.title}
        )
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
    """Take an item off the agenda and close the gap it leaves; what it brings (an issue)
    is let go by the app that owns it, first."""
    _refuse_if_closed(item.meeting)
    # Once the meeting has started its agenda is the record of it: an item it did not reach
    # moves to a later meeting, and one it did keeps its notes, decisions and outcomes. One
    # that holds nothing yet (added by mistake during the meeting) may still go.
    if item.meeting.has_started and holds_a_record(item):
        raise ForumActionRefused(
            gettext(
                "This meeting has started, so its items stay on its agenda as its record: "
                "move an item it did not reach to a later meeting instead."
            )
        )
    agenda_item_removing.send(sender=AgendaItem, item=item, by=by)
    _take_off(item, by=by)


def holds_a_record(item: AgendaItem) -> bool:
    """Whether removing the item would lose part of its meeting's record: what was recorded
    on it (`holds_minutes`), or what another app brought with it (an issue's stay, a
    consultation: the one row holding the item)."""
    return holds_minutes(item) or brought_by_another_app(item)


def holds_minutes(item: AgendaItem) -> bool:
    """Whether notes, a decision or an action were recorded on the item."""
    if AgendaItem.objects.filter(pk=item.pk).exclude(notes="").exists():
        return True
    if Decision.objects.filter(agenda_item=item).exists():
        return True
    return ActionItem.objects.filter(agenda_item=item).exists()


def brought_by_another_app(item: AgendaItem) -> bool:
    """Whether another app brought the item and holds it (an issue's stay, a consultation:
    each the one row pointing at it), so that taking it off is that app's to do."""
    return any(
        relation.related_model.objects.filter(**{relation.field.name: item}).exists()
        for relation in AgendaItem._meta.related_objects
        if relation.one_to_one
    )


def _take_off(item: AgendaItem, *, by) -> None:
    meeting, items = _locked_agenda(item.meeting)
    _refuse_if_closed(meeting)
    current = next((i for i in items if i.pk == item.pk), None)
    if current is None:
        raise ForumActionRefused(gettext("This item is no longer on the agenda."))
    items.remove(current)
    current.delete()
    _renumber(items)
    if current.kind == AgendaItemKind.MATTERS_ARISING and not meeting.matters_arising_removed:
        meeting.matters_arising_removed = True
        meeting.save(update_fields=["matters_arising_removed", "updated_at"])
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.AGENDA_CHANGED,
        meeting=meeting,
        note=f"Removed: {current.title}",
    )
    if meeting.agenda_published_at is not None:
        refresh_meeting_search(meeting)


@transaction.atomic
def publish_agenda(meeting: Meeting, *, by) -> Meeting:
    """Make a published meeting's agenda public, opening with any matters arising; every
    member is notified (on commit)."""
    ensure_matters_arising(meeting, by=by)
    meeting, items = _locked_agenda(meeting)
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ForumActionRefused(
            gettext(
                "Only the agenda of a published meeting can be published; "
                "this meeting is %(status)s."
            )
            % {"status": meeting.get_status_display().lower()}
        )
    if not items:
        raise ForumActionRefused(gettext("Add at least one item before publishing the agenda."))
    republished = meeting.agenda_published_at is not None
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at", "updated_at"])
    record_event(meeting.forum, actor=by, kind=ForumEventKind.AGENDA_PUBLISHED, meeting=meeting)
    refresh_meeting_search(meeting)
    subject = (
        gettext("Updated agenda: %(meeting)s") if republished else gettext("Agenda: %(meeting)s")
    ) % {"meeting": meeting}
    notify_members(
        meeting,
        subject=subject,
        body=gettext("The agenda of %(meeting)s is ready to read.") % {"meeting": meeting},
    )
    return meeting


def notify_members(meeting: Meeting, *, subject: str, body: str) -> None:
    """One notification per forum member, linking to the meeting; emails go on commit."""
    url = meeting.get_absolute_url()
    if meeting.is_learning_session:
        # A session's people are those holding a place or waiting for one.
        held = Registration.objects.filter(
            meeting_id=meeting.pk, status__in=HOLDS_PLACE, user__is_active=True
        )
        recipients = [registration.user for registration in held.select_related("user")]
        notify_many(recipients, subject=subject, body=body, url=url, kind=NotificationKind.PRACTICE)
        return
    members = Membership.objects.filter(forum_id=meeting.forum_id, user__is_active=True)
    recipients = [membership.user for membership in members.select_related("user")]
    notify_many(recipients, subject=subject, body=body, url=url, kind=NotificationKind.MEETING)


def warn_if_over_time(item: AgendaItem) -> bool:
    """When an item takes its meeting over its length, each of the forum's facilitators
    gets one notice naming the overrun and the next meeting with room; in the caller's
    transaction. Returns whether the meeting is over time."""
    meeting = item.meeting
    total, length = booked_minutes(meeting), meeting.duration_minutes
    if total <= length:
        return False
    room = next_meeting_with_room(meeting, item.minutes_allotted)
    if room is None:
        where = gettext("No later meeting of %(forum)s has room for it yet.") % {
            "forum": meeting.forum.name
        }
    else:
        where = gettext(
            "The next meeting with room for its %(minutes)s minutes is %(meeting)s: %(url)s"
        ) % {"minutes": item.minutes_allotted, "meeting": room, "url": room.get_absolute_url()}
    body = gettext(
        "“%(title)s” was placed on the agenda of %(meeting)s, which now takes %(total)s "
        "of its %(length)s minutes (%(over)s over). %(where)s "
        "You can move an item to a later meeting from the agenda builder."
    ) % {
        "title": item.title,
        "meeting": meeting,
        "total": total,
        "length": length,
        "over": total - length,
        "where": where,
    }
    facilitators = Membership.objects.filter(
        forum_id=meeting.forum_id, role__in=FACILITATING_ROLES, user__is_active=True
    ).select_related("user")
    notify_many(
        [membership.user for membership in facilitators],
        subject=gettext("%(meeting)s is now %(total)s of %(length)s minutes")
        % {"meeting": meeting, "total": total, "length": length},
        body=body,
        url=reverse("forums:agenda-edit", kwargs={"pk": meeting.pk}),
        kind=NotificationKind.MEETING,
    )
    return True


def refuse_unless_later(item: AgendaItem, meeting: Meeting) -> None:
    """An item moves only to an open meeting of the same forum after its own."""
    if meeting.forum_id != item.meeting.forum_id:
        # Not named: another forum's meeting may be a draft that only its own runners see.
        raise ForumActionRefused(
            gettext(
                "That is a meeting of another forum: an item moves only to a later meeting "
                "of %(forum)s."
            )
            % {"forum": item.meeting.forum.name}
        )
    if not later_open_meetings(item.meeting).filter(pk=meeting.pk).exists():
        raise ForumActionRefused(
            gettext(
                "%(meeting)s is not a later open meeting: choose a published meeting after "
                "%(current)s that has not started."
            )
            % {"meeting": meeting, "current": item.meeting}
        )


@transaction.atomic
def relocate_agenda_item(item: AgendaItem, *, meeting: Meeting, by) -> AgendaItem:
    """Take an item off its agenda and add it, as it was, at the end of a later open
    meeting of the same forum; the facilitators hear if that meeting now runs over."""
    refuse_unless_later(item, meeting)
    # The earlier meeting is locked before the later one, as carrying an item over and
    # matters arising lock them: the other way round, the two waited on each other.
    source = Meeting.objects.select_for_update(of=("self",)).get(pk=item.meeting_id)
    # What was recorded on the item at the meeting stays there: the copy would not take it.
    if source.has_started and holds_minutes(item):
        raise ForumActionRefused(
            gettext(
                "Notes, a decision or an action were recorded on “%(title)s” at this meeting, "
                "so it stays on its agenda as the record. To take it up again, carry it over "
                "to the next meeting, or add it to the later meeting's agenda."
            )
            % {"title": item.title}
        )
    moved = add_agenda_item(
        meeting,
        by=by,
        title=item.title,
        kind=item.kind,
        minutes_allotted=item.minutes_allotted,
        presenter=item.presenter,
        description=item.description,
        carried_over_from=item.carried_over_from,
    )
    # What the item brings moves with it: its caller points it at the new item.
    _take_off(item, by=by)
    warn_if_over_time(moved)
    return moved


def brings_consultation(item: AgendaItem) -> bool:
    """Whether a consultation is answered at this item, whatever its kind says now."""
    try:
        item.consultation_target  # noqa: B018 - the reverse one-to-one, read to test it
    except ObjectDoesNotExist:
        return False
    return True


@transaction.atomic
def move_to_later_meeting(item: AgendaItem, *, meeting: Meeting, by) -> AgendaItem:
    """Move an item to a later open meeting of its forum in one step: it is taken off this
    agenda and added at the end of that one, as it was. An item bringing an issue moves
    with its issue, through the app that owns the issue."""
    refuse_unless_later(item, meeting)
    if item.kind == AgendaItemKind.MATTERS_ARISING:
        raise ForumActionRefused(
            gettext(
                "Matters arising belongs to its own meeting: each meeting follows up the one "
                "before it."
            )
        )
    if brings_consultation(item):
        raise ForumActionRefused(
            gettext(
                "A consultation is answered at the meeting it is on, and carried over to the "
                "next one if that meeting does not reach it: remove it here and it joins the "
                "next meeting published."
            )
        )
    for _receiver, found in agenda_item_issues.send(sender=AgendaItem, items=[item]):
        if found:
            raise ForumActionRefused(
                gettext(
                    "'%(title)s' brings a practice issue: move it with the issue's own "
                    "Move button on the agenda builder."
                )
                % {"title": item.title}
            )
    return relocate_agenda_item(item, meeting=meeting, by=by)


@transaction.atomic
def set_agenda_defaults(forum: Forum, *, minutes: dict[str, int], by) -> None:
    """Record a forum's own minutes per agenda-item kind; a kind set back to the project's
    default keeps no row of its own."""
    for kind, value in minutes.items():
        if kind not in DEFAULT_MINUTES:
            raise ForumActionRefused(
                gettext("“%(kind)s” is not a kind of agenda item.") % {"kind": kind}
            )
        if value == DEFAULT_MINUTES[kind]:
            ForumAgendaDefault.objects.filter(forum=forum, kind=kind).delete()
        else:
            ForumAgendaDefault.objects.update_or_create(
                forum=forum, kind=kind, defaults={"minutes": value}
            )
    record_event(
        forum, actor=by, kind=ForumEventKind.AGENDA_CHANGED, note="Default minutes changed"
    )
