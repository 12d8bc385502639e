"""Registers of issues, actions and decisions, filtered like the loop-health page, as rows
for CSV and XLSX downloads.

Each register is one query whose rows stream out in chunks; what a reader may not see
never leaves the database: issues come from issues_visible_to(reader), actions and
decisions only where the minutes they are written in may be read (an action decided out
of session has none), and an action or decision about an issue the reader may not see
names that issue by its reference only and withholds its own wording.

The page's filters apply as they do to the figures: issues raised in the period that
passed through the forum or tier, raised in the region, in the practice area, by someone
of the sector. Actions and decisions recorded in the period belong to the forum or tier;
with a region chosen, to that region's forum or about an issue raised there; with a
practice area or sector chosen, only those about a matching issue.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    When,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from feedback.choices import DeliveryStatus, IssueStatus
from feedback.models import PracticeIssue, Referral
from feedback.selectors import issues_visible_to
from forums.choices import ActionStatus, MeetingStatus, Tier
from forums.models import ActionItem, Decision, Forum, Meeting
from forums.rules import forums_run_by, roles_of
from forums.selectors.meetings import meetings_visible_to
from members.choices import Sector

from .selectors import InsightFilters, filters_query

# Rows fetched from the database at a time while a register streams out.
CHUNK_SIZE = 2000

WITHHELD = _("Withheld: about a restricted issue")


class Names(Aggregate):
    """The names of a group joined with "; " (STRING_AGG on PostgreSQL, GROUP_CONCAT on
    SQLite), in the order of the names on PostgreSQL."""

    name = "Names"
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="GROUP_CONCAT(%(expressions)s, '; ')",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="STRING_AGG(%(expressions)s, '; ' ORDER BY %(expressions)s)",
            **extra_context,
        )


def reference_of(issue_id: int | None) -> str:
    return "" if issue_id is None else PracticeIssue(pk=issue_id).reference


def local_date(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else timezone.localtime(moment).date()


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value)) if value else ""


# --- Which rows ----------------------------------------------------------------------------


def _issue_conditions(filters: InsightFilters) -> list:
    """Conditions on an issue queryset for the page's filters, as the figures read them:
    the forum or tier it passed through, its practice area, the region it was raised in and
    the sector of whoever raised it."""
    conditions = []
    if filters.forum is not None:
        conditions.append(
            Exists(Referral.objects.filter(issue=OuterRef("pk"), forum=filters.forum))
        )
    if filters.tier:
        conditions.append(
            Exists(Referral.objects.filter(issue=OuterRef("pk"), forum__tier=filters.tier))
        )
    if filters.practice_area is not None:
        through = PracticeIssue.practice_areas.through.objects
        conditions.append(
            Exists(through.filter(practiceissue=OuterRef("pk"), practicearea=filters.practice_area))
        )
    if filters.region is not None:
        conditions.append(Q(origin_forum__region=filters.region))
    if filters.sector:
        conditions.append(Q(raised_by__organisation__sector=filters.sector))
    return conditions


def issues_in_register(user, filters: InsightFilters) -> QuerySet[PracticeIssue]:
    """Issues this person may see, raised in the period, that the filters select."""
    return (
        issues_visible_to(user)
        .using(settings.INSIGHTS_DATABASE)
        .exclude(status=IssueStatus.DRAFT)
        .filter(filters.in_period("submitted_at"), *_issue_conditions(filters))
    )


def _about_issues(
    queryset: QuerySet, user, filters: InsightFilters, issue: F | Coalesce
) -> QuerySet:
    """Actions or decisions with the issue they are about (`linked_issue`), whether this
    person may see it (`issue_seen`) and its title; with a practice area or sector chosen,
    only those about a matching issue."""
    queryset = queryset.annotate(linked_issue=issue)
    about = OuterRef("linked_issue")
    queryset = queryset.annotate(
        issue_seen=Exists(issues_visible_to(user).filter(pk=about)),
        issue_title=Subquery(PracticeIssue.objects.filter(pk=about).values("title")[:1]),
    )
    matching = Q()
    if filters.practice_area is not None:
        matching &= Q(practice_areas=filters.practice_area)
    if filters.sector:
        matching &= Q(raised_by__organisation__sector=filters.sector)
    if matching:
        queryset = queryset.filter(Exists(PracticeIssue.objects.filter(matching, pk=about)))
    return queryset


def _in_forums(queryset: QuerySet, filters: InsightFilters, forum: str) -> QuerySet:
    """The forum and tier filters on the row's own forum; the region filter on its forum's
    region or the region its issue was raised in."""
    if filters.forum is not None:
        queryset = queryset.filter(**{forum: filters.forum})
    if filters.tier:
        queryset = queryset.filter(**{f"{forum}__tier": filters.tier})
    if filters.region is not None:
        raised_there = PracticeIssue.objects.filter(
            pk=OuterRef("linked_issue"), origin_forum__region=filters.region
        )
        queryset = queryset.filter(Q(**{f"{forum}__region": filters.region}) | Exists(raised_there))
    return queryset


def actions_in_register(user, filters: InsightFilters) -> QuerySet[ActionItem]:
    """Actions recorded in the period: those decided out of session, and those written in
    the minutes of a meeting whose minutes this person may read (forums.view_minutes): its
    forum's members and those who keep its minutes (and administrators) before they are
    published, everyone who may see the meeting once they are."""
    at_meeting = Q(meeting__in=meetings_visible_to(user).values("pk"))
    if not user.is_superuser:
        # Who keeps a forum's minutes, as forums.record_minutes decides, and its members.
        inside = sorted(forums_run_by(user) | set(roles_of(user)))
        at_meeting &= Q(meeting__minutes_published_at__isnull=False) | Q(
            meeting__forum_id__in=inside
        )
    actions = ActionItem.objects.using(settings.INSIGHTS_DATABASE).filter(
        filters.in_period("created_at"), Q(meeting__isnull=True) | at_meeting
    )
    issue = Coalesce(F("response__issue"), F("agenda_item__referral__issue"))
    return _in_forums(_about_issues(actions, user, filters, issue), filters, "forum")


def decisions_in_register(user, filters: InsightFilters) -> QuerySet[Decision]:
    """Decisions recorded in the period, where this person may read the meeting's minutes,
    as they read them (`shown_text`): those who keep a forum's minutes (and administrators)
    the draft; its other members the draft until the minutes are published; everyone the
    published text once they are, and nothing added since."""
    decisions = Decision.objects.using(settings.INSIGHTS_DATABASE).filter(
        filters.in_period("created_at"),
        meeting__in=meetings_visible_to(user).values("pk"),
    )
    if user.is_superuser:
        decisions = decisions.annotate(shown_text=F("text"))
    else:
        roles = roles_of(user)
        # Who keeps a forum's minutes, as forums.record_minutes decides.
        keeps = list(forums_run_by(user))
        draft = Q(meeting__forum_id__in=keeps) | Q(
            meeting__forum_id__in=list(roles), meeting__minutes_published_at__isnull=True
        )
        published = Q(meeting__minutes_published_at__isnull=False) & ~Q(published_text="")
        decisions = decisions.filter(draft | published).annotate(
            shown_text=Case(
                When(draft, then=F("text")),
                default=F("published_text"),
                output_field=TextField(),
            )
        )
    issue = F("agenda_item__referral__issue")
    return _in_forums(_about_issues(decisions, user, filters, issue), filters, "meeting__forum")


# --- Registers: columns and rows -----------------------------------------------------------


@dataclass(frozen=True)
class Register:
    kind: str
    title: str
    noun: str  # what one row is, in the plural: "issues"
    columns: tuple[str, ...]
    rows_of: Callable[[object, InsightFilters], QuerySet]  # the rows, ordered
    fields: tuple[str, ...]  # what is read of each row
    shaped: Callable[[tuple], tuple]  # the fields read -> the row as written


ISSUE_FIELDS = (
    "pk",
    "title",
    "status",
    "submitted_at",
    "origin_forum__name",
    "origin_forum__region__name",
    "current_forum__name",
    "areas",
    "raised_by__organisation__sector",
    "endorsement_count",
    "restricted",
    "response__delivery_status",
    "closed_at",
)


def _issue_values(issues: QuerySet[PracticeIssue]) -> QuerySet:
    through = PracticeIssue.practice_areas.through.objects
    areas = (
        through.filter(practiceissue=OuterRef("pk"))
        .values("practiceissue")
        .annotate(names=Names("practicearea__name"))
        .values("names")
    )
    return issues.annotate(areas=Subquery(areas)).order_by("-submitted_at", "-id")


def _issue_row(values: tuple) -> tuple:
    (pk, title, status, submitted, origin, region, current, areas, sector, endorsements,
     restricted, delivery, closed) = values  # fmt: skip
    return (
        reference_of(pk),
        title,
        _label(IssueStatus, status),
        local_date(submitted),
        origin,
        region or "",
        current,
        areas or "",
        _label(Sector, sector or ""),
        endorsements,
        gettext("Yes") if restricted else gettext("No"),
        _label(DeliveryStatus, delivery or ""),
        local_date(closed),
    )


ACTION_FIELDS = (
    "forum__name",
    "meeting__title",
    "meeting__start",
    "title",
    "owner__display_name",
    "owner__email",
    "due_date",
    "status",
    "completed_at",
    "linked_issue",
    "issue_seen",
    "issue_title",
)


def _about(issue_id, seen: bool, title: str | None) -> tuple[str, str]:
    """The issue a row is about: its reference, and its title only where it may be seen."""
    if issue_id is None:
        return "", ""
    return reference_of(issue_id), (title or "") if seen else ""


def _action_row(values: tuple) -> tuple:
    (forum, meeting, start, title, owner_name, owner_email, due, status, completed,
     issue_id, seen, issue_title) = values  # fmt: skip
    return (
        forum,
        meeting or "",
        local_date(start),
        title if issue_id is None or seen else str(WITHHELD),
        owner_name or owner_email,
        due,
        _label(ActionStatus, status),
        local_date(completed),
        *_about(issue_id, seen, issue_title),
    )


DECISION_FIELDS = (
    "meeting__forum__name",
    "meeting__title",
    "meeting__start",
    "agenda_item__title",
    "shown_text",
    "created_at",
    "linked_issue",
    "issue_seen",
    "issue_title",
)


def _decision_row(values: tuple) -> tuple:
    forum, meeting, start, item, text, created, issue_id, seen, issue_title = values
    shown = issue_id is None or seen
    return (
        forum,
        meeting,
        local_date(start),
        (item or "") if shown else str(WITHHELD),
        text if shown else str(WITHHELD),
        local_date(created),
        *_about(issue_id, seen, issue_title),
    )


REGISTERS = {
    "issues": Register(
        kind="issues",
        title=_("Issues register"),
        noun=_("issues"),
        columns=(
            _("Reference"),
            _("Title"),
            _("Status"),
            _("Raised on"),
            _("Raised at"),
            _("Region"),
            _("Now at"),
            _("Practice areas"),
            _("Sector of who raised it"),
            _("Endorsements"),
            _("Restricted"),
            _("Response delivery"),
            _("Loop closed on"),
        ),
        rows_of=lambda user, filters: _issue_values(issues_in_register(user, filters)),
        fields=ISSUE_FIELDS,
        shaped=_issue_row,
    ),
    "actions": Register(
        kind="actions",
        title=_("Actions register"),
        noun=_("actions"),
        columns=(
            _("Forum"),
            _("Meeting"),
            _("Meeting date"),
            _("Action"),
            _("Owner"),
            _("Due on"),
            _("Status"),
            _("Completed on"),
            _("Issue reference"),
            _("Issue title"),
        ),
        rows_of=lambda user, filters: actions_in_register(user, filters).order_by("due_date", "id"),
        fields=ACTION_FIELDS,
        shaped=_action_row,
    ),
    "decisions": Register(
        kind="decisions",
        title=_("Decisions register"),
        noun=_("decisions"),
        columns=(
            _("Forum"),
            _("Meeting"),
            _("Meeting date"),
            _("Agenda item"),
            _("Decision"),
            _("Recorded on"),
            _("Issue reference"),
            _("Issue title"),
        ),
        rows_of=lambda user, filters: decisions_in_register(user, filters).order_by(
            "meeting__start", "created_at", "id"
        ),
        fields=DECISION_FIELDS,
        shaped=_decision_row,
    ),
}


def register_rows(user, filters: InsightFilters, kind: str) -> Iterator[tuple]:
    """The register's rows as written, fetched in chunks as they are consumed; KeyError for
    an unknown kind."""
    register = REGISTERS[kind]
    values = register.rows_of(user, filters).values_list(*register.fields)
    return (register.shaped(row) for row in values.iterator(chunk_size=CHUNK_SIZE))


def register_count(user, filters: InsightFilters, kind: str) -> int:
    return REGISTERS[kind].rows_of(user, filters).order_by().count()


# --- For the page --------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterLink:
    kind: str
    title: str
    noun: str
    total: int


def register_links(user, filters: InsightFilters) -> list[RegisterLink]:
    """Each register's row count for these filters (one count query per register)."""
    return [
        RegisterLink(
            kind=kind,
            title=register.title,
            noun=register.noun,
            total=register_count(user, filters, kind),
        )
        for kind, register in REGISTERS.items()
    ]


