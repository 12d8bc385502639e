"""Shared reads of practice issues; each owns its joins so list pages stay flat."""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from forums.choices import EXECUTIVE_ROLES, FACILITATING_ROLES, Tier
from forums.models import Forum, Membership

from .choices import (
    FINAL_DELIVERY_STATUSES,
    FINISHED_STATUSES,
    DeliveryStatus,
    EventKind,
    IssueStatus,
    ReferralPurpose,
)
from .models import IssueEvent, MergeRecord, PracticeIssue, Referral, ResponseProgress


def _with_counts(issues: QuerySet[PracticeIssue]) -> QuerySet[PracticeIssue]:
    """Related rows a list shows; its counts are the issue's own maintained counters."""
    return issues.select_related(
        "current_forum", "origin_forum__region", "raised_by"
    ).prefetch_related("practice_areas")


def issues_visible_to(user) -> QuerySet[PracticeIssue]:
    """Every issue this person may see: drafts only their own; restricted ones to members
    of forums it has been at (so executives once it reached them) and administrators."""
    issues = PracticeIssue.objects.all()
    own = Q(raised_by=user)
    published = ~Q(status=IssueStatus.DRAFT)
    if user.is_superuser:
        return issues
    visited_mine = Exists(
        Referral.objects.filter(
            issue=OuterRef("pk"),
            forum__in=Membership.objects.filter(user=user).values("forum"),
        )
    )
    return issues.filter(own | (published & (Q(restricted=False) | visited_mine)))


def search_issues(issues: QuerySet[PracticeIssue], text: str) -> QuerySet[PracticeIssue]:
    """Full-text search on PostgreSQL; a plain contains-match elsewhere."""
    text = text.strip()
    if not text:
        return issues
    if connection.vendor == "postgresql":
        # The stored, GIN-indexed vector: title weighted A, description B (migration 0005).
        return issues.filter(
            search_vector=SearchQuery(text, search_type="websearch", config="english")
        )
    words = text.split()
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(description__icontains=word)
    return issues.filter(condition)


def issue_list(
    user,
    *,
    status="",
    tier="",
    forum=None,
    region=None,
    practice_area=None,
    age_days=None,
    text="",
    mine=False,
    delivery="",
) -> QuerySet[PracticeIssue]:
    issues = issues_visible_to(user)
    if mine:
        issues = issues.filter(Q(raised_by=user) | Q(watches__user=user)).distinct()
    else:
        issues = issues.exclude(status=IssueStatus.DRAFT)
    if status:
        issues = issues.filter(status=status)
    if tier:
        issues = issues.filter(current_forum__tier=tier)
    if forum is not None:
        issues = issues.filter(current_forum=forum)
    if region is not None:
        issues = issues.filter(origin_forum__region=region)
    if practice_area is not None:
        issues = issues.filter(practice_areas=practice_area)
    if age_days:
        issues = issues.filter(submitted_at__gte=timezone.now() - dt.timedelta(days=age_days))
    issues = with_delivery(search_issues(issues, text))
    if delivery:
        issues = issues.filter(DELIVERY_FILTER_CONDITIONS[delivery])
    return _with_counts(issues).order_by("-submitted_at", "-id")


