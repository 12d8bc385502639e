"""Repeat rules for meeting series (RFC 5545 RRULE via python-dateutil), and feed tokens."""

import datetime as dt
import secrets
from dataclasses import dataclass

from dateutil import rrule
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from ..exceptions import ForumActionRefused, TimeDoesNotExist
from ..models import CalendarFeed

MAX_OCCURRENCES = 60

NONE = "none"
WEEKLY = "weekly"
MONTHLY = "monthly"
MONTHLY_NTH = "monthly_nth"

WEEKDAYS = [rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU]


@dataclass(frozen=True)
class Repeat:
    """How a meeting repeats: kind, interval, (nth, weekday) for "the 2nd Tuesday", and an end."""

    kind: str = NONE
    interval: int = 1
    nth: int | None = None  # 1..4, or -1 for the last
    weekday: int | None = None  # 0 = Monday
    until: dt.date | None = None
    count: int | None = None

    @property
    def repeats(self) -> bool:
        return self.kind != NONE


def build_rule(first_day: dt.date, start_time: dt.time, repeat: Repeat) -> rrule.rrule:
    """The dateutil rule for a series; refuses a series with no end."""
    if repeat.until is None and repeat.count is None:
        raise ForumActionRefused(
            gettext("Choose an end date or a number of meetings: a series cannot repeat forever.")
        )
    options: dict = {"interval": repeat.interval}
    if repeat.kind == WEEKLY:
        freq = rrule.WEEKLY
    elif repeat.kind == MONTHLY:
        freq = rrule.MONTHLY
    elif repeat.kind == MONTHLY_NTH:
        freq = rrule.MONTHLY
        options["byweekday"] = WEEKDAYS[repeat.weekday](repeat.nth)
    else:
        raise ForumActionRefused(gettext("Unknown kind of repeat."))
    if repeat.count is not None:
        options["count"] = repeat.count
    else:
        options["until"] = dt.datetime.combine(repeat.until, dt.time.max)
    return rrule.rrule(freq, dtstart=dt.datetime.combine(first_day, start_time), **options)


def rule_text(rule: rrule.rrule) -> str:
    """Only the RRULE line (the start lives on each meeting)."""
    lines = [line for line in str(rule).splitlines() if line.startswith("RRULE:")]
    return lines[0].removeprefix("RRULE:")


PAST_START = gettext_lazy("A meeting cannot start in the past: choose a time from now on.")


def refuse_meeting_times(start: dt.datetime, end: dt.datetime) -> None:
    """A meeting ends after it starts, on the day it starts (`LONGEST_MEETING` rests on it)."""
    # Compared as instants: two times of one time zone compare by their clock readings, and
    # around a change of daylight saving those can be in the other order.
    if end.astimezone(dt.UTC) <= start.astimezone(dt.UTC):
        raise ForumActionRefused(gettext("A meeting must end after it starts."))
    if timezone.localdate(start) != timezone.localdate(end):
        raise ForumActionRefused(gettext("A meeting must end on the day it starts."))


def refuse_past_start(start: dt.datetime, *, was: dt.datetime | None = None) -> None:
    """A meeting is not scheduled, or moved, to start before now: members would be told of a
    meeting that never happened, and outcomes could be recorded at it. A meeting whose start
    stays as it was (`was`) may keep it."""
    if starts_in_the_past(start, was=was):
        raise ForumActionRefused(str(PAST_START))


def starts_in_the_past(start: dt.datetime, *, was: dt.datetime | None = None) -> bool:
    """Whether `start` is before now and not the start the meeting has (to the minute, as the
    meeting form gives times)."""
    if start >= timezone.now():
        return False
    return was is None or start.replace(second=0, microsecond=0) != was.replace(
        second=0, microsecond=0
    )


# The years a meeting may fall in: the calendar's, well inside what a date can hold, so that
# moving to another time zone or a series' later meetings never runs off its ends.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def in_meeting_years(day: dt.date, *, field: str = "date") -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise TimeDoesNotExist(
            gettext("Choose a date between the years %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field=field,
        )


def local_moment(day: dt.date, clock: dt.time, *, field: str = "start_time") -> dt.datetime:
    """The aware moment the portal's clocks read `clock` on `day`; refused when the clocks
    skip that time, as they do when daylight saving starts, or the day is past the years a
    meeting may fall in."""
    in_meeting_years(day)
    naive = dt.datetime.combine(day, clock)
    moment = timezone.make_aware(naive)
    # Read back through UTC: a time the clocks skip comes back an hour off.
    if timezone.localtime(moment.astimezone(dt.UTC)).replace(tzinfo=None) != naive:
        raise TimeDoesNotExist(
            gettext(
                "%(time)s does not exist on %(day)s: the clocks go forward then. Choose "
                "another time."
            )
            % {"time": clock.strftime("%-I:%M %p"), "day": day.strftime("%-d %B %Y")},
            field=field,
        )
    return moment


def occurrences(
    first_day: dt.date, start_time: dt.time, end_time: dt.time, repeat: Repeat
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Aware (start, end) pairs in the portal's time zone; wall-clock times hold across DST."""
    if end_time <= start_time:
        raise ForumActionRefused(gettext("A meeting must end after it starts."))
    if not repeat.repeats:
        days = [first_day]
    else:
        days = []
        for moment in build_rule(first_day, start_time, repeat):
            days.append(moment.date())
            if len(days) > MAX_OCCURRENCES:
                raise ForumActionRefused(
                    gettext(
                        "A series can have at most %(most)s meetings; "
                        "choose an earlier end date or fewer meetings."
                    )
                    % {"most": MAX_OCCURRENCES}
                )
        if not days:
            raise ForumActionRefused(
                gettext("This repeat rule gives no meetings before the end date.")
            )
    return [
        (local_moment(day, start_time), local_moment(day, end_time, field="end_time"))
        for day in days
    ]


@transaction.atomic
def regenerate_calendar_feed(user) -> CalendarFeed:
    """Give a person a new secret feed address; the old address stops working at once."""
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return CalendarFeed.objects.create(user=user, token=token)
    feed.token = token
    feed.save(update_fields=["token", "created_at"])
    return feed


@transaction.atomic
def revoke_calendar_feed(user) -> int:
    """Stop a person's feed address from working; returns how many addresses were revoked."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return deleted


def moved_spans(meetings, start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """Where a meeting and the later ones of its series land when the first moves to
    start..end: the later ones move by the same number of days, to the same clock time."""
    if not meetings:
        return []
    first = meetings[0]
    shift = timezone.localtime(start).date() - timezone.localtime(first.start).date()
    start_time, length = timezone.localtime(start).time(), end - start
    spans = []
    for meeting in meetings:
        if meeting.pk == first.pk:
            new_start = start
        else:
            try:
                day = timezone.localtime(meeting.start).date() + shift
            except OverflowError:
                day = dt.date.max
            new_start = local_moment(day, start_time)
        spans.append((meeting, new_start, new_start + length))
    return spans