def meetings_taking_papers(forums: list[Forum]):
    """These forums' own meetings (not learning sessions) that have not started yet, draft
    or published (not cancelled), soonest first: a paper goes out before the meeting."""
    return (
        Meeting.objects.forum_meetings()
        .filter(
            forum__in=forums,
            status__in=[MeetingStatus.DRAFT, MeetingStatus.PUBLISHED],
            start__gt=timezone.now(),
        )
        .select_related("forum")
        .order_by("start")
    )


def strategic_forums_run_by(user) -> list[Forum]:
    """Strategic forums this person may add resources to (the forums app's rule): where the
    "State of the loop" report may be attached as a paper."""
    return [
        forum
        for forum in Forum.objects.filter(tier=Tier.STRATEGIC)
        if user.has_perm("forums.add_resource", forum)
    ]


def exports_context(request, filters: InsightFilters, *, forum: Forum | None = None) -> dict:
    """What the loop-health page shows of its downloads: the registers with their row counts,
    where to ask for them (with the filters the page shows, period written out), and (on the
    whole loop's page) whether this person may attach the report to a meeting."""
    user = request.user
    if forum is None:
        export_url = reverse("insights:export")
    else:
        export_url = reverse("insights:forum-export", kwargs={"slug": forum.slug})
    values = QueryDict(filters_query(filters, forum_fixed=forum is not None))
    return {
        "registers": register_links(user, filters),
        "export_url": export_url,
        "downloads_url": reverse("insights:downloads"),
        "export_filters": [
            (name, value) for name, value in values.items() if name not in ("start", "end")
        ],
        "may_attach_report": forum is None
        and user.has_perm("insights.view_insights")
        and bool(strategic_forums_run_by(user)),
    }
