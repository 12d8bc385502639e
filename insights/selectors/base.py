"""What every figure is read through: the period and filters, the Metric it becomes,
and the querysets those filters narrow."""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from feedback.choices import (
    IssueStatus,
)
from feedback.models import Endorsement, PracticeIssue, Referral
from forums.models import Forum
from members.models import PracticeArea, Region

# The longest period the page shows, in days: its monthly table stays short.
MAX_PERIOD_DAYS = 5 * 366

# The first day a period may start: the portal holds no records from before it, and days
# this far from the ends of the calendar keep a period's first and last moments within
# what a datetime can hold in every time zone.
EARLIEST_DAY = dt.date(2000, 1, 1)


def latest_day(today: dt.date | None = None) -> dt.date:
    """The last day a period may reach: a year from today (nothing is recorded ahead of
    time, so a later day would add nothing to the figures)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February: a year on is 28 February
        return today.replace(year=today.year + 1, day=28)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve months up to today."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, today


@dataclass(frozen=True)
class InsightFilters:
    start: dt.date
    end: dt.date
    forum: Forum | None = None
    tier: str = ""
    region: Region | None = None
    practice_area: PracticeArea | None = None
    sector: str = ""

    @classmethod
    def default(cls, **fields) -> "InsightFilters":
        start, end = default_period()
        return cls(start=start, end=end, **fields)

    @property
    def since(self) -> dt.datetime:
        """The period's first moment, local midnight."""
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        """The moment after the period: local midnight after its last day."""
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )

    def in_period(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.since, f"{path}__lt": self.until})

    @property
    def period_label(self) -> str:
        return gettext("%(start)s to %(end)s") % {
            "start": f"{self.start:%-d %B %Y}",
            "end": f"{self.end:%-d %B %Y}",
        }


def filters_query(filters: InsightFilters, *, forum_fixed: bool) -> str:
    """The filters as a query string, the period written out so that it does not move with
    the day the worker reads it."""
    query = QueryDict(mutable=True)
    query["start"] = filters.start.isoformat()
    query["end"] = filters.end.isoformat()
    if filters.forum is not None and not forum_fixed:
        query["forum"] = str(filters.forum.pk)
    for name in ("tier", "sector"):
        if value := getattr(filters, name):
            query[name] = value
    for name in ("region", "practice_area"):
        if (row := getattr(filters, name)) is not None:
            query[name] = str(row.pk)
    return query.urlencode()


def filters_of(query: str, *, forum: Forum | None = None) -> InsightFilters:
    """The filters written by filters_query, with ``forum`` for a forum's own view;
    DoesNotExist if a forum, region or practice area it names has since been removed (reading
    without it would widen what is read)."""
    query = QueryDict(query)

    def row(model, name):
        pk = query.get(name)
        return model.objects.get(pk=pk) if pk else None

    return InsightFilters(
        start=dt.date.fromisoformat(query["start"]),
        end=dt.date.fromisoformat(query["end"]),
        forum=forum or row(Forum, "forum"),
        tier=query.get("tier", ""),
        region=row(Region, "region"),
        practice_area=row(PracticeArea, "practice_area"),
        sector=query.get("sector", ""),
    )


@dataclass(frozen=True)
class Metric:
    slug: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    chart: str
    notes: tuple[str, ...] = ()
    # Which columns the chart draws (indexes; the first column labels them), and the unit
    # written after each drawn value.
    series: tuple[int, ...] = ()
    unit: str = ""
    # Where a cell links to, row by row and cell by cell (None: no link); empty: no links.
    links: tuple[tuple[str | None, ...], ...] = field(default=())
    # The rows as the report prints them, where they differ from the page's: a report is
    # passed on (attached to a meeting as a paper), so it names a restricted issue by its
    # reference only, whoever it was prepared for. Empty: as `rows`.
    printed_rows: tuple[tuple, ...] = field(default=())

    @property
    def total(self) -> int:
        """How many rows the table has (the CSV has as many, under one header)."""
        return len(self.rows)


class _Reading:
    """One request's reads: the filters, the database insights read from, shared lookups."""

    def __init__(self, user, filters: InsightFilters) -> None:
        self.user = user
        self.filters = filters
        self.db = settings.INSIGHTS_DATABASE

    def issues(self) -> QuerySet[PracticeIssue]:
        """Issues raised (not drafts) that the filters select."""
        return (
            PracticeIssue.objects.using(self.db)
            .exclude(status=IssueStatus.DRAFT)
            .filter(*self.issue_conditions("", people=True))
        )

    def issue_conditions(self, path: str, *, people: bool) -> list:
        """Conditions on the issue at `path` ("" for the issue itself); `people`: the region
        and sector filters apply to who raised it (else the caller applies them)."""
        f = self.filters
        prefix = f"{path}__" if path else ""
        outer = OuterRef(f"{path}_id" if path else "pk")
        conditions = []
        if f.forum is not None:
            conditions.append(Exists(Referral.objects.filter(issue=outer, forum=f.forum)))
        if f.tier:
            conditions.append(Exists(Referral.objects.filter(issue=outer, forum__tier=f.tier)))
        if f.practice_area is not None:
            through = PracticeIssue.practice_areas.through.objects
            conditions.append(
                Exists(through.filter(practiceissue=outer, practicearea=f.practice_area))
            )
        if people and f.region is not None:
            conditions.append(Q(**{f"{prefix}origin_forum__region": f.region}))
        if people and f.sector:
            conditions.append(Q(**{f"{prefix}raised_by__organisation__sector": f.sector}))
        return conditions

    def endorsements(self) -> QuerySet[Endorsement]:
        f = self.filters
        rows = Endorsement.objects.using(self.db).filter(
            f.in_period("created_at"), *self.issue_conditions("issue", people=False)
        )
        if f.region is not None:
            rows = rows.filter(user__region=f.region)
        if f.sector:
            rows = rows.filter(user__organisation__sector=f.sector)
        return rows

    @cached_property
    def regions(self) -> dict[int, str]:
        """Every region's name by its id, in the order of the names."""
        return dict(Region.objects.using(self.db).order_by("name").values_list("pk", "name"))

    @cached_property
    def areas(self) -> dict[int, str]:
        """Every practice area's name by its id, in the order of the names."""
        return dict(PracticeArea.objects.using(self.db).order_by("name").values_list("pk", "name"))
