"""Reads for the meeting page, the agenda builder and the agenda pack."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext

from cop_portal.dates import LocalTimes
from members.models import name_fields

from ..choices import DEFAULT_MINUTES, OPEN_ACTION_STATUSES, AgendaItemKind, RsvpResponse
from ..models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Forum,
    ForumAgendaDefault,
    Meeting,
    Membership,
    Resource,
    Rsvp,
    meeting_vectors,
)
from ..signals import action_issue_links, agenda_item_issues
from .meetings import addresses_of, as_resource_list


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class ArisingAction:
    """An open action followed up under "Matters arising", with where it came from."""

    action: ActionItem
    decisions: tuple[Link, ...]
    issue: Link | None


@dataclass(frozen=True)
class TimedItem:
    """An agenda item with the time it is due to start, counted from the meeting's start."""

    item: AgendaItem
    number: int
    starts_at: dt.datetime
    # For "Matters arising": the open actions of the meeting it follows up, read live.
    arising: tuple[ArisingAction, ...] = ()
    # For an item that brings a practice issue: how often the issue has been carried over
    # at this forum, and where to post to move it to a later meeting.
    carried_over: int = 0
    move_url: str = ""
    # For any item that brings a practice issue: the issue's page.
    issue_url: str = ""
    # The kind's label, looked up once per agenda rather than once per row.
    kind_label: str = ""
    # The start as the agenda shows it ("9:30 a.m."), in the portal's time zone.
    starts_label: str = ""

    @property
    def awaits_outcome(self) -> bool:
        """An item that brings an issue whose stay here has no outcome yet (the stay reaches
        the item in reverse, loaded with it by agenda_items)."""
        referral = referral_of(self.item)
        return referral is not None and not referral.outcome and referral.left_at is None


@dataclass(frozen=True)
class RsvpGroup:
    response: str
    label: str
    people: list


# Where agenda_items puts an item's decisions, in the order they were taken: a plain list,
# which costs nothing per item (a prefetched manager is a queryset built for each item).
DECISIONS_IN_ORDER = "decisions_in_order"


def agenda_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's items in order, with their decisions (as DECISIONS_IN_ORDER) and, for
    an issue's item, what referral_of reads of the stay that links it to the issue."""
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("matters_from__forum")
        .defer(*meeting_vectors("matters_from"))
        # Four of the stay's columns, not a whole stay built for each of a long agenda's rows.
        .annotate(**{f"stay_{name}": F(f"referral__{name}") for name in STAY_FIELDS})
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.order_by("id"),
                to_attr=DECISIONS_IN_ORDER,
            )
        )
    )


def arising_actions(meeting_ids: set[int]) -> dict[int, list[ArisingAction]]:
    """The open actions of these meetings by meeting, each with links to the decisions of
    the item it came from and to its practice issue; a fixed number of queries."""
    if not meeting_ids:
        return {}
    actions = list(
        ActionItem.objects.filter(meeting_id__in=meeting_ids, status__in=OPEN_ACTION_STATUSES)
        .select_related("owner", "agenda_item")
        .prefetch_related(
            Prefetch("agenda_item__decisions", queryset=Decision.objects.order_by("id"))
        )
        # Where its item stands on its meeting's agenda, for a link to the page showing it.
        .annotate(items_before=_items_before(OuterRef("agenda_item")))
        .order_by("due_date", "id")
    )
    issues: dict[int, tuple[str, str]] = {}
    if actions:
        for _receiver, links in action_issue_links.send(sender=ActionItem, actions=actions):
            issues.update(links or {})
    by_meeting: dict[int, list[ArisingAction]] = {}
    for action in actions:
        decisions = action.agenda_item.decisions.all() if action.agenda_item else ()
        issue = issues.get(action.pk)
        by_meeting.setdefault(action.meeting_id, []).append(
            ArisingAction(
                action=action,
                decisions=tuple(
                    Link(
                        label=gettext("Decision %(number)s") % {"number": number}
                        if len(decisions) > 1
                        else gettext("Decision"),
                        url=reverse("forums:meeting-detail", kwargs={"pk": decision.meeting_id})
                        + page_query(action.items_before)
                        + f"#decision-{decision.pk}",
                    )
                    for number, decision in enumerate(decisions, start=1)
                ),
                issue=Link(label=issue[0], url=issue[1]) if issue else None,
            )
        )
    return by_meeting


@dataclass(frozen=True)
class Stay:
    """What an agenda reads of the stay (feedback's referral) that brings an issue to one
    of its items."""

    pk: int
    issue_id: int
    outcome: str
    left_at: dt.datetime | None


