"""The loop's own figures: flow, time in each tier, queues, carry-overs, follow-through
and closure by region."""

import datetime as dt

from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    When,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from feedback.choices import (
    FINAL_DELIVERY_STATUSES,
    FINISHED_STATUSES,
    DeliveryStatus,
    EventKind,
    IssueStatus,
    Outcome,
    ReferralPurpose,
)
from feedback.models import IssueEvent, Referral, Response
from forums.choices import MeetingStatus, Tier
from forums.models import Forum, Meeting

from ..stats import DaysBetween, duration_spreads
from .base import MAX_PERIOD_DAYS, InsightFilters, Metric, _Reading, default_period  # noqa: F401

# --- Flow --------------------------------------------------------------------------------

FLOW = (
    (EventKind.RAISED, _("Raised")),
    (EventKind.RESOLVED, _("Resolved locally")),
    (EventKind.ESCALATED, _("Escalated")),
    (EventKind.RESPONDED, _("Responded")),
    (EventKind.CLOSED, _("Loop closed")),
    (EventKind.DELIVERED, _("Delivered")),
)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _flow(r: _Reading) -> Metric:
    f = r.filters
    found = (
        IssueEvent.objects.using(r.db)
        .filter(f.in_period("created_at"), kind__in=[kind for kind, _label in FLOW])
        .filter(*r.issue_conditions("issue", people=True))
        .annotate(month=TruncMonth("created_at"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(row["month"].date(), row["kind"]): row["n"] for row in found}
    rows = tuple(
        (month, *(counts.get((month, kind), 0) for kind, _label in FLOW))
        for month in months_between(f.start, f.end)
    )
    return Metric(
        slug="flow",
        title=gettext("Flow per month"),
        description=gettext(
            "How many issues were raised, resolved at a forum, escalated, answered "
            "with a response, closed back at their CFSN and delivered, month by month."
        ),
        columns=(gettext("Month"), *(str(label) for _kind, label in FLOW)),
        rows=rows,
        chart="columns",
        series=tuple(range(1, len(FLOW) + 1)),
    )


# --- Time --------------------------------------------------------------------------------


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _time(r: _Reading) -> Metric:
    f = r.filters
    days = DaysBetween("entered_at", "left_at")
    stays = (
        Referral.objects.using(r.db)
        .filter(f.in_period("left_at"), purpose=ReferralPurpose.CONSIDER)
        .exclude(outcome=Outcome.MERGED)
        .filter(*r.issue_conditions("issue", people=True))
    )
    by_tier = duration_spreads(
        stays,
        group=F("forum__tier"),
        values={
            "meeting": Case(When(out_of_session=False, then=days)),
            "between": Case(When(out_of_session=True, then=days)),
        },
    )
    created = f.in_period("created_at")
    closed = Q(issue__status=IssueStatus.CLOSED) & f.in_period("issue__closed_at")
    delivered = Q(delivery_status=DeliveryStatus.DELIVERED) & f.in_period("delivered_at")
    responses = (
        Response.objects.using(r.db)
        .filter(created | closed | delivered)
        .filter(*r.issue_conditions("issue", people=True))
    )
    answers = duration_spreads(
        responses,
        values={
            "raised": Case(When(created, then=DaysBetween("issue__submitted_at", "created_at"))),
            "closed": Case(When(closed, then=DaysBetween("created_at", "issue__closed_at"))),
            "delivered": Case(When(delivered, then=DaysBetween("created_at", "delivered_at"))),
        },
    ).get(0, {})
    rows = []
    for tier in Tier:
        spread = by_tier.get(tier.value, {})
        meeting, between = spread.get("meeting"), spread.get("between")
        rows.append(
            (
                gettext("Days at the %(tier)s") % {"tier": tier.label},
                meeting.count if meeting else 0,
                _days(meeting.median) if meeting else None,
                _days(meeting.p90) if meeting else None,
                between.count if between else 0,
                _days(between.median) if between else None,
            )
        )
    for name, label in (
        ("raised", gettext("Raised to response")),
        ("closed", gettext("Response to loop closed")),
        ("delivered", gettext("Response to delivered")),
    ):
        spread = answers.get(name)
        rows.append(
            (
                label,
                spread.count if spread else 0,
                _days(spread.median) if spread else None,
                _days(spread.p90) if spread else None,
                None,
                None,
            )
        )
    return Metric(
        slug="time",
        title=gettext("Time in the loop"),
        description=gettext(
            "Median and 90th-percentile days an issue spent at each tier (stays "
            "that ended in the period) and from raising to response, response to closing and "
            "response to delivery; out-of-session decisions are counted apart."
        ),
        columns=(
            gettext("Stage"),
            gettext("Decided at meetings"),
            gettext("Median days"),
            gettext("90th percentile days"),
            gettext("Out-of-session decisions"),
            gettext("Out-of-session median days"),
        ),
        rows=tuple(rows),
        chart="bars",
        series=(2, 3),
        unit=gettext(" days"),
    )


# --- Queues ------------------------------------------------------------------------------

WAITING_FOR_MEETING = Q(agenda_item__isnull=True) | Q(
    agenda_item__meeting__status__in=[MeetingStatus.COMPLETED, MeetingStatus.CANCELLED]
)


def _queues(r: _Reading) -> Metric:
    f = r.filters
    open_stays = (
        Referral.objects.using(r.db)
        .filter(left_at__isnull=True)
        .exclude(issue__status__in=FINISHED_STATUSES)
        .filter(*r.issue_conditions("issue", people=True))
    )
    if f.forum is not None:
        open_stays = open_stays.filter(forum=f.forum)
    if f.tier:
        open_stays = open_stays.filter(forum__tier=f.tier)
    coming = Meeting.objects.forum_meetings().filter(
        forum=OuterRef("forum"),
        status__in=[MeetingStatus.DRAFT, MeetingStatus.PUBLISHED],
        start__gt=timezone.now(),
    )
    found = (
        open_stays.annotate(scheduled=Exists(coming))
        .values("forum__name", "forum__tier", "scheduled")
        .annotate(
            open=Count("pk"),
            waiting=Count("pk", filter=WAITING_FOR_MEETING),
            escalations=Count("pk", filter=WAITING_FOR_MEETING & Q(auto_place=True)),
            oldest=Min("entered_at"),
        )
        .order_by("forum__name")
    )
    today = timezone.localdate()
    rows, notes = [], []
    for row in found:
        rows.append(
            (
                row["forum__name"],
                str(Tier(row["forum__tier"]).label),
                row["open"],
                row["waiting"],
                (today - timezone.localtime(row["oldest"]).date()).days,
                gettext("Yes") if row["scheduled"] else gettext("No"),
            )
        )
        if row["escalations"] and not row["scheduled"]:
            n = row["escalations"]
            notes.append(
                ngettext(
                    "%(forum)s has %(count)s escalation waiting and no meeting scheduled.",
                    "%(forum)s has %(count)s escalations waiting and no meeting scheduled.",
                    n,
                )
                % {"forum": row["forum__name"], "count": n}
            )
    return Metric(
        slug="queues",
        title=gettext("Queues today"),
        description=gettext(
            "Open items at each forum today, how many wait for a meeting, the age "
            "of the oldest, and whether a meeting is scheduled."
        ),
        columns=(
            gettext("Forum"),
            gettext("Tier"),
            gettext("Open items"),
            gettext("Waiting for a meeting"),
            gettext("Oldest (days)"),
            gettext("Meeting scheduled"),
        ),
        rows=tuple(rows),
        chart="bars",
        notes=tuple(notes),
        series=(2, 3),
    )


# --- Carry-overs -------------------------------------------------------------------------


def _carry_overs(r: _Reading) -> Metric:
    f = r.filters
    # Carry-overs in the period of each issue at each forum (an index range on kind and time),
    # then, per forum, how many issues were carried over twice or more: one query.
    per_issue = (
        IssueEvent.objects.using(r.db)
        .filter(f.in_period("created_at"), kind=EventKind.CARRIED_OVER, forum__isnull=False)
        .filter(*r.issue_conditions("issue", people=True))
        .values(issue_pk=F("issue"), forum_pk=F("forum"))
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by()
    )
    if f.forum is not None:
        per_issue = per_issue.filter(forum=f.forum)
    if f.tier:
        per_issue = per_issue.filter(forum__tier=f.tier)
    sql, params = per_issue.query.sql_with_params()
    forum_table = Forum._meta.db_table
    query = (
        f"SELECT f.name, COUNT(*), MAX(c.n) FROM ({sql}) AS c "  # noqa: S608 - ORM-compiled SQL
        f"JOIN {forum_table} f ON f.id = c.forum_pk GROUP BY f.name ORDER BY f.name"
    )
    with connections[r.db].cursor() as cursor:
        cursor.execute(query, params)
        rows = tuple(tuple(row) for row in cursor.fetchall())
    return Metric(
        slug="carry-overs",
        title=gettext("Carried over twice or more"),
        description=gettext(
            "Items carried over to a later meeting of the same forum at least twice "
            "in the period, by forum."
        ),
        columns=(
            gettext("Forum"),
            gettext("Items carried over twice or more"),
            gettext("Most carry-overs of one item"),
        ),
        rows=rows,
        chart="bars",
        series=(1,),
    )


# --- Follow-through ----------------------------------------------------------------------


def _follow_through(r: _Reading) -> Metric:
    f = r.filters
    today = timezone.localdate()
    final = Q(delivery_status__in=FINAL_DELIVERY_STATUSES)
    delivered = Q(delivery_status=DeliveryStatus.DELIVERED)
    counts = (
        Response.objects.using(r.db)
        .filter(created_at__lt=f.until)
        .filter(Q(delivered_at__isnull=True) | Q(delivered_at__gte=f.since))
        .filter(*r.issue_conditions("issue", people=True))
        .annotate(delivered_on=TruncDate("delivered_at"))
        .aggregate(
            on_track=Count("pk", filter=~final & Q(due_date__gte=today)),
            overdue=Count("pk", filter=~final & Q(due_date__lt=today)),
            on_time=Count("pk", filter=delivered & Q(delivered_on__lte=F("due_date"))),
            late=Count("pk", filter=delivered & Q(delivered_on__gt=F("due_date"))),
            stopped=Count("pk", filter=Q(delivery_status=DeliveryStatus.NOT_PROCEEDING)),
        )
    )
    labels = (
        ("on_track", gettext("Being carried out, on time")),
        ("overdue", gettext("Being carried out, overdue")),
        ("on_time", gettext("Delivered by the due date")),
        ("late", gettext("Delivered after the due date")),
        ("stopped", gettext("Not proceeding")),
    )
    return Metric(
        slug="follow-through",
        title=gettext("Follow-through on responses"),
        description=gettext(
            "The actions of responses open at some time in the period: on time or "
            "overdue today, delivered by or after the due date, or not proceeding."
        ),
        columns=(gettext("Action"), gettext("Responses")),
        rows=tuple((label, counts[key]) for key, label in labels),
        chart="bars",
        series=(1,),
    )


# --- Closure by region -------------------------------------------------------------------


def _closure(r: _Reading) -> Metric:
    f = r.filters
    found = (
        r.issues()
        .filter(f.in_period("submitted_at"))
        .exclude(status=IssueStatus.MERGED)
        .values("origin_forum__region__name")
        .annotate(
            raised=Count("pk"),
            resolved=Count("pk", filter=Q(status=IssueStatus.RESOLVED)),
            closed=Count("pk", filter=Q(status=IssueStatus.CLOSED)),
            declined=Count("pk", filter=Q(status=IssueStatus.DECLINED)),
        )
        .order_by("origin_forum__region__name")
    )
    rows = []
    for row in found:
        done = row["resolved"] + row["closed"]
        rows.append(
            (
                row["origin_forum__region__name"] or gettext("No region"),
                row["raised"],
                row["resolved"],
                row["closed"],
                row["declined"],
                row["raised"] - done - row["declined"],
                round(100 * done / row["raised"]),
            )
        )
    return Metric(
        slug="closure",
        title=gettext("Closure rate by region"),
        description=gettext(
            "Of the issues raised in the period in each region, the share resolved "
            "at a forum or with the loop closed by now."
        ),
        columns=(
            gettext("Region"),
            gettext("Raised"),
            gettext("Resolved"),
            gettext("Loop closed"),
            gettext("Declined"),
            gettext("Still open"),
            gettext("Closure rate (%)"),
        ),
        rows=tuple(rows),
        chart="bars",
        series=(6,),
        unit="%",
    )
