"""Reads for practice leads: an issue's leads and advice, its ACCO-input status, and the
lead's queue of open issues in their areas."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from forums.models import Forum
from members.choices import Sector
from members.models import User, name_fields
from practice.models import PracticeLead
from practice.rules import areas_led_by

from ..choices import ACTIVE_STATUSES
from ..models import Comment, ExpertAdvice, PracticeIssue
from ..pagination import NEWEST_FIRST
from .issues import issues_visible_to

# The issue-to-area links, read by subqueries so lists probe by id instead of joining.
AREA_LINKS = PracticeIssue.practice_areas.through.objects


# What a line of leads shows: each lead by name, with their area's name.
LEAD_FIELDS = (*name_fields("user"), "practice_area", "practice_area__name")


def issue_leads(issue: PracticeIssue) -> list[PracticeLead]:
    """The leads of the issue's practice areas, by area then name."""
    return list(
        PracticeLead.objects.filter(
            practice_area__in=AREA_LINKS.filter(practiceissue=issue).values("practicearea")
        )
        .select_related("user", "practice_area")
        .only(*LEAD_FIELDS)
        .order_by("practice_area__name", "user__display_name", "id")
    )


def area_leads(area_ids) -> list[PracticeLead]:
    """The leads of these practice areas, by area then name."""
    return list(
        PracticeLead.objects.filter(practice_area__in=area_ids)
        .select_related("user", "practice_area")
        .only(*LEAD_FIELDS)
        .order_by("practice_area__name", "user__display_name", "id")
    )


def advisable_areas(user, issue: PracticeIssue) -> list[int]:
    """Ids of the issue's practice areas this person leads."""
    led = areas_led_by(user)
    return [area.pk for area in issue.practice_areas.all() if area.pk in led]


def issue_advice(issue: PracticeIssue) -> list[ExpertAdvice]:
    """The issue's expert advice, oldest first, with its author and area."""
    return list(
        ExpertAdvice.objects.filter(issue=issue)
        .select_related("author", "practice_area")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class AccoStatus:
    """Whether an issue that asks for input from an Aboriginal community-controlled
    organisation has had it: when, and from whom (empty while it has not)."""

    area_names: tuple[str, ...]
    given_at: dt.datetime | None = None
    given_by: User | None = None

    @property
    def given(self) -> bool:
        return self.given_at is not None


def acco_status(issue: PracticeIssue) -> AccoStatus | None:
    """None for an issue no area of which seeks ACCO input; otherwise who gave the input,
    found as the comment or advice written at the moment it was recorded."""
    areas = tuple(area.name for area in issue.practice_areas.all() if area.seeks_acco_input)
    if not areas:
        return None
    if issue.acco_input_at is None:
        return AccoStatus(areas)
    at = issue.acco_input_at
    source = (
        ExpertAdvice.objects.filter(issue=issue, created_at=at).select_related("author").first()
        or Comment.objects.filter(issue=issue, created_at=at).select_related("author").first()
    )
    return AccoStatus(areas, at, source.author if source else None)


def acco_members_of(forum: Forum | None, *, limit: int = 10) -> list[User]:
    """Members of the forum who work for an Aboriginal community-controlled organisation."""
    if forum is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__forum=forum,
            organisation__sector=Sector.ACCO,
        )
        .select_related("organisation")
        .order_by("display_name", "pk")
        .distinct()[:limit]
    )


def lead_queue(user, *, area=None, no_advice: bool = False) -> QuerySet[PracticeIssue]:
    """Open issues in the areas this person leads that they may see, newest first, each
    with `advice_count` and `seeks_acco`; page it with `feedback.pagination.issue_page`."""
    led = areas_led_by(user)
    if area is not None:
        led = led & {area.pk}
    in_areas = AREA_LINKS.filter(practicearea__in=led).values("practiceissue")
    issues = issues_visible_to(user).filter(status__in=ACTIVE_STATUSES, pk__in=in_areas)
    if no_advice:
        issues = issues.exclude(Exists(ExpertAdvice.objects.filter(issue=OuterRef("pk"))))
    advice = (
        ExpertAdvice.objects.filter(issue=OuterRef("pk"))
        .order_by()
        .values("issue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    seeks = Exists(
        AREA_LINKS.filter(practiceissue=OuterRef("pk"), practicearea__seeks_acco_input=True)
    )
    return (
        issues.select_related("current_forum", "origin_forum")
        .prefetch_related("practice_areas")
        .defer("description", "search_vector")
        .annotate(
            advice_count=Coalesce(Subquery(advice, output_field=IntegerField()), Value(0)),
            seeks_acco=seeks,
        )
        .order_by(*NEWEST_FIRST)
    )


def issues_without_advice_count(user, *, cap: int = 100) -> int:
    """How many open issues in this person's areas have no advice yet, counted to a cap."""
    if not areas_led_by(user):
        return 0
    return lead_queue(user, no_advice=True).order_by().values("pk")[:cap].count()