STAY_FIELDS = ("id", "issue_id", "outcome", "left_at")


def referral_of(item: AgendaItem) -> Stay | None:
    """The stay that links an item to its practice issue, or None: read with the item by
    agenda_items, else one query."""
    if hasattr(item, "stay_id"):
        if item.stay_id is None:
            return None
        return Stay(item.stay_id, item.stay_issue_id, item.stay_outcome, item.stay_left_at)
    try:
        stay = item.referral
    except ObjectDoesNotExist:
        return None
    return Stay(stay.pk, stay.issue_id, stay.outcome, stay.left_at)


def timed_agenda(
    meeting: Meeting, items=None, *, first_number: int = 1, minutes_before: int = 0
) -> list[TimedItem]:
    """Each item with its running start time; the total is compared with the meeting length.
    "Matters arising" comes with the open actions of the meeting it follows up. For a page of
    a long agenda: the number of its first item, and the minutes of the items before it."""
    items = list(agenda_items(meeting) if items is None else items)
    arising = arising_actions({item.matters_from_id for item in items if item.matters_from_id})
    issues: dict[int, dict] = {}
    if items:
        for _receiver, found in agenda_item_issues.send(sender=AgendaItem, items=items):
            issues.update(found or {})
    kind_labels = {kind: str(label) for kind, label in AgendaItemKind.choices}
    issue_url = addresses_of("feedback:issue-detail")
    times = LocalTimes()
    timed, starts_at = [], meeting.start + dt.timedelta(minutes=minutes_before)
    for number, item in enumerate(items, start=first_number):
        about = issues.get(item.pk, {})
        referral = referral_of(item)
        timed.append(
            TimedItem(
                item=item,
                number=number,
                starts_at=starts_at,
                arising=tuple(arising.get(item.matters_from_id, ())),
                carried_over=about.get("carried_over", 0),
                move_url=about.get("move_url", ""),
                kind_label=kind_labels.get(item.kind, item.kind),
                issue_url=issue_url(referral.issue_id) if referral else "",
                starts_label=times.clock(starts_at),
            )
        )
        starts_at += dt.timedelta(minutes=item.minutes_allotted)
    return timed


# Items a page of the agenda shows, on the meeting page and in the agenda builder: a forum's
# waiting issues all join the next meeting published, so an agenda can run to hundreds.
AGENDA_PAGE_SIZE = 50


@dataclass(frozen=True)
class AgendaPage:
    timed: list[TimedItem]
    page_obj: Page
    item_count: int
    # Of the whole agenda, not only this page.
    minutes_total: int

    @property
    def is_paginated(self) -> bool:
        return self.page_obj.has_other_pages()


def agenda_page(meeting: Meeting, number) -> AgendaPage:
    """One page of the meeting's items, timed from the meeting's start, with how many items
    and minutes the whole agenda holds; past the last page, the last. An agenda that fits on
    its first page is counted from its rows; a longer one by one aggregate, which also sums
    its minutes (and, for a later page, those of the items before it)."""
    items = agenda_items(meeting).order_by("position", "id")
    first = None
    if _is_first_page(number):
        first = list(items[: AGENDA_PAGE_SIZE + 1])
        if len(first) <= AGENDA_PAGE_SIZE:
            return AgendaPage(
                timed=timed_agenda(meeting, first),
                page_obj=Paginator(first, AGENDA_PAGE_SIZE).page(1),
                item_count=len(first),
                minutes_total=sum(item.minutes_allotted for item in first),
            )
    whole = AgendaItem.objects.filter(meeting=meeting).aggregate(
        count=Count("pk"), minutes=Coalesce(Sum("minutes_allotted"), 0)
    )
    paginator = Paginator(items, AGENDA_PAGE_SIZE)
    # Counted above with the minutes, so the paginator asks the database nothing more.
    paginator.count = whole["count"]
    page = paginator.get_page(number)
    if first is not None and page.number == 1:
        page.object_list = first[:AGENDA_PAGE_SIZE]
    before = page.start_index() - 1 if paginator.count else 0
    minutes_before = 0
    if before:
        minutes_before = AgendaItem.objects.filter(
            pk__in=AgendaItem.objects.filter(meeting=meeting)
            .order_by("position", "id")
            .values("pk")[:before]
        ).aggregate(total=Coalesce(Sum("minutes_allotted"), 0))["total"]
    timed = timed_agenda(
        meeting, page.object_list, first_number=before + 1, minutes_before=minutes_before
    )
    return AgendaPage(
        timed=timed, page_obj=page, item_count=paginator.count, minutes_total=whole["minutes"]
    )


