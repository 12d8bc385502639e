"""Reads about forums and meetings shared by pages, feeds and tasks."""

import calendar
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import MD5, Cast, Coalesce, Concat, Lower, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from cop_portal.dates import LocalTimes
from members.choices import Sector
from members.models import PracticeArea, User, name_fields

from ..choices import (
    FACILITATING_ROLES,
    OPEN_ACTION_STATUSES,
    MeetingKind,
    MeetingStatus,
    MembershipRole,
    RegistrationStatus,
    Tier,
)
from ..models import (
    ActionItem,
    Forum,
    Meeting,
    Membership,
    Registration,
    Resource,
    seen_by_members,
)
from ..rules import forums_run_by, is_administrator, roles_of

WHEN_UPCOMING = "upcoming"
WHEN_PAST = "past"


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Every meeting this person may see: drafts only of the forums they run."""
    meetings = Meeting.objects.select_related("forum", "forum__region")
    if not user.is_authenticated:
        return meetings.none()
    return meetings.filter(visible_meeting(user))


def facilitators_of(forum: Forum) -> list[User]:
    """The forum's chairs and facilitators whose accounts are open."""
    memberships = forum.memberships.filter(role__in=FACILITATING_ROLES, user__is_active=True)
    return [membership.user for membership in memberships.select_related("user")]


def visible_meeting(user, path: str = "") -> Q:
    """`meetings_visible_to` as a condition: on a meeting, or, given the `path` from another
    model to its meeting ("meeting"), on that model's rows. A row with no meeting passes."""
    if user.is_superuser:
        return Q()
    visible = seen_by_members(path) | run_by(user, path)
    return visible | Q(**{f"{path}__isnull": True}) if path else visible


def readable_minutes(user, path: str = "meeting") -> Q:
    """forums.view_minutes as a condition on rows of a meeting's minutes that are never
    redrafted (the actions given at it), found by `path`: the meeting is visible, and its
    minutes are published or this person belongs to its forum. A row of no meeting passes."""
    if user.is_superuser:
        return Q()
    readable = Q(**{f"{path}__minutes_published_at__isnull": False}) | Q(
        **{f"{path}__forum_id__in": sorted(roles_of(user))}
    )
    return visible_meeting(user, path) & (readable | Q(**{f"{path}__isnull": True}))


def run_by(user, path: str = "") -> Q:
    """Rows of the forums this person runs (an administrator runs every forum): of a forum's
    own rows (its events), or, given the `path` to a meeting ("meeting"), of its meetings'."""
    if user.is_superuser:
        return Q()
    to = f"{path}__" if path else ""
    return Q(**{f"{to}forum_id__in": sorted(forums_run_by(user))})


def kept_minutes(user, path: str = "meeting") -> Q:
    """The minutes as they are being written (an item's notes, a decision's text, a revision
    not published), as a condition on their rows found by `path`: those who keep them, who
    run the meeting's forum, read them; everyone else reads only what has been published."""
    return run_by(user, path)


def readable_agenda(user, path: str = "meeting") -> Q:
    """Who reads a meeting's agenda, as a condition on its items: the meeting is visible,
    and its agenda is out (published, or a learning session's) or this person runs its
    forum."""
    if user.is_superuser:
        return Q()
    out = (
        Q(**{f"{path}__agenda_published_at__isnull": False})
        | Q(**{f"{path}__kind": MeetingKind.LEARNING})
        | run_by(user, path)
    )
    return visible_meeting(user, path) & out


def meetings_for(user) -> QuerySet[Meeting]:
    """A person's own meetings: the visible meetings of the forums they belong to, except
    learning sessions, which are theirs when they hold a place or run the host forum."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    own_forums = list(roles_of(user))
    holds_place = Registration.objects.filter(
        user=user, status=RegistrationStatus.REGISTERED
    ).values("meeting_id")
    return meetings_visible_to(user).filter(
        Q(forum_id__in=own_forums, kind=MeetingKind.FORUM)
        | Q(kind=MeetingKind.LEARNING, forum_id__in=sorted(forums_run_by(user)))
        | Q(kind=MeetingKind.LEARNING, pk__in=holds_place)
    )


def filtered_meetings(
    meetings: QuerySet[Meeting],
    *,
    when: str | None = WHEN_UPCOMING,
    tier: str = "",
    forum: Forum | None = None,
    region=None,
) -> QuerySet[Meeting]:
    """Meetings by tier, forum and region; upcoming or past, or any time when when=None."""
    if tier:
        meetings = meetings.filter(forum__tier=tier)
    if forum is not None:
        meetings = meetings.filter(forum=forum)
    if region is not None:
        meetings = meetings.filter(forum__region=region)
    if when is None:
        return meetings
    return meetings.past() if when == WHEN_PAST else meetings.upcoming()


@dataclass(frozen=True)
class CalendarEntry:
    """A meeting as a month's grid shows it: its title, page and local start time."""

    title: str
    url: str
    time: str
    status: str

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


