"""Shared reads of practice issues; each owns its joins so list pages stay flat."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from cop_portal.dates import LocalTimes
from cop_portal.db import plans_for_these_values
from forums.choices import (
    COMING_MEETING_STATUSES,
    EXECUTIVE_ROLES,
    FACILITATING_ROLES,
    Tier,
)
from forums.models import AgendaItem, Forum, Membership, meeting_vectors
from forums.rules import sees_meeting
from forums.selectors.meetings import addresses_of
from members.models import PracticeArea, name_fields
from practice.models import GuidanceItem
from practice.websearch import SEARCH_CONFIG, search_rows

from ..choices import (
    ACTIVE_STATUSES,
    FINAL_DELIVERY_STATUSES,
    FINISHED_STATUSES,
    DeliveryStatus,
    EventKind,
    IssueStatus,
    ReferralPurpose,
)
from ..models import (
    Comment,
    Endorsement,
    ExpertAdvice,
    IssueEvent,
    MergeRecord,
    PracticeIssue,
    Referral,
    Response,
    ResponseProgress,
    Watch,
)
from ..pagination import NEWEST_FIRST


def issues_visible_to(user) -> QuerySet[PracticeIssue]:
    """Every issue this person may see: drafts only their own; restricted ones to members
    of forums it has been at (so executives once it reached them) and administrators."""
    return PracticeIssue.objects.filter(visible_issue(user))


def visible_issue(user, path: str = "") -> Q:
    """`issues_visible_to` as a condition: on an issue, or, given the `path` from another
    model to its issue ("issue"), on that model's rows, each seen as its issue is. Written
    out for search in NEWEST_FOUND_SQL: a change here is made there too."""
    if user.is_superuser:
        return Q()
    to = f"{path}__" if path else ""
    # Asked per issue, as "a forum of mine this issue has been at", so PostgreSQL probes the
    # few restricted issues a page reads by id rather than hashing every referral of the
    # person's forums before the first row.
    visited_mine = Exists(
        Membership.objects.filter(user=user).filter(
            Exists(
                Referral.objects.filter(
                    forum=OuterRef("forum"), issue=OuterRef(OuterRef(path or "pk"))
                )
            )
        )
    )
    own = Q(**{f"{to}raised_by": user})
    published = ~Q(**{f"{to}status": IssueStatus.DRAFT})
    return own | (published & (Q(**{f"{to}restricted": False}) | visited_mine))


# The newest issues one person may see that a search finds, each ranked as SearchRank
# ranks: `issues_visible_to` and `search_issues` written out. First the issues never
# submitted, newest first: a person's own drafts, found by who raised them ({own}; blank for
# an administrator, who sees every draft). An issue is a draft exactly while it has no
# submission date (`raise_issue` sets both), as the issue list also takes it. Then the
# submitted, newest first ({may_see}; blank for an administrator): for a common word by
# walking `issue_newest_read_idx` from past every draft in the state, for a rare one by the
# vector's index.
NEWEST_FOUND_SQL = """
SELECT id, rank FROM (
    (SELECT issue.id, issue.submitted_at,
        ts_rank(issue.search_vector, websearch_to_tsquery(%(config)s::regconfig, %(text)s)) AS rank
    FROM feedback_practiceissue AS issue
    WHERE issue.submitted_at IS NULL {own}
        AND issue.search_vector @@ websearch_to_tsquery(%(config)s::regconfig, %(text)s)
    ORDER BY issue.id DESC
    LIMIT %(limit)s)
    UNION ALL
    (SELECT issue.id, issue.submitted_at,
        ts_rank(issue.search_vector, websearch_to_tsquery(%(config)s::regconfig, %(text)s)) AS rank
    FROM feedback_practiceissue AS issue
    WHERE issue.submitted_at IS NOT NULL {may_see}
        AND issue.search_vector @@ websearch_to_tsquery(%(config)s::regconfig, %(text)s)
    ORDER BY issue.submitted_at DESC, issue.id DESC
    LIMIT %(limit)s)
) AS found
ORDER BY submitted_at DESC NULLS FIRST, id DESC
LIMIT %(limit)s
"""
OWN_DRAFT_SQL = "AND issue.raised_by_id = %(user)s"
MAY_SEE_SQL = """AND (
        issue.raised_by_id = %(user)s
        OR (issue.status <> %(draft)s AND (
            NOT issue.restricted
            OR EXISTS (
                SELECT 1 FROM forums_membership AS membership
                WHERE membership.user_id = %(user)s AND EXISTS (
                    SELECT 1 FROM feedback_referral AS referral
                    WHERE referral.forum_id = membership.forum_id
                        AND referral.issue_id = issue.id
                )
            )
        ))
    )"""


def newest_found(user, text: str, limit: int) -> list[tuple[int, float]]:
    """PostgreSQL: the newest `limit` issues this person may see that the search box's text
    finds (drafts, never submitted, first), each with its rank; one query. Written out:
    Django took longer to build it than PostgreSQL takes to answer."""
    everything = user.is_superuser
    sql = NEWEST_FOUND_SQL.format(
        own="" if everything else OWN_DRAFT_SQL, may_see="" if everything else MAY_SEE_SQL
    )
    params = {
        "config": SEARCH_CONFIG,
        "text": text,
        "limit": limit,
        "draft": IssueStatus.DRAFT.value,
        "user": user.pk,
    }
    # A common word is found quickest by walking the index, a rare one by the vector's.
    with plans_for_these_values(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def search_issues(issues: QuerySet[PracticeIssue], text: str) -> QuerySet[PracticeIssue]:
    """Full-text search on PostgreSQL's stored vector (title A, description B: migration
    0005); elsewhere a plain contains-match of the query read as PostgreSQL reads it."""
    return search_rows(issues, text, "title", "description")


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
    """Issues a list shows, newest first (drafts, in `mine`, before them); page it with
    `feedback.pagination.issue_page`, which walks the `(-submitted_at, -id)` index."""
    issues = issues_visible_to(user)
    if mine:
        # One id list from the two indexes (raised by, watched by), then those few issues:
        # an OR across them would read every issue.
        raised = PracticeIssue.objects.filter(raised_by=user).order_by().values("pk")
        watched = Watch.objects.filter(user=user).order_by().values("issue")
        issues = issues.filter(pk__in=raised.union(watched))
    else:
        # Drafts, never submitted, sort first: saying so lets the index walk start past them.
        issues = issues.exclude(status=IssueStatus.DRAFT).filter(submitted_at__isnull=False)
    if status:
        issues = issues.filter(status=status)
    if tier:
        issues = issues.filter(current_forum__tier=tier)
    if forum is not None:
        issues = issues.filter(current_forum=forum)
    if region is not None:
        issues = issues.filter(origin_forum__region=region)
    if practice_area is not None:
        # A subquery, not a join: PostgreSQL then probes the area's issues by id instead of
        # joining and sorting every one of them.
        in_area = PracticeIssue.practice_areas.through.objects.filter(practicearea=practice_area)
        issues = issues.filter(pk__in=in_area.values("practiceissue"))
    if age_days:
        issues = issues.filter(submitted_at__gte=timezone.now() - dt.timedelta(days=age_days))
    if delivery:
        # From the few responses to their issues, rather than every issue to its response.
        responses = Response.objects.filter(delivery_conditions(delivery))
        issues = issues.filter(pk__in=responses.values("issue"))
    issues = with_delivery(search_issues(issues, text))
    # Only what a card shows (`issue_cards` adds its practice areas): the rest of a long
    # issue, and of its forums, stays in the table.
    return (
        issues.select_related("current_forum", "origin_forum")
        .only(*CARD_FIELDS)
        .order_by(*NEWEST_FIRST)
    )


def latest_raised_by(user) -> QuerySet[PracticeIssue]:
    """The issues this person raised, latest changed first, with what the home page's panel
    shows of each: read in order from `issue_submitter_recent_idx`."""
    return (
        PracticeIssue.objects.filter(raised_by=user)
        .select_related("current_forum")
        .only("title", "status", "current_forum__name")
        .order_by("-updated_at", "-id")
    )


CARD_FIELDS = (
    "title",
    "status",
    "restricted",
    "submitted_at",
    "endorsement_count",
    "region_count",
    "origin_forum__name",
    "current_forum__name",
)


@dataclass(frozen=True)
class IssueCard:
    """An issue as a list shows it, its words made once per page rather than per row."""

    issue: PracticeIssue
    url: str
    status_label: str
    raised: str
    now_with: str
    support: str
    area_names: tuple[str, ...]


def issue_cards(issues: list[PracticeIssue]) -> list[IssueCard]:
    """The cards of a page of `issue_list`: their practice areas in one query."""
    links = (
        PracticeIssue.practice_areas.through.objects.filter(
            practiceissue__in=[issue.pk for issue in issues]
        )
        .order_by("practicearea__name", "practicearea")
        .values_list("practiceissue", "practicearea__name")
    )
    areas: dict[int, list[str]] = {}
    for issue_id, name in links:
        areas.setdefault(issue_id, []).append(name)
    labels = {value: str(label) for value, label in IssueStatus.choices}
    return [
        IssueCard(
            issue=issue,
            url=issue.get_absolute_url(),
            status_label=labels.get(issue.status, issue.status),
            raised=_raised(issue),
            now_with=(
                gettext("· now with %(forum)s") % {"forum": issue.current_forum.name}
                if issue.current_forum
                else ""
            ),
            support=_support(issue),
            area_names=tuple(areas.get(issue.pk, ())),
        )
        for issue in issues
    ]


def _raised(issue: PracticeIssue) -> str:
    values = {"reference": issue.reference, "forum": issue.origin_forum.name}
    if issue.submitted_at is None:
        return gettext("%(reference)s · raised at %(forum)s") % values
    date = formats.date_format(timezone.localtime(issue.submitted_at), "j M Y")
    return gettext("%(reference)s · raised at %(forum)s on %(date)s") % {**values, "date": date}


def _support(issue: PracticeIssue) -> str:
    endorsements = ngettext(
        "%(endorsements)s endorsement",
        "%(endorsements)s endorsements",
        issue.endorsement_count,
    ) % {"endorsements": issue.endorsement_count}
    regions = ngettext(
        "from %(regions)s region", "from %(regions)s regions", issue.region_count
    ) % {"regions": issue.region_count}
    return f"{endorsements} {regions}"


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


def delivery_conditions(delivery: str) -> Q:
    """The responses a delivery filter keeps."""
    unfinished = ~Q(delivery_status__in=FINAL_DELIVERY_STATUSES)
    return {
        "delivered": Q(delivery_status=DeliveryStatus.DELIVERED),
        "not_proceeding": Q(delivery_status=DeliveryStatus.NOT_PROCEEDING),
        "not_delivered": unfinished,
        "overdue": unfinished & Q(due_date__lt=timezone.localdate()),
    }[delivery]


def mergeable_into(user, issue: PracticeIssue) -> QuerySet[PracticeIssue]:
    """Issues this person may merge `issue` into: any other one they can see that is still
    travelling the loop, and restricted only if `issue` is (as `merge_issues` requires)."""
    issues = (
        issues_visible_to(user)
        .filter(status__in=ACTIVE_STATUSES)
        .exclude(pk=issue.pk)
        .defer("description", "search_vector")
    )
    return issues if issue.restricted else issues.filter(restricted=False)


def likely_primaries(user, issue: PracticeIssue, *, limit: int = 20) -> list[PracticeIssue]:
    """The few issues a duplicate most likely repeats: mergeable, sharing a practice area
    with it, newest first."""
    links = PracticeIssue.practice_areas.through.objects
    its_areas = links.filter(practiceissue=issue).values("practicearea")
    areas = links.filter(practiceissue=OuterRef("pk"), practicearea__in=its_areas)
    return list(mergeable_into(user, issue).filter(Exists(areas)).order_by(*NEWEST_FIRST)[:limit])


def issue_path(issue_id: int) -> list[Referral]:
    """The issue's stays, oldest first, with what its page shows of each: the forum, the
    meeting it was placed on, who recorded the outcome and the library item that resolved
    it (and its successor)."""
    return list(
        Referral.objects.select_related(
            "forum", "agenda_item__meeting", "outcome_by", "resolved_by_guidance__superseded_by"
        )
        # Kept in the cache as read (the issue page keeps it): nothing the page does not
        # show, above all no password hash and no minutes being written.
        .defer(
            *meeting_vectors("agenda_item__meeting"),
            "resolved_by_guidance__search_vector",
            "resolved_by_guidance__superseded_by__search_vector",
            "outcome_by__password",
            "agenda_item__notes",
            "agenda_item__description",
        )
        .filter(issue_id=issue_id)
        .order_by("entered_at", "id")
    )


def issue_detail(pk: int, *, viewer=None) -> PracticeIssue:
    """The issue page's issue with its duplicates (`merged_duplicates`) and cited guidance
    (`cited_guidance`), few per issue, whether it `has_advice`, and whether `viewer`
    endorsed and watches it; its path comes from `issue_path`, and its events and
    comments, which grow, a page at a time from `timeline` and `issue_comments`."""
    # Cited library items, each with the successor a superseded one points readers to.
    guidance = (
        GuidanceItem.objects.select_related("superseded_by")
        .defer("search_vector", "superseded_by__search_vector")
        .order_by("title", "id")
    )
    # The duplicates merged into it, each with the record of its standing merge.
    duplicates = (
        PracticeIssue.objects.select_related("origin_forum__region")
        .defer("description", "search_vector")
        .prefetch_related(
            Prefetch(
                "merge_records",
                queryset=MergeRecord.objects.filter(undone_at__isnull=True),
                to_attr="standing_merges",
            )
        )
        .order_by("pk")
    )
    links = PracticeIssue.related_guidance.through.objects
    issue = (
        PracticeIssue.objects.filter(pk=pk)
        .select_related(
            "current_forum",
            "origin_forum__region",
            "raised_by",
            "merged_into",
            "response__owner",
            "response__action_item",
        )
        .defer("search_vector", "merged_into__description", "merged_into__search_vector")
        .annotate(
            # Most issues have neither: asked here, their lists are read only when they do.
            has_duplicates=Exists(PracticeIssue.objects.filter(merged_into=OuterRef("pk"))),
            cites_guidance=Exists(links.filter(practiceissue=OuterRef("pk"))),
            has_advice=Exists(ExpertAdvice.objects.filter(issue=OuterRef("pk"))),
            endorsed=_viewer_has(Endorsement, viewer),
            watching=_viewer_has(Watch, viewer),
        )
        .prefetch_related(
            "practice_areas",
            Prefetch(
                "response__progress",
                queryset=ResponseProgress.objects.select_related("by"),
            ),
            Prefetch("response__related_guidance", queryset=guidance),
        )
        .get()
    )
    issue.merged_duplicates = (
        list(duplicates.filter(merged_into=issue)) if issue.has_duplicates else []
    )
    issue.cited_guidance = (
        list(guidance.filter(pk__in=links.filter(practiceissue=issue).values("guidanceitem")))
        if issue.cites_guidance
        else []
    )
    return issue


def _viewer_has(model, viewer) -> Exists | Value:
    """For an issue: whether `viewer` has a row of `model` (an endorsement, a watch) on it."""
    if viewer is None or not viewer.is_authenticated:
        return Value(False)
    return Exists(model.objects.filter(issue=OuterRef("pk"), user=viewer))


def waiting_referrals() -> QuerySet[Referral]:
    """Open stays not on the agenda of a coming meeting, of issues still travelling: what
    waits for a facilitator's triage. For the forums one person runs, `waiting_at` finds the
    same stays from the index alone."""
    return (
        Referral.objects.filter(left_at__isnull=True)
        .filter(
            Q(agenda_item__isnull=True)
            | Q(agenda_item__meeting__status__in=["completed", "cancelled"])
        )
        .exclude(issue__status__in=FINISHED_STATUSES)
    )


def coming_agenda_items(forums) -> QuerySet[AgendaItem]:
    """The agenda items of the forums' coming meetings, as a subquery: few meetings, read
    from agendaitem_meeting_order_idx."""
    return AgendaItem.objects.filter(
        meeting__forum__in=forums, meeting__status__in=COMING_MEETING_STATUSES
    ).values("pk")


def waiting_at(forums) -> QuerySet[Referral]:
    """`waiting_referrals` at the given forums. A stay's agenda item is one of its own
    forum's meetings, so a stay waits when its item is not among the forum's coming ones;
    PostgreSQL checks that against the items it gathers once, from referral_open_stays_idx,
    instead of joining every open stay to its item and meeting."""
    return (
        Referral.objects.filter(forum__in=forums, left_at__isnull=True)
        .filter(Q(agenda_item__isnull=True) | ~Q(agenda_item__in=coming_agenda_items(forums)))
        .exclude(issue__status__in=FINISHED_STATUSES)
    )


def scheduled_referrals(forum: Forum) -> QuerySet[Referral]:
    """Open stays at the forum on one of its coming meetings' agendas, in agenda order."""
    return Referral.objects.filter(
        forum=forum,
        left_at__isnull=True,
        agenda_item__meeting__forum=forum,
        agenda_item__meeting__status__in=COMING_MEETING_STATUSES,
    ).order_by("agenda_item__meeting__start", "agenda_item__position", "id")


