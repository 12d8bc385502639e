"""Reads about forums and meetings shared by pages, feeds and tasks."""

import calendar
import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from members.models import User

from ..choices import (
    EXECUTIVE_ROLES,
    FACILITATING_ROLES,
    OPEN_ACTION_STATUSES,
    MeetingStatus,
    Tier,
)
from ..models import SEEN_BY_MEMBERS, ActionItem, Forum, Meeting, Membership, Resource
from ..rules import roles_of

WHEN_UPCOMING = "upcoming"
WHEN_PAST = "past"


def forums_run_by(user) -> set[int]:
    """Ids of the forums this person may run (as forums.rules.is_forum_facilitator says)."""
    if not user.is_authenticated:
        return set()
    roles = roles_of(user)
    run = {pk for pk, role in roles.items() if role in FACILITATING_ROLES}
    executive = [pk for pk, role in roles.items() if role in EXECUTIVE_ROLES]
    if executive:
        strategic = set(
            Forum.objects.filter(pk__in=executive, tier=Tier.STRATEGIC).values_list("pk", flat=True)
        )
        run |= strategic
    return run


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Every meeting this person may see: drafts only of the forums they run."""
    meetings = Meeting.objects.select_related("forum", "forum__region")
    if not user.is_authenticated:
        return meetings.none()
    if user.is_superuser:
        return meetings
    return meetings.filter(SEEN_BY_MEMBERS | Q(forum_id__in=forums_run_by(user)))


def meetings_for(user) -> QuerySet[Meeting]:
    """The visible meetings of the forums this person belongs to ("my meetings")."""
    return meetings_visible_to(user).filter(forum_id__in=list(roles_of(user)))


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


def month_grid(
    user, year: int, month: int, meetings: QuerySet[Meeting] | None = None
) -> list[list[dict]]:
    """Weeks (Monday first) of days, each with the visible meetings starting that day."""
    tz = timezone.get_current_timezone()
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    by_day: dict[dt.date, list[Meeting]] = {}
    if meetings is None:
        meetings = meetings_visible_to(user)
    for meeting in meetings.filter(start__gte=start, start__lt=end).order_by("start", "id"):
        by_day.setdefault(timezone.localtime(meeting.start, tz).date(), []).append(meeting)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [
        [
            {"date": day, "in_month": day.month == month, "meetings": by_day.get(day, [])}
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


def forum_page(forum: Forum, user, *, past_limit: int = 10) -> dict:
    """What a forum's page shows: members by role, meetings, open actions and resources."""
    memberships = Membership.objects.filter(forum=forum).select_related(
        "user", "user__organisation"
    )
    by_role: dict[str, list[Membership]] = {}
    for membership in sorted(memberships, key=lambda m: str(m.user).lower()):
        by_role.setdefault(membership.role, []).append(membership)
    visible = meetings_visible_to(user).filter(forum=forum)
    # What belongs to a meeting shows only where that meeting itself may be seen.
    shown_with = Q(meeting__isnull=True) | Q(meeting__in=visible.values("pk"))
    return {
        "members_by_role": by_role,
        "upcoming_meetings": list(visible.upcoming()[:20]),
        "past_meetings": list(visible.past()[:past_limit]),
        "open_actions": list(
            ActionItem.objects.filter(shown_with, forum=forum, status__in=OPEN_ACTION_STATUSES)
            .select_related("owner", "meeting")
            .order_by("due_date", "id")
        ),
        "resources": list(
            Resource.objects.filter(shown_with, forum=forum)
            .prefetch_related("practice_areas")
            .order_by("-created_at", "-id")[:30]
        ),
    }


def members_of(forum: Forum) -> QuerySet[Membership]:
    return Membership.objects.filter(forum=forum).select_related("user").order_by("role", "id")


def feed_meetings(user: User) -> QuerySet[Meeting]:
    """A person's subscription feed: their forums' meetings from a year back on."""
    since = timezone.now() - dt.timedelta(days=365)
    return meetings_for(user).filter(end__gte=since).order_by("start")


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
            )
        )
    )