def _is_first_page(number) -> bool:
    """Whether a page number asked for means the first page, as Paginator.get_page reads it
    (anything not a whole number does)."""
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return True


def _before(meeting, position, pk) -> tuple[Q, Q]:
    """The items before one on its meeting's agenda, in the agenda's order."""
    return Q(position__lt=position) | Q(position=position, pk__lt=pk), Q(meeting_id=meeting)


def _items_before(item: OuterRef) -> Coalesce:
    """How many items come before the referenced one on its meeting's agenda."""
    before = (
        AgendaItem.objects.filter(
            *_before(OuterRef(f"{item.name}__meeting"), OuterRef(f"{item.name}__position"), item)
        )
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(before, output_field=IntegerField()), 0)


def page_query(items_before: int | None) -> str:
    """ "?page=N" for the meeting page showing an item with this many before it, past the
    first page; else nothing."""
    page = (items_before or 0) // AGENDA_PAGE_SIZE + 1
    return f"?page={page}" if page > 1 else ""


def agenda_page_of(item: AgendaItem) -> int:
    """The page of the agenda builder that shows this item."""
    before = AgendaItem.objects.filter(*_before(item.meeting_id, item.position, item.pk)).count()
    return before // AGENDA_PAGE_SIZE + 1


def minutes_total(timed: list[TimedItem]) -> int:
    return sum(entry.item.minutes_allotted for entry in timed)


def agenda_defaults(forum: Forum) -> dict[str, int]:
    """Minutes per agenda-item kind at this forum: its own where set, else the project's."""
    own = dict(ForumAgendaDefault.objects.filter(forum=forum).values_list("kind", "minutes"))
    return {kind: own.get(kind, minutes) for kind, minutes in DEFAULT_MINUTES.items()}


def default_minutes(forum: Forum, kind: str) -> int:
    return default_minutes_of(forum, {kind})[kind]


def default_minutes_of(forum: Forum, kinds: set[str]) -> dict[str, int]:
    """The forum's default length of an item of each of these kinds; one query, none for
    no kind."""
    own = (
        dict(
            ForumAgendaDefault.objects.filter(forum=forum, kind__in=kinds).values_list(
                "kind", "minutes"
            )
        )
        if kinds
        else {}
    )
    return {kind: own.get(kind, DEFAULT_MINUTES.get(kind, 10)) for kind in kinds}


def booked_minutes(meeting: Meeting) -> int:
    return meeting.agenda_items.aggregate(total=Coalesce(Sum("minutes_allotted"), 0))["total"]


def later_open_meetings(meeting: Meeting) -> QuerySet[Meeting]:
    """The same forum's published meetings after this one that still take items."""
    return (
        Meeting.objects.open_for_items()
        .filter(forum_id=meeting.forum_id, start__gt=meeting.start)
        .exclude(pk=meeting.pk)
        .order_by("start", "id")
    )


def next_meeting_with_room(meeting: Meeting, minutes: int) -> Meeting | None:
    """The forum's first open meeting after this one whose agenda has room for `minutes`
    more; one query."""
    later = later_open_meetings(meeting).annotate(
        booked=Coalesce(Sum("agenda_items__minutes_allotted"), 0)
    )
    return next((m for m in later if m.booked + minutes <= m.duration_minutes), None)


def rsvp_groups(meeting: Meeting) -> list[RsvpGroup]:
    """People by answer, in the order going, maybe, not going."""
    rsvps = (
        Rsvp.objects.filter(meeting=meeting)
        .select_related("user")
        .only("response", *name_fields("user"))
        .order_by("user__email")
    )
    by_response: dict[str, list] = {value: [] for value in RsvpResponse.values}
    for rsvp in rsvps:
        by_response[rsvp.response].append(rsvp.user)
    return [
        RsvpGroup(response=value, label=label, people=by_response[value])
        for value, label in RsvpResponse.choices
    ]


def meeting_resources(meeting: Meeting) -> QuerySet[Resource]:
    """A meeting's resources as its page and agenda pack list them."""
    return as_resource_list(Resource.objects.filter(meeting=meeting)).order_by("title", "id")


def meeting_attendees(meeting: Meeting) -> QuerySet[Attendance]:
    return Attendance.objects.filter(meeting=meeting).select_related("user").order_by("user__email")


def forum_memberships(forum) -> QuerySet[Membership]:
    """Everyone in the forum, with their account, by name."""
    return (
        Membership.objects.filter(forum=forum)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