def forums_to_triage(user) -> QuerySet[Forum]:
    """The forums this person runs, each with how many issues wait in its queue (`waiting`,
    counted over the forum's open stays by the partial index on them)."""
    forums = Forum.objects.all()
    if not user.is_superuser:
        runs = Q(memberships__user=user) & (
            Q(memberships__role__in=FACILITATING_ROLES)
            | Q(tier=Tier.STRATEGIC, memberships__role__in=EXECUTIVE_ROLES)
        )
        forums = forums.filter(pk__in=Forum.objects.filter(runs).values("pk"))
    waiting = (
        waiting_referrals()
        .filter(forum=OuterRef("pk"))
        .order_by()
        .values("forum")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return forums.annotate(
        waiting=Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0))
    ).order_by("tier", "name")


def carried_over_count() -> Coalesce:
    """For a referral: how often its issue was carried over during this stay at the forum
    (an outcome or an automatic carry-over), as one subquery on the issue's events."""
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


# What a row of a queue shows of its stay and issue (feedback/forum_queue.html and
# `with_row_links`); the rest of a long issue, and of a stay's record, stays in the table.
QUEUE_ROW_FIELDS = (
    "forum",
    "purpose",
    "summary",
    "entered_at",
    "agenda_item",
    "issue",
    "issue__title",
    "issue__status",
    "issue__endorsement_count",
    "issue__region_count",
)
# What a scheduled row shows of the meeting holding it.
SCHEDULED_MEETING_FIELDS = (
    "agenda_item__meeting",
    "agenda_item__meeting__title",
    "agenda_item__meeting__start",
    "agenda_item__meeting__status",
)


