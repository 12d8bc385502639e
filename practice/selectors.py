"""Reads of the practice guidance library shared by its pages, tasks and other apps."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from members.models import PracticeArea

from .choices import GuidanceStatus
from .models import GuidanceEvent, GuidanceItem
from .websearch import search_rows

# The library lists these unless someone asks for superseded items.
LISTED_STATUSES = (GuidanceStatus.CURRENT, GuidanceStatus.UNDER_REVIEW)
# Statuses an issue, response or outcome may point to as the guidance to follow now.
CITABLE_STATUSES = LISTED_STATUSES
# An owner's "due for review" list looks this far ahead of each review date.
REVIEW_NOTICE_DAYS = 30


def _with_areas(items: QuerySet[GuidanceItem]) -> QuerySet[GuidanceItem]:
    return items.select_related("owner", "superseded_by").prefetch_related(
        Prefetch("practice_areas", queryset=PracticeArea.objects.order_by("name"))
    )


def search_guidance(items: QuerySet[GuidanceItem], text: str) -> QuerySet[GuidanceItem]:
    """Full-text search on PostgreSQL's stored vector (title A, summary B); elsewhere a plain
    contains-match of the query read as PostgreSQL reads it (phrases, "-word", "or")."""
    return search_rows(items, text, "title", "summary")


def library_items(
    *,
    kind: str = "",
    practice_area: PracticeArea | None = None,
    status: str = "",
    text: str = "",
) -> QuerySet[GuidanceItem]:
    """The library as its list shows it, by title: current and under review unless a status
    is asked for (superseded items only on request)."""
    items = GuidanceItem.objects.filter(
        **({"status": status} if status else {"status__in": LISTED_STATUSES})
    )
    if kind:
        items = items.filter(kind=kind)
    if practice_area is not None:
        # A subquery, not a join, so an item in two areas is listed once.
        items = items.filter(
            pk__in=GuidanceItem.practice_areas.through.objects.filter(
                practicearea=practice_area
            ).values("guidanceitem")
        )
    items = search_guidance(items, text)
    return _with_areas(items).order_by("title", "id")


def guidance_item(pk: int) -> GuidanceItem:
    """One item with what its page shows: owner, areas, successor, the items it supersedes
    (its version history) and its events."""
    return (
        _with_areas(GuidanceItem.objects.all())
        .prefetch_related(
            Prefetch(
                "supersedes",
                queryset=GuidanceItem.objects.order_by("-published_on", "-id"),
                to_attr="earlier_versions",
            ),
            Prefetch(
                "events",
                queryset=GuidanceEvent.objects.select_related("actor").order_by("created_at", "id"),
                to_attr="history",
            ),
        )
        .get(pk=pk)
    )


def latest_version(item: GuidanceItem) -> GuidanceItem:
    """The newest item in the chain of successors (the item itself when not superseded)."""
    seen = {item.pk}
    while item.superseded_by_id is not None and item.superseded_by_id not in seen:
        item = item.superseded_by
        seen.add(item.pk)
    return item


def sessions_using(item: GuidanceItem) -> list:
    """Published meetings (learning sessions) that use the item as material, soonest last."""
    return list(item.sessions.published().select_related("forum").order_by("-start", "-id"))


def due_for_review(user, *, today: dt.date | None = None) -> QuerySet[GuidanceItem]:
    """The person's own items past their review date or due within REVIEW_NOTICE_DAYS, not
    superseded, the most overdue first."""
    today = today or timezone.localdate()
    return _with_areas(
        GuidanceItem.objects.filter(
            owner=user,
            status__in=LISTED_STATUSES,
            review_by__lte=today + dt.timedelta(days=REVIEW_NOTICE_DAYS),
        )
    ).order_by("review_by", "id")


def overdue_count(user, *, today: dt.date | None = None) -> tuple[int, int]:
    """(past the review date, due within REVIEW_NOTICE_DAYS) for the person's own items."""
    today = today or timezone.localdate()
    dates = list(
        GuidanceItem.objects.filter(
            owner=user,
            status__in=LISTED_STATUSES,
            review_by__lte=today + dt.timedelta(days=REVIEW_NOTICE_DAYS),
        ).values_list("review_by", flat=True)
    )
    overdue = sum(1 for day in dates if day < today)
    return overdue, len(dates) - overdue


def citable_guidance() -> QuerySet[GuidanceItem]:
    """Items an issue, response or outcome may name: current or under review, by title."""
    return GuidanceItem.objects.filter(status__in=CITABLE_STATUSES).order_by("title", "id")
