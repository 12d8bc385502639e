"""Loop health: every figure an aggregate query, handed to pages, CSVs and the report as
frozen Metrics whose rows are the table, the chart and the CSV alike.

Filters narrow the issues counted: the forum or tier they passed through, the region they
were raised in, a practice area, and the sector of whoever raised them. Endorsement
figures take the region and sector of the person endorsing.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from feedback.models import IssueEvent
from forums.choices import EXECUTIVE_ROLES, FACILITATING_ROLES, Tier
from forums.models import Forum, ForumEvent

from .base import (
    EARLIEST_DAY,
    MAX_PERIOD_DAYS,
    InsightFilters,
    Metric,
    _Reading,
    default_period,
    filters_of,
    filters_query,
    latest_day,
)
from .loop import _carry_overs, _closure, _flow, _follow_through, _queues, _time
from .patterns import (
    _clusters,
    _heatmap_endorsements,
    _heatmap_issues,
    _voice_endorsements,
    _voice_issues,
)

__all__ = [
    "EARLIEST_DAY",
    "MAX_PERIOD_DAYS",
    "METRICS",
    "Figures",
    "InsightFilters",
    "Metric",
    "data_version",
    "default_period",
    "figures",
    "filters_of",
    "filters_query",
    "forums_for_insights",
    "latest_day",
    "loop_health",
    "metric",
]
# --- The page ----------------------------------------------------------------------------

METRICS = {
    "flow": _flow,
    "time": _time,
    "queues": _queues,
    "carry-overs": _carry_overs,
    "follow-through": _follow_through,
    "closure": _closure,
    "heatmap-issues": _heatmap_issues,
    "heatmap-endorsements": _heatmap_endorsements,
    "clusters": _clusters,
    "voice-issues": _voice_issues,
    "voice-endorsements": _voice_endorsements,
}


# Metrics whose rows depend on who reads them (titles of restricted issues), cached per reader.
PER_READER = frozenset({"clusters"})
# Bumped whenever the shape of what is cached with the figures changes (Metric, the
# registers' counts), so nothing cached in an older shape is read.
CACHE_FORMAT = 3


@dataclass(frozen=True)
class Figures:
    """Every metric, and when they were computed (they may come from the cache)."""

    metrics: tuple[Metric, ...]
    as_of: dt.datetime
    # Names these figures for this reader and these data: what a page made of them may be
    # cached under ("" when nothing is cached).
    key: str = ""


def data_version(db: str) -> tuple[int, int]:
    """A cheap token that changes with any change insights read: every change to an issue
    writes an IssueEvent and every change to a forum or meeting a ForumEvent (two index
    lookups, one query)."""
    issue_events = IssueEvent._meta.db_table
    forum_events = ForumEvent._meta.db_table
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {issue_events}), "  # noqa: S608 - model table names
            f"(SELECT MAX(id) FROM {forum_events})"
        )
        issue_event, forum_event = cursor.fetchone()
    return issue_event or 0, forum_event or 0


def _cache_key(filters: InsightFilters, version: tuple, reader=None) -> str:
    def pk(value):
        return None if value is None else value.pk

    parts = (
        CACHE_FORMAT,
        filters.start.isoformat(),
        filters.end.isoformat(),
        pk(filters.forum),
        filters.tier,
        pk(filters.region),
        pk(filters.practice_area),
        filters.sector,
        version,
        "all" if reader is None else reader.pk,
    )
    return "insights:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def figures(user, filters: InsightFilters) -> Figures:
    """Every metric, in the page's order, for what this person may see; computed at most
    once per INSIGHTS_CACHE_SECONDS for the same filters and data (figures that depend on
    the reader are kept per reader)."""
    reading = _Reading(user, filters)
    seconds = settings.INSIGHTS_CACHE_SECONDS
    if seconds <= 0:
        return Figures(tuple(build(reading) for build in METRICS.values()), timezone.now())
    version = data_version(reading.db)
    keys = {"shared": _cache_key(filters, version), "own": _cache_key(filters, version, user)}
    found = cache.get_many(keys.values())
    parts, fresh = {}, {}
    for part, key in keys.items():
        if key in found:
            parts[part] = found[key]
            continue
        now = timezone.now()
        parts[part] = fresh[key] = (
            now,
            {
                slug: build(reading)
                for slug, build in METRICS.items()
                if (slug in PER_READER) == (part == "own")
            },
        )
    if fresh:
        cache.set_many(fresh, timeout=seconds)
    computed = {**parts["shared"][1], **parts["own"][1]}
    return Figures(
        metrics=tuple(computed[slug] for slug in METRICS),
        as_of=min(parts["shared"][0], parts["own"][0]),
        key=keys["own"],
    )


def loop_health(user, filters: InsightFilters) -> tuple[Metric, ...]:
    """Every metric, in the page's order, for what this person may see."""
    return figures(user, filters).metrics


def metric(user, filters: InsightFilters, slug: str) -> Metric:
    """One metric by its slug, from the page's cached figures when they are there;
    KeyError for an unknown slug."""
    build = METRICS[slug]
    reading = _Reading(user, filters)
    if settings.INSIGHTS_CACHE_SECONDS > 0:
        version = data_version(reading.db)
        key = _cache_key(filters, version, user if slug in PER_READER else None)
        cached = cache.get(key)
        if cached is not None:
            return cached[1][slug]
    return build(reading)


def forums_for_insights(user) -> QuerySet[Forum]:
    """Forums whose own view this person may open: every forum for those who see all of
    insights, else the forums they run."""
    forums = Forum.objects.order_by("tier", "name")
    if not user.is_authenticated:
        return forums.none()
    if user.has_perm("insights.view_insights"):
        return forums
    runs = Q(memberships__user=user) & (
        Q(memberships__role__in=FACILITATING_ROLES)
        | Q(tier=Tier.STRATEGIC, memberships__role__in=EXECUTIVE_ROLES)
    )
    return forums.filter(pk__in=Forum.objects.filter(runs).values("pk"))