def awaits_acco_input() -> ExpressionWrapper:
    """For a referral: its issue is in a practice area that asks for input from an
    Aboriginal community-controlled organisation, and has not had it yet."""
    seeks = Exists(
        PracticeIssue.practice_areas.through.objects.filter(
            practiceissue=OuterRef("issue"), practicearea__seeks_acco_input=True
        )
    )
    return ExpressionWrapper(
        Q(issue__acco_input_at__isnull=True) & seeks, output_field=BooleanField()
    )


def triage_queue(forum: Forum) -> QuerySet[Referral]:
    """Open referrals at a forum that are not on a coming agenda: the facilitators' work,
    oldest first. Counts shown per row are the issue's own counters; page it."""
    return (
        waiting_at([forum])
        .select_related("issue__origin_forum")
        .only(*QUEUE_ROW_FIELDS, "issue__origin_forum__name")
        .annotate(carried_over=carried_over_count(), awaits_acco=awaits_acco_input())
        .order_by("entered_at", "id")
    )


def scheduled_at(ids) -> QuerySet[Referral]:
    """The stays with these ids (a page of `scheduled_referrals`, even as its unevaluated
    slice), in agenda order, with what their rows show: ordering the whole list needs only
    the index, and the rest of each row is read for the page alone."""
    return (
        Referral.objects.filter(pk__in=ids)
        .select_related("issue", "agenda_item__meeting")
        .only(*QUEUE_ROW_FIELDS, *SCHEDULED_MEETING_FIELDS)
        .annotate(carried_over=carried_over_count(), awaits_acco=awaits_acco_input())
        .order_by("agenda_item__meeting__start", "agenda_item__position", "id")
    )