def addresses_of(url_name: str) -> Callable[[int], str]:
    """reverse(url_name, args=[pk]) for many pks at the cost of one reverse: the addresses
    differ only in the number."""
    marker = 918273645
    head, tail = reverse(url_name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


@dataclass(frozen=True)
class ScheduleRow:
    """A meeting as a schedule lists it, with its addresses and times written once per page
    rather than by a tag and three date filters on every row."""

    meeting: Meeting
    url: str
    edit_url: str
    publish_url: str
    complete_url: str
    cancel_url: str
    starts_iso: str
    starts_label: str
    ends_label: str
    # The meeting's name and date, which its action links name for screen readers.
    name: str


def as_resource_list(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    """Resources with what forums/_resource_list.html shows of each: its title, kind and
    address, and its practice areas' names."""
    return resources.only("title", "kind", "url").prefetch_related(
        Prefetch("practice_areas", queryset=PracticeArea.objects.only("name"))
    )


# What a schedule row shows of its meeting (forums/_sched_meeting_item.html), for lists that
# read no more.
SCHEDULE_FIELDS = ("forum", "title", "kind", "status", "start", "end", "place", "online_link")


def schedule_rows(meetings) -> list[ScheduleRow]:
    """Each meeting as a schedule row; no query."""
    detail, edit, publish, complete, cancel = (
        addresses_of(f"forums:meeting-{action}")
        for action in ("detail", "edit", "publish", "complete", "cancel")
    )
    times = LocalTimes()
    return [
        ScheduleRow(
            meeting=meeting,
            url=detail(meeting.pk),
            edit_url=edit(meeting.pk),
            publish_url=publish(meeting.pk),
            complete_url=complete(meeting.pk),
            cancel_url=cancel(meeting.pk),
            starts_iso=times.iso(meeting.start),
            starts_label=times.day_time(meeting.start),
            ends_label=times.clock(meeting.end),
            name=str(meeting),
        )
        for meeting in meetings
    ]


def month_grid(
    user, year: int, month: int, meetings: QuerySet[Meeting] | None = None
) -> list[list[dict]]:
    """Weeks (Monday first) of days, each with its names and the visible meetings starting
    that day as CalendarEntry rows; one query. Names and times are formatted once each."""
    tz = timezone.get_current_timezone()
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    if meetings is None:
        meetings = meetings_visible_to(user)
    rows = (
        meetings.filter(start__gte=start, start__lt=end)
        .order_by("start", "id")
        .values_list("pk", "title", "start", "status")
    )
    page = addresses_of("forums:meeting-detail")
    times: dict[dt.time, str] = {}
    by_day: dict[dt.date, list[CalendarEntry]] = {}
    for pk, title, starts, status in rows:
        local = timezone.localtime(starts, tz)
        if local.time() not in times:
            times[local.time()] = date_format(local, "g:i a")
        entry = CalendarEntry(title, page(pk), times[local.time()], status)
        by_day.setdefault(local.date(), []).append(entry)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    weekdays = [date_format(day, "l") for day in weeks[0]]
    months = {day.month: date_format(day, "F") for day in (weeks[0][0], first, weeks[-1][-1])}
    return [
        [
            {
                "date": day,
                "in_month": day.month == month,
                "weekday": weekdays[day.weekday()],
                "month_name": months[day.month],
                "meetings": by_day.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]


def forums_facilitated_with(user, forum: Forum) -> set[int]:
    """The forum itself plus every other forum this person runs."""
    return {forum.pk} | forums_run_by(user)


def clashes(
    user,
    forum: Forum,
    spans: Iterable[tuple[dt.datetime, dt.datetime]],
    *,
    exclude: Iterable[int] = (),
) -> list[Meeting]:
    """Non-cancelled meetings of this forum or the person's other forums overlapping a span."""
    overlap = Q()
    for start, end in spans:
        overlap |= Q(start__lt=end, end__gt=start)
    if not overlap:
        return []
    return list(
        Meeting.objects.select_related("forum")
        .filter(overlap, forum_id__in=forums_facilitated_with(user, forum))
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(pk__in=list(exclude))
        .order_by("start")
    )


def forum_directory() -> dict[str, list[Forum]]:
    """Every forum grouped by tier (in the loop's order), with its member count."""
    groups: dict[str, list[Forum]] = {tier: [] for tier in Tier.values}
    forums = Forum.objects.select_related("region").annotate(member_count=Count("memberships"))
    for forum in forums.order_by("name"):
        groups[forum.tier].append(forum)
    return {tier: forums for tier, forums in groups.items() if forums}


# A forum page shows this many members and open actions; the rest are a page away.
FORUM_PAGE_MEMBERS = 24
FORUM_PAGE_ACTIONS = 20


# A membership's place in the order roles are listed, and its member's name as sorted; made
# once, since building them cost a third of the query they order.
ROLE_RANK = Case(
    *(When(role=role, then=Value(rank)) for rank, role in enumerate(MembershipRole.values)),
    default=Value(len(MembershipRole.values)),
)
MEMBER_NAME = Lower(Coalesce(NullIf("user__display_name", Value("")), "user__email"))


def members_in_role_order(forum: Forum) -> QuerySet[Membership]:
    """A forum's members, chairs first in the order roles are listed, then by name."""
    return (
        Membership.objects.filter(forum=forum)
        .select_related("user__organisation")
        .only("role", *name_fields("user"), "user__organisation__name")
        .order_by(ROLE_RANK, MEMBER_NAME, "id")
    )


def forum_page(forum: Forum, user, *, members_page=None, past_limit: int = 10) -> dict:
    """What a forum's page shows: a page of its members by role, meetings, the soonest due
    open actions with how many there are, and the latest resources."""
    mix = sector_mix(forum)
    paginator = Paginator(members_in_role_order(forum), FORUM_PAGE_MEMBERS)
    # The sector mix counts every member once, so it gives the paginator its count.
    paginator.count = sum(row.count for row in mix)
    members = paginator.get_page(members_page)
    # The page names its forum once, so its meetings come without it.
    visible = meetings_visible_to(user).filter(forum=forum).select_related(None)
    # What belongs to a meeting shows only where that meeting itself may be seen: asked of
    # each row's own meeting, by its key, rather than of every meeting the forum has held.
    shown_with = Q(meeting__isnull=True) | Q(Exists(visible.filter(pk=OuterRef("meeting_id"))))
    # An action written in a meeting's minutes is part of them (forums.view_minutes): its
    # forum's members (those who keep its minutes among them) and administrators read it
    # before they are published, everyone else once they are.
    actions_shown = shown_with
    if not (is_administrator(user) or forum.pk in roles_of(user)):
        actions_shown = Q(meeting__isnull=True) | Q(
            Exists(visible.filter(pk=OuterRef("meeting_id"), minutes_published_at__isnull=False))
        )
    open_actions = list(
        ActionItem.objects.filter(actions_shown, forum=forum, status__in=OPEN_ACTION_STATUSES)
        .select_related("owner")
        .only("title", "due_date", "status", *name_fields("owner"))
        # How many there are in all rides along with the first rows.
        .annotate(open_count=Window(Count("pk")))
        .order_by("due_date", "id")[:FORUM_PAGE_ACTIONS]
    )
    return {
        "members": members,
        "upcoming_rows": schedule_rows(visible.upcoming().only(*SCHEDULE_FIELDS)[:20]),
        "past_rows": schedule_rows(visible.past().only(*SCHEDULE_FIELDS)[:past_limit]),
        "open_actions": open_actions,
        "open_action_count": open_actions[0].open_count if open_actions else 0,
        "resources": list(
            as_resource_list(Resource.objects.filter(shown_with, forum=forum)).order_by(
                "-created_at", "-id"
            )[:30]
        ),
        "sector_mix": mix,
    }


@dataclass(frozen=True)
class SectorCount:
    """How many of a forum's members work in one sector (`sector` empty: not stated)."""

    sector: str
    label: str
    count: int


def sector_mix(forum: Forum) -> list[SectorCount]:
    """Who takes part: the forum's members counted by their organisation's sector, every
    sector listed (with 0 where none), then those whose sector is not stated; one query."""
    rows = dict(
        Membership.objects.filter(forum=forum)
        .order_by()
        .values_list("user__organisation__sector")
        .annotate(n=Count("user", distinct=True))
        .values_list("user__organisation__sector", "n")
    )
    counts = [SectorCount(value, str(label), rows.get(value, 0)) for value, label in Sector.choices]
    not_stated = sum(n for sector, n in rows.items() if sector not in Sector.values)
    return [*counts, SectorCount("", gettext("Not stated"), not_stated)]


def members_of(forum: Forum) -> QuerySet[Membership]:
    return Membership.objects.filter(forum=forum).select_related("user").order_by("role", "id")


# A subscription feed carries meetings starting from about three months back to a year
# ahead: what a calendar needs, and a size that does not grow with the years.
FEED_DAYS_BACK = 92
FEED_DAYS_AHEAD = 366


@dataclass(frozen=True)
class FeedStamp:
    """What a person's feed is drawn from, enough to tell whether it changed: the window,
    the forums and roles it is drawn from, and a digest of each meeting it lists with its
    latest change and its forum's name (the events' summaries carry it)."""

    since: dt.datetime
    until: dt.datetime
    roles: tuple[tuple[int, str], ...]
    listed: str

    @property
    def etag(self) -> str:
        parts = (self.since, self.until, self.roles, self.listed)
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def feed_window(today: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Midnight FEED_DAYS_BACK days ago to midnight FEED_DAYS_AHEAD days on (local time),
    so the window, and the feed's validator, move once a day."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(today - dt.timedelta(days=FEED_DAYS_BACK), dt.time.min, tz)
    until = dt.datetime.combine(today + dt.timedelta(days=FEED_DAYS_AHEAD), dt.time.min, tz)
    return since, until


def feed_meetings(
    user: User, window: tuple[dt.datetime, dt.datetime] | None = None
) -> QuerySet[Meeting]:
    """A person's subscription feed: the visible meetings of their forums starting within
    the feed window, one query (after the person's roles, read once per request)."""
    since, until = window or feed_window()
    return meetings_for(user).filter(start__gte=since, start__lt=until).order_by("start", "id")


def listed_digest(meetings: QuerySet[Meeting]) -> str:
    """A digest of each meeting's key, latest change and forum's name, in key order. On
    PostgreSQL the database writes it, so a feed of a thousand meetings is one short row."""
    if connection.vendor == "postgresql":
        row = Concat(
            Cast("pk", TextField()),
            Value(" "),
            Cast("updated_at", TextField()),
            Value(" "),
            "forum__name",
            output_field=TextField(),
        )
        listed = StringAgg(row, delimiter="\n", order_by="pk", default="")
        return meetings.order_by().aggregate(digest=MD5(listed))["digest"]
    rows = meetings.order_by("pk").values_list("pk", "updated_at", "forum__name")
    return hashlib.md5(repr(tuple(rows)).encode(), usedforsecurity=False).hexdigest()


def feed_stamp(user: User) -> FeedStamp:
    """The feed's validator, from one query over the meetings it would list: a count and a
    latest change would miss one meeting swapped for another, or a forum renamed."""
    since, until = window = feed_window()
    return FeedStamp(
        since=since,
        until=until,
        roles=tuple(sorted(roles_of(user).items())),
        listed=listed_digest(feed_meetings(user, window)),
    )


def due_reminders(now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Published meetings starting within the reminder window, with their members."""
    now = now or timezone.now()
    window = now + dt.timedelta(days=settings.MEETING_REMINDER_DAYS)
    return (
        Meeting.objects.filter(status=MeetingStatus.PUBLISHED, start__gt=now, start__lte=window)
        .select_related("forum")
        .prefetch_related(
            Prefetch(
                "forum__memberships",
                queryset=Membership.objects.select_related("user"),
                to_attr="reminder_memberships",
            ),
            # A learning session reminds those holding a place, not the host forum.
            Prefetch(
                "registrations",
                queryset=Registration.objects.filter(
                    status=RegistrationStatus.REGISTERED
                ).select_related("user"),
                to_attr="reminder_registrations",
            ),
        )
    )