def with_delivery(issues: QuerySet[PracticeIssue]) -> QuerySet[PracticeIssue]:
    """Each issue's two ends in one join: `delivery_status` (empty before a response) and
    `delivery_overdue` (its action still being carried out past the due date)."""
    return issues.annotate(
        delivery_status=Coalesce(F("response__delivery_status"), Value("")),
        delivery_overdue=Case(
            When(
                Q(response__due_date__lt=timezone.localdate())
                & ~Q(response__delivery_status__in=FINAL_DELIVERY_STATUSES),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


DELIVERY_FILTER_CONDITIONS = {
    "delivered": Q(delivery_status=DeliveryStatus.DELIVERED),
    "not_proceeding": Q(delivery_status=DeliveryStatus.NOT_PROCEEDING),
    "not_delivered": Q(response__isnull=False) & ~Q(delivery_status__in=FINAL_DELIVERY_STATUSES),
    "overdue": Q(delivery_overdue=True),
}


def issue_detail(pk: int) -> PracticeIssue:
    referrals = Referral.objects.select_related(
        "forum", "agenda_item__meeting", "outcome_by"
    ).order_by("entered_at", "id")
    events = IssueEvent.objects.select_related("actor", "forum", "agenda_item__meeting")
    # The duplicates merged into it, each with the record of its standing merge.
    duplicates = (
        PracticeIssue.objects.select_related("origin_forum__region")
        .prefetch_related(
            Prefetch(
                "merge_records",
                queryset=MergeRecord.objects.filter(undone_at__isnull=True),
                to_attr="standing_merges",
            )
        )
        .order_by("pk")
    )
    issue = (
        _with_counts(PracticeIssue.objects.filter(pk=pk))
        .select_related("merged_into", "response__owner", "response__action_item")
        .prefetch_related(
            Prefetch(
                "response__progress",
                queryset=ResponseProgress.objects.select_related("by"),
            ),
            Prefetch("referrals", queryset=referrals),
            Prefetch("events", queryset=events),
            Prefetch("duplicates", queryset=duplicates),
        )
        .get()
    )
    issue.visited_forum_ids = {r.forum_id for r in issue.referrals.all()}
    return issue


# An open referral waits for triage when it is not on the agenda of a coming meeting.
WAITING_FOR_TRIAGE = Q(referrals__left_at__isnull=True) & (
    Q(referrals__agenda_item__isnull=True)
    | Q(referrals__agenda_item__meeting__status__in=["completed", "cancelled"])
)


def forums_to_triage(user) -> QuerySet[Forum]:
    """The forums this person runs, each with how many issues wait in its queue."""
    forums = Forum.objects.all()
    if not user.is_superuser:
        runs = Q(memberships__user=user) & (
            Q(memberships__role__in=FACILITATING_ROLES)
            | Q(tier=Tier.STRATEGIC, memberships__role__in=EXECUTIVE_ROLES)
        )
        forums = forums.filter(pk__in=Forum.objects.filter(runs).values("pk"))
    return forums.annotate(
        waiting=Count("referrals", filter=WAITING_FOR_TRIAGE, distinct=True)
    ).order_by("tier", "name")


def carried_over_count() -> Coalesce:
    """For a referral: how often its issue was carried over during this stay at the forum
    (an outcome or an automatic carry-over), as one subquery."""
    events = (
        IssueEvent.objects.filter(
            issue=OuterRef("issue"),
            forum=OuterRef("forum"),
            kind=EventKind.CARRIED_OVER,
            created_at__gte=OuterRef("entered_at"),
        )
        .order_by()
        .values("issue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(events, output_field=IntegerField()), Value(0))


def triage_queue(forum: Forum) -> QuerySet[Referral]:
    """Open referrals at a forum that are not on a coming agenda: the facilitators' work."""
    return (
        Referral.objects.filter(forum=forum, left_at__isnull=True)
        .filter(
            Q(agenda_item__isnull=True)
            | Q(agenda_item__meeting__status__in=["completed", "cancelled"])
        )
        .exclude(issue__status__in=FINISHED_STATUSES)
        .select_related("issue__raised_by", "issue__origin_forum__region")
        .prefetch_related("issue__practice_areas")
        .annotate(
            endorsement_count=Count("issue__endorsements", distinct=True),
            region_count=Count("issue__endorsements__user__region", distinct=True),
            carried_over=carried_over_count(),
        )
        .order_by("entered_at", "id")
    )


def scheduled_at(forum: Forum) -> QuerySet[Referral]:
    """Open referrals at a forum that sit on a coming meeting's agenda."""
    return (
        Referral.objects.filter(
            forum=forum,
            left_at__isnull=True,
            agenda_item__meeting__status__in=["draft", "published"],
        )
        .select_related("issue", "agenda_item__meeting")
        .annotate(carried_over=carried_over_count())
        .order_by("agenda_item__meeting__start", "agenda_item__position")
    )


EXECUTIVE_SORTS = {
    "age": ("entered_at", "id"),
    "endorsements": ("-endorsement_count", "entered_at"),
    "regions": ("-region_count", "entered_at"),
}


def executive_queue(*, practice_area=None, region=None, sort: str = "age") -> QuerySet[Referral]:
    """Escalated issues at the Strategic Leadership Forum awaiting a response."""
    referrals = Referral.objects.filter(
        forum__tier=Tier.STRATEGIC, left_at__isnull=True, purpose=ReferralPurpose.CONSIDER
    )
    if practice_area is not None:
        referrals = referrals.filter(issue__practice_areas=practice_area)
    if region is not None:
        referrals = referrals.filter(issue__origin_forum__region=region)
    return (
        referrals.select_related(
            "issue__origin_forum__region", "issue__raised_by", "agenda_item__meeting"
        )
        .prefetch_related("issue__practice_areas")
        .annotate(
            endorsement_count=Count("issue__endorsements", distinct=True),
            region_count=Count("issue__endorsements__user__region", distinct=True),
        )
        .order_by(*EXECUTIVE_SORTS.get(sort, EXECUTIVE_SORTS["age"]))
    )


def patterns_across_regions(forum: Forum) -> list[dict]:
    """The State-wide Forum's view: open issues grouped by practice area; those endorsed
    from at least SYSTEMIC_REGION_THRESHOLD regions are flagged as possibly systemic."""
    threshold = settings.SYSTEMIC_REGION_THRESHOLD
    issues = list(
        _with_counts(
            PracticeIssue.objects.filter(
                referrals__forum=forum, referrals__left_at__isnull=True
            ).exclude(status__in=FINISHED_STATUSES)
        ).order_by("-submitted_at")
    )
    groups: dict[str, dict] = {}
    for issue in issues:
        issue.possibly_systemic = issue.region_count >= threshold
        for area in issue.practice_areas.all():
            group = groups.setdefault(area.name, {"area": area, "issues": [], "systemic": 0})
            group["issues"].append(issue)
            group["systemic"] += issue.possibly_systemic
    return sorted(groups.values(), key=lambda g: (-g["systemic"], g["area"].name))


def timeline(issue: PracticeIssue) -> list[IssueEvent]:
    hidden = {EventKind.COMMENTED}
    return [e for e in issue.events.all() if e.kind not in hidden]