EXECUTIVE_SORTS = {
    "age": ("entered_at", "id"),
    "endorsements": ("-issue__endorsement_count", "entered_at", "id"),
    "regions": ("-issue__region_count", "entered_at", "id"),
}

# What a row of the executive queue shows; a meeting's search vectors and an agenda item's
# notes are long, and fetching them for every row cost more than the rest of the page.
EXECUTIVE_ROW_FIELDS = (
    "entered_at",
    "issue__title",
    "issue__endorsement_count",
    "issue__region_count",
    "issue__origin_forum__name",
    "issue__origin_forum__region__name",
    "agenda_item__meeting__start",
)


def executive_queue(*, practice_area=None, region=None, sort: str = "age") -> QuerySet[Referral]:
    """Escalated issues at the Strategic Leadership Forum awaiting a response, sorted by
    age or by the issue's own counters; page it."""
    # The forum by id, not by a join on its tier, so that the oldest open stays come
    # straight off the open-stays index in order and a page stops after its rows.
    strategic = Forum.objects.filter(tier=Tier.STRATEGIC).values("pk")[:1]
    referrals = Referral.objects.filter(
        forum_id=Subquery(strategic), left_at__isnull=True, purpose=ReferralPurpose.CONSIDER
    )
    if practice_area is not None:
        referrals = referrals.filter(issue__practice_areas=practice_area)
    if region is not None:
        referrals = referrals.filter(issue__origin_forum__region=region)
    return (
        referrals.select_related("issue__origin_forum__region", "agenda_item__meeting")
        .prefetch_related(
            Prefetch("issue__practice_areas", queryset=PracticeArea.objects.only("name"))
        )
        .only(*EXECUTIVE_ROW_FIELDS)
        .order_by(*EXECUTIVE_SORTS.get(sort, EXECUTIVE_SORTS["age"]))
    )


@dataclass(frozen=True)
class AreaPattern:
    """One practice area in the State-wide view: how many issues are open at the forum,
    how many of them look systemic, and the most widely endorsed of those."""

    area_id: int
    name: str
    open_count: int
    systemic_count: int
    top_systemic: list[PracticeIssue]


def patterns_across_regions(forum: Forum, *, top: int = 3) -> list[AreaPattern]:
    """The State-wide Forum's view: open issues at the forum counted per practice area,
    those endorsed from at least SYSTEMIC_REGION_THRESHOLD regions counted as possibly
    systemic, with the `top` of them per area; two queries, whatever the number of issues."""
    systemic = Q(practiceissue__region_count__gte=settings.SYSTEMIC_REGION_THRESHOLD)
    open_here = Referral.objects.filter(forum=forum, left_at__isnull=True).values("issue")
    links = (
        PracticeIssue.practice_areas.through.objects.filter(practiceissue__in=open_here)
        .exclude(practiceissue__status__in=FINISHED_STATUSES)
        .order_by()
    )
    totals = (
        links.values("practicearea", "practicearea__name")
        .annotate(open_count=Count("pk"), systemic_count=Count("pk", filter=systemic))
        .order_by("-systemic_count", "practicearea__name")
    )
    ranked = (
        links.filter(systemic)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("practicearea"),
                order_by=[
                    F("practiceissue__region_count").desc(),
                    F("practiceissue__endorsement_count").desc(),
                    F("practiceissue").desc(),
                ],
            )
        )
        .filter(rank__lte=top)
        .select_related("practiceissue")
        .defer("practiceissue__description", "practiceissue__search_vector")
        .order_by("practicearea", "rank")
    )
    tops: dict[int, list[PracticeIssue]] = {}
    for link in ranked:
        tops.setdefault(link.practicearea_id, []).append(link.practiceissue)
    return [
        AreaPattern(
            area_id=row["practicearea"],
            name=row["practicearea__name"],
            open_count=row["open_count"],
            systemic_count=row["systemic_count"],
            top_systemic=tops.get(row["practicearea"], []),
        )
        for row in totals
    ]


@dataclass(frozen=True)
class LatestPage:
    """A page of an issue's events or comments, oldest first. Page 1 is the latest
    `per_page`; page 2 the ones before them, and so on back."""

    items: list
    number: int
    has_earlier: bool

    @property
    def has_later(self) -> bool:
        return self.number > 1


def _latest_page(rows: QuerySet, page: int, per_page: int) -> LatestPage:
    # Newest first on the (issue, created_at, id) index, read backwards, then shown in time
    # order; an offset is bounded by one issue's rows.
    start = (page - 1) * per_page
    found = list(rows.order_by("-created_at", "-id")[start : start + per_page + 1])
    return LatestPage(found[:per_page][::-1], page, len(found) > per_page)


# What an event of the timeline shows (feedback/_issue_timeline.html).
TIMELINE_FIELDS = (
    "kind",
    "note",
    "out_of_session",
    "created_at",
    *name_fields("actor"),
    "forum",
    "forum__name",
    "agenda_item",
    "agenda_item__meeting",
    "agenda_item__meeting__title",
    # Whether the reader may see the meeting (forums.rules.sees_meeting).
    "agenda_item__meeting__status",
    "agenda_item__meeting__published_at",
    "agenda_item__meeting__forum",
)


def timeline(issue: PracticeIssue, *, viewer=None, page: int = 1, per_page: int = 50) -> LatestPage:
    """What happened to the issue, comments aside (they have their own list); each event's
    `kind_label` is its kind's name, looked up once per page rather than once per row."""
    events = (
        IssueEvent.objects.filter(issue=issue)
        .exclude(kind=EventKind.COMMENTED)
        .select_related("actor", "forum", "agenda_item__meeting")
        .only(*TIMELINE_FIELDS)
    )
    found = _latest_page(events, page, per_page)
    labels = {value: str(label) for value, label in EventKind.choices}
    meeting_url = addresses_of("forums:meeting-detail")
    times = LocalTimes()
    for event in found.items:
        event.kind_label = labels.get(event.kind, event.kind)
        event.when_iso = times.iso(event.created_at)
        event.when_label = times.date_time(event.created_at)
        event.meeting_url = meeting_url(event.agenda_item.meeting_id) if event.agenda_item else ""
        # A draft meeting is named only to those who run its forum.
        event.meeting_shown = bool(
            event.agenda_item
            and viewer is not None
            and sees_meeting(viewer, event.agenda_item.meeting)
        )
    return found


def issue_comments(issue: PracticeIssue, *, page: int = 1, per_page: int = 50) -> LatestPage:
    """The issue's comments, each with when it was written (`when_label`); how many there
    are in all is its `comment_count`."""
    comments = (
        Comment.objects.filter(issue=issue)
        .select_related("author")
        .only("body", "created_at", *name_fields("author"))
    )
    found = _latest_page(comments, page, per_page)
    times = LocalTimes()
    for comment in found.items:
        comment.when_label = times.date_time(comment.created_at)
    return found
