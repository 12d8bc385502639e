"""One search across the portal: each kind of record read only where the reader may see it,
through the visibility selectors of the app that owns it, ranked, with highlighted snippets.

On PostgreSQL each kind is matched against its stored, GIN-indexed vector (filter first, then
rank); elsewhere a plain contains-match on the same fields, title matches first, reading the
query's syntax (phrases, "-word", "or") as PostgreSQL does (practice.websearch).
"""

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from django.contrib.humanize.templatetags.humanize import intcomma
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cop_portal.db import plans_for_these_values
from feedback.models import PracticeIssue
from feedback.selectors import (
    consultations_visible_to,
    issues_visible_to,
    newest_found,
)
from forums.models import AgendaItem, Meeting
from forums.selectors.meetings import meetings_visible_to
from forums.services.search import AGENDA_IS_OUT, agenda_text, minutes_text
from practice.choices import GuidanceStatus
from practice.models import GuidanceItem
from practice.websearch import SEARCH_CONFIG, WebSearch, parse_websearch

ISSUES = "issues"
MEETINGS = "meetings"
MINUTES = "minutes"
LIBRARY = "library"
CONSULTATIONS = "consultations"

KIND_LABELS = {
    ISSUES: _("Practice issues"),
    MEETINGS: _("Meetings"),
    MINUTES: _("Minutes and decisions"),
    LIBRARY: _("Library"),
    CONSULTATIONS: _("Consultations"),
}
KINDS = tuple(KIND_LABELS)

# Counts stop here ("200+"): counting more would read every match for nothing, and a search
# that finds more than this is one to narrow (the issue list pages through every match).
COUNT_CAP = 200
PAGE_SIZE = 20
# A kind's pages reach as far as its count does.
MAX_PAGE = COUNT_CAP // PAGE_SIZE
# Practice issues, meetings and minutes are ranked among this many of their newest matches:
# every one the pages reach. A common word matches most of them, and ranking reads every match.
RANK_WINDOW = COUNT_CAP
# The stored vector each kind of meeting result is ranked on (PostgreSQL).
RANKED_MEETING_VECTORS = {MEETINGS: "search_vector", MINUTES: "minutes_search_vector"}
RANK_NOTES = {
    ISSUES: _(
        "More than %(number)s practice issues match: the newest %(number)s are ranked. "
        "Add words to narrow the search."
    ),
    MEETINGS: _(
        "More than %(number)s meetings match: the newest %(number)s are ranked. "
        "Add words to narrow the search."
    ),
    MINUTES: _(
        "More than %(number)s meetings' minutes match: those of the newest %(number)s "
        "meetings are ranked. Add words to narrow the search."
    ),
}
# What an issue result shows of its issue (PostgreSQL reads no more).
ISSUE_RESULT_FIELDS = ("title", "status", "submitted_at", "created_at", "origin_forum__name")
# What a meeting or minutes result shows of its meeting (PostgreSQL reads no more).
MEETING_RESULT_FIELDS = (
    "title",
    "start",
    "status",
    "kind",
    "minutes_published_at",
    "forum__name",
)
# The "All" view shows this many of the first kind found (usually practice issues), and how
# many of each other kind were found.
BEST_IN_ALL = 3
# Longer queries are cut here: a search box, not a document.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8

# Characters no one types, marking where a match starts and stops in a snippet, so that the
# whole snippet can be escaped first and only then given its <mark> tags.
START, STOP = "\ue000", "\ue001"
SNIPPET_WORDS = (12, 30)
SNIPPET_CHARS = 220


@dataclass(frozen=True)
class Result:
    """One thing found, as the results page shows it."""

    kind: str
    title: str
    url: str
    snippet: SafeString
    date: dt.datetime | dt.date | None
    badge: str
    # A second, quieter label: "superseded", the forum, "learning session".
    note: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class KindCount:
    """How many of one kind were found, counted no further than COUNT_CAP."""

    kind: str
    count: int

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def shown(self) -> int:
        return min(self.count, COUNT_CAP)

    @property
    def figure(self) -> str:
        """The count as the page writes it: "7", "1,000", or "200+" past the cap."""
        return intcomma(self.shown) + ("+" if self.is_capped else "")

    @property
    def rank_note(self) -> str:
        """Past RANK_WINDOW matches of a ranked kind, which of them are ranked; else empty."""
        if self.kind not in RANK_NOTES or self.count <= RANK_WINDOW:
            return ""
        return RANK_NOTES[self.kind] % {"number": intcomma(RANK_WINDOW)}

    @property
    def pages(self) -> int:
        return max(1, -(-self.shown // PAGE_SIZE))


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def clean_query(text: str) -> str:
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def parsed_query(text: str) -> WebSearch:
    return parse_websearch(text, max_terms=MAX_TERMS)


def terms_of(text: str) -> list[str]:
    """The words and phrases a query looks for, not those it leaves out: what the plain
    match marks in a snippet and looks for in a title."""
    return parsed_query(text).wanted


def marked(text: str) -> SafeString:
    """Escape the whole text, then turn each START...STOP pair into <mark>...</mark>; a
    stray marker (typed into the text itself) is dropped."""
    pattern = re.escape(START) + "([^" + START + STOP + "]*)" + re.escape(STOP)
    parts = re.split(pattern, text or "")
    html = []
    for index, part in enumerate(parts):
        part = escape(part.replace(START, "").replace(STOP, ""))
        html.append(f"<mark>{part}</mark>" if index % 2 else part)
    # Escaped above, part by part; the only tags are the marks added here.
    return mark_safe("".join(html))  # noqa: S308


def plain_snippet(text: str, terms: list[str]) -> SafeString:
    """Around the first match: about SNIPPET_CHARS characters, every term marked."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")
    found = [m for m in (re.search(re.escape(t), text, re.IGNORECASE) for t in terms) if m]
    first = min((m.start() for m in found), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    piece = text[start:end]
    if terms:
        pattern = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        piece = re.sub(f"({pattern})", START + r"\1" + STOP, piece, flags=re.IGNORECASE)
    piece = ("… " if start else "") + piece + (" …" if end < len(text) else "")
    return marked(piece)


def _headline(expression, query: SearchQuery) -> SearchHeadline:
    return SearchHeadline(
        expression,
        query,
        config=SEARCH_CONFIG,
        start_sel=START,
        stop_sel=STOP,
        min_words=SNIPPET_WORDS[0],
        max_words=SNIPPET_WORDS[1],
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def _any_term(terms: list[str], *fields: str) -> Q:
    condition = Q()
    for term in terms:
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
    return condition


def _in_title(terms: list[str]) -> Expression:
    if not terms:  # a query that only leaves words out
        return Value(False, output_field=BooleanField())
    return Case(
        When(_any_term(terms, "title"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


# The plain fallback's text of a meeting's published minutes (SQLite's JSON functions): the
# notes and decisions of the newest published revision, or of the items as they stand for
# minutes published before revisions were kept; as forums.services.search reads them.
PLAIN_MINUTES_TEXT_SQL = """
COALESCE(
  (
    SELECT group_concat(
      coalesce(json_extract(entry.value, '$.notes'), '') || ' ' || coalesce((
        SELECT group_concat(json_extract(decision.value, '$.text'), ' ')
        FROM json_each(entry.value, '$.decisions') AS decision
      ), ''),
      ' '
    )
    FROM json_each((
      SELECT revision.snapshot FROM forums_minutesrevision AS revision
      WHERE revision.meeting_id = "forums_meeting"."id" AND revision.published_at IS NOT NULL
      ORDER BY revision.number DESC LIMIT 1
    ), '$.items') AS entry
  ),
  (
    SELECT group_concat(item.notes || ' ' || coalesce((
        SELECT group_concat(decision.text, ' ') FROM forums_decision AS decision
        WHERE decision.agenda_item_id = item.id
      ), ''), ' ')
    FROM forums_agendaitem AS item
    WHERE item.meeting_id = "forums_meeting"."id" AND NOT EXISTS (
      SELECT 1 FROM forums_minutesrevision AS kept
      WHERE kept.meeting_id = "forums_meeting"."id" AND kept.published_at IS NOT NULL
    )
  ),
  ''
)
"""


def _plain_minutes_text() -> RawSQL:
    # A constant statement with no parameters: nothing from a request reaches it.
    return RawSQL(PLAIN_MINUTES_TEXT_SQL, (), output_field=TextField())  # noqa: S611


def count_each(querysets: list[QuerySet]) -> list[int]:
    """How many rows each queryset holds, counted in one query: a round trip and Django's
    count wrapper for each would cost more than the counting."""
    parts, params = [], []
    for queryset in querysets:
        try:
            sql, own = queryset.query.sql_with_params()
        except EmptyResultSet:  # nothing can match, as for one who may see none of a kind
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608 - Django's SQL
        params.extend(own)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return list(cursor.fetchone())


class PortalSearch:
    """One reader's search for one query: per kind, the matches they may see, counted and
    paged in a fixed number of queries whatever the size of the portal."""

    def __init__(self, user, text: str):
        self.user = user
        self.text = clean_query(text)
        self.parsed = parsed_query(self.text)
        self.terms = self.parsed.wanted
        self.postgresql = on_postgresql()
        self._matches: dict[str, QuerySet] = {}

    @cached_property
    def query(self) -> SearchQuery:
        return SearchQuery(self.text, search_type="websearch", config=SEARCH_CONFIG)

    @property
    def is_empty(self) -> bool:
        return not self.parsed

    # --- Who may see what: the owning apps' selectors, read once per search -------------

    @cached_property
    def _visible_meetings(self) -> QuerySet[Meeting]:
        # Without their vectors, as every meeting query is (search names them in its SQL).
        return meetings_visible_to(self.user).defer("forum__purpose")

    # --- Matches per kind, before ranking ------------------------------------------------

    def matches(self, kind: str) -> QuerySet:
        """What of this kind the reader may see and the query finds, unordered; built once
        per search, then counted and ranked from there."""
        if kind not in self._matches:
            self._matches[kind] = getattr(self, f"_match_{kind}")()
        return self._matches[kind]

    def _match_issues(self) -> QuerySet:
        # Elsewhere than PostgreSQL, whose issues are read as their window (_issue_window).
        return issues_visible_to(self.user).filter(self.parsed.matching("title", "description"))

    def _match_meetings(self) -> QuerySet:
        meetings = self._visible_meetings
        if self.postgresql:
            return meetings.filter(search_vector=self.query)

        def found(term: str) -> Q:
            on_agenda = AgendaItem.objects.filter(
                Q(title__icontains=term) | Q(description__icontains=term), meeting=OuterRef("pk")
            )
            return Q(title__icontains=term) | (Q(Exists(on_agenda)) & AGENDA_IS_OUT)

        return meetings.filter(self.parsed.condition(found))

    def _match_minutes(self) -> QuerySet:
        meetings = self._visible_meetings.filter(minutes_published_at__isnull=False)
        if self.postgresql:
            return meetings.filter(minutes_search_vector=self.query)
        meetings = meetings.alias(minutes_text=_plain_minutes_text())
        return meetings.filter(self.parsed.matching("minutes_text"))

    def _match_library(self) -> QuerySet:
        items = GuidanceItem.objects.all()
        if self.postgresql:
            return items.filter(search_vector=self.query)
        return items.filter(self.parsed.matching("title", "summary"))

    def _match_consultations(self) -> QuerySet:
        consultations = consultations_visible_to(self.user)
        if self.postgresql:
            # The stored vector holds the summary before it is published, too: a match
            # there alone counts only once the summary is out.
            return (
                consultations.filter(search_vector=self.query)
                .alias(public_vector=SearchVector("title", "brief", config=SEARCH_CONFIG))
                .filter(
                    Q(summary_published_at__isnull=False)
                    | Q(summary="")
                    | Q(public_vector=self.query)
                )
            )

        def found(term: str) -> Q:
            return (
                Q(title__icontains=term)
                | Q(brief__icontains=term)
                | (Q(summary__icontains=term) & Q(summary_published_at__isnull=False))
            )

        return consultations.filter(self.parsed.condition(found))

    # --- Counts -------------------------------------------------------------------------

    def count(self, kind: str) -> KindCount:
        """One query over the matches, stopping after COUNT_CAP + 1 of them."""
        if self.is_empty:
            return KindCount(kind, 0)
        if kind == ISSUES and self.postgresql:
            return KindCount(kind, len(self._issue_window))
        return KindCount(kind, self._capped(kind).count())

    def counts(self) -> list[KindCount]:
        """Every kind's count: the issues' as count() has it, the other kinds' together in
        one query."""
        if self.is_empty:
            return [KindCount(kind, 0) for kind in KINDS]
        others = [kind for kind in KINDS if kind != ISSUES]
        found = dict(zip(others, count_each([self._capped(kind) for kind in others]), strict=True))
        found[ISSUES] = self.count(ISSUES).count
        return [KindCount(kind, found[kind]) for kind in KINDS]

    def _capped(self, kind: str) -> QuerySet:
        return self.matches(kind).order_by().values("pk")[: COUNT_CAP + 1]

    # --- Ranked results -----------------------------------------------------------------

    def results(self, kind: str, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[Result]:
        """One page of a kind, best first; one query."""
        if self.is_empty:
            return []
        if kind == ISSUES and self.postgresql:
            rows = self._ranked_issue_rows(offset, limit)
        elif kind in RANKED_MEETING_VECTORS and self.postgresql:
            rows = self._ranked_meeting_rows(kind, offset, limit)
        else:
            ranked = getattr(self, f"_ranked_{kind}")()[offset : offset + limit]
            # A kind ranked in a window of its newest matches is found by a query whose best
            # plan depends on how common the word is, as the issues' window is.
            with plans_for_these_values() if kind in RANK_NOTES else contextlib.nullcontext():
                rows = list(ranked)
        return [getattr(self, f"_result_{kind}")(row) for row in rows]

    def _rank(self, queryset: QuerySet, vector: str, *first: str) -> QuerySet:
        return queryset.annotate(rank=SearchRank(F(vector), self.query)).order_by(
            *first, "-rank", "id"
        )

    @cached_property
    def _issue_window(self) -> list[tuple[int, float]]:
        """PostgreSQL: the newest COUNT_CAP + 1 matching issues, each ranked in the scan
        that finds it, so a word most issues hold stops at the cap; one query. Its length
        is the issues' count."""
        return newest_found(self.user, self.text, COUNT_CAP + 1)

    @cached_property
    def _ranked_issue_ids(self) -> list[int]:
        """Ranking reads every match: at state scale a common word matches tens of thousands
        of issues, so only the newest RANK_WINDOW are ranked; that is every one the pages
        reach. Best first, then oldest first, as the other kinds are ordered."""
        ranked = sorted(self._issue_window[:RANK_WINDOW], key=lambda found: (-found[1], found[0]))
        return [pk for pk, _rank in ranked]

    def _ranked_issue_rows(self, offset: int, limit: int) -> list[PracticeIssue]:
        """PostgreSQL: one page of issues in rank order; one query, none past the last."""
        ids = self._ranked_issue_ids[offset : offset + limit]
        if not ids:
            return []
        rows = (
            PracticeIssue.objects.filter(pk__in=ids)
            .select_related("origin_forum")
            .only(*ISSUE_RESULT_FIELDS)
            .annotate(snippet=_headline("description", self.query))
            .in_bulk()
        )
        return [rows[pk] for pk in ids if pk in rows]

    def _ranked_meeting_ids(self, kind: str, offset: int, limit: int) -> list[int]:
        """PostgreSQL: one page of the newest RANK_WINDOW meetings whose agenda (MEETINGS)
        or minutes (MINUTES) match, best first. Each is ranked in the scan that finds it,
        whose vector is already read: ranking the window's meetings after joining them to
        their forums read every long vector again (8 ms for a common word, against 2 ms)."""
        window = (
            self.matches(kind)
            .order_by("-start", "-id")
            .annotate(rank=SearchRank(F(RANKED_MEETING_VECTORS[kind]), self.query))
            .values_list("pk", "rank")[:RANK_WINDOW]
        )
        try:
            sql, params = window.query.sql_with_params()
        except EmptyResultSet:  # nothing can match, as for one who may see no meeting
            return []
        # Its two columns, the key and the rank, by position: best first, then oldest first.
        page = f"SELECT * FROM ({sql}) AS found ORDER BY 2 DESC, 1 LIMIT %s OFFSET %s"  # noqa: S608 - Django's SQL
        with plans_for_these_values(), connection.cursor() as cursor:
            cursor.execute(page, [*params, limit, offset])
            return [pk for pk, _rank in cursor.fetchall()]

    def _ranked_meeting_rows(self, kind: str, offset: int, limit: int) -> list[Meeting]:
        """PostgreSQL: one page of meetings or minutes in rank order, each with its snippet;
        two queries, the second for the page's rows alone."""
        ids = self._ranked_meeting_ids(kind, offset, limit)
        if not ids:
            return []
        text = agenda_text() if kind == MEETINGS else minutes_text()
        # Found among what the reader may see: read by their keys, with what a result shows.
        rows = (
            Meeting.objects.filter(pk__in=ids)
            .select_related("forum")
            .only(*MEETING_RESULT_FIELDS)
            .annotate(snippet=_headline(text, self.query))
            .in_bulk()
        )
        return [rows[pk] for pk in ids if pk in rows]

    def _ranked_issues(self) -> QuerySet:
        """The plain match (PostgreSQL ranks with _ranked_issue_rows): of the newest
        RANK_WINDOW matches, those with a term in the title first, then the newest."""
        newest = self.matches(ISSUES).order_by("-submitted_at", "-id").values("pk")[:RANK_WINDOW]
        issues = PracticeIssue.objects.filter(pk__in=newest).select_related("origin_forum")
        return issues.annotate(in_title=_in_title(self.terms)).order_by("-in_title", "-id")

    def _newest_meetings(self, kind: str) -> QuerySet[Meeting]:
        """The newest RANK_WINDOW meetings whose agenda (MEETINGS) or minutes (MINUTES)
        match, to be ranked."""
        newest = self.matches(kind).order_by("-start", "-id").values("pk")[:RANK_WINDOW]
        return self._visible_meetings.filter(pk__in=newest)

    def _ranked_meetings(self) -> QuerySet:
        """Elsewhere than PostgreSQL (which ranks with _ranked_meeting_rows): the newest
        RANK_WINDOW matching meetings, those with a term in the title first, then the
        newest."""
        meetings = self._newest_meetings(MEETINGS)
        found = AgendaItem.objects.filter(
            _any_term(self.terms, "title", "description"), meeting=OuterRef("pk")
        ).order_by("position", "id")
        return meetings.annotate(
            in_title=_in_title(self.terms),
            found_title=Case(
                When(AGENDA_IS_OUT, then=Subquery(found.values("title")[:1])),
                default=Value(""),
                output_field=TextField(),
            ),
            found_description=Case(
                When(AGENDA_IS_OUT, then=Subquery(found.values("description")[:1])),
                default=Value(""),
                output_field=TextField(),
            ),
        ).order_by("-in_title", "-start", "-id")

    def _ranked_minutes(self) -> QuerySet:
        """Elsewhere than PostgreSQL (which ranks with _ranked_meeting_rows): the minutes of
        the newest RANK_WINDOW meetings that match, the most recently published first."""
        meetings = self._newest_meetings(MINUTES)
        return meetings.annotate(plain_text=_plain_minutes_text()).order_by(
            "-minutes_published_at", "-id"
        )

    def _ranked_library(self) -> QuerySet:
        items = (
            self.matches(LIBRARY)
            .select_related("superseded_by")
            .defer("search_vector", "superseded_by__search_vector", "superseded_by__summary")
            .annotate(
                superseded=Case(
                    When(status=GuidanceStatus.SUPERSEDED, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
        )
        if self.postgresql:
            items = items.annotate(snippet=_headline("summary", self.query))
            return self._rank(items, "search_vector", "superseded")
        return items.annotate(in_title=_in_title(self.terms)).order_by(
            "superseded", "-in_title", "title", "id"
        )

    def _ranked_consultations(self) -> QuerySet:
        consultations = self.matches(CONSULTATIONS).select_related("from_forum")
        if self.postgresql:
            consultations = consultations.defer("search_vector").annotate(
                snippet=_headline(_public_consultation_text(), self.query)
            )
            return self._rank(consultations, "search_vector")
        return consultations.annotate(in_title=_in_title(self.terms)).order_by(
            "-in_title", "-opened_at", "-id"
        )

    # --- Rows as results ----------------------------------------------------------------

    def _snippet(self, row, plain_text: str) -> SafeString:
        if self.postgresql:
            return marked(row.snippet)
        return plain_snippet(plain_text, self.terms)

    def _result_issues(self, issue) -> Result:
        return Result(
            kind=ISSUES,
            title=issue.title,
            url=issue.get_absolute_url(),
            snippet=self._snippet(issue, "" if self.postgresql else issue.description),
            date=issue.submitted_at or issue.created_at,
            badge=issue.get_status_display(),
            note=f"{issue.reference} · {issue.origin_forum}",
        )

    def _result_meetings(self, meeting) -> Result:
        plain = ""
        if not self.postgresql:
            plain = " · ".join(
                part for part in (meeting.found_title, meeting.found_description) if part
            )
        return Result(
            kind=MEETINGS,
            title=meeting.title,
            url=meeting.get_absolute_url(),
            snippet=self._snippet(meeting, plain),
            date=meeting.start,
            badge=meeting.get_status_display(),
            note=f"{meeting.forum} · {meeting.get_kind_display()}",
        )

    def _result_minutes(self, meeting) -> Result:
        plain = "" if self.postgresql else meeting.plain_text
        return Result(
            kind=MINUTES,
            title=meeting.title,
            url=f"{meeting.get_absolute_url()}#minutes-heading",
            snippet=self._snippet(meeting, plain),
            date=meeting.minutes_published_at,
            badge=str(_("Minutes")),
            note=str(meeting.forum),
        )

    def _result_library(self, item) -> Result:
        note = ""
        if item.superseded_by_id:
            note = str(_("Superseded by %(successor)s")) % {"successor": item.superseded_by}
        return Result(
            kind=LIBRARY,
            title=str(item),
            url=item.get_absolute_url(),
            snippet=self._snippet(item, "" if self.postgresql else item.summary),
            date=item.published_on,
            badge=item.get_status_display(),
            note=note or item.get_kind_display(),
        )

    def _result_consultations(self, consultation) -> Result:
        plain = ""
        if not self.postgresql:
            plain = consultation.brief
            if consultation.summary_published_at:
                plain = f"{plain}\n{consultation.summary}"
        return Result(
            kind=CONSULTATIONS,
            title=consultation.title,
            url=consultation.get_absolute_url(),
            snippet=self._snippet(consultation, plain),
            date=consultation.opened_at,
            badge=consultation.get_status_display(),
            note=str(consultation.from_forum),
        )


def _public_consultation_text() -> Expression:
    """The brief, and the summary once it is published."""
    return Concat(
        F("brief"),
        Case(
            When(
                summary_published_at__isnull=False,
                then=Concat(Value("\n"), F("summary"), output_field=TextField()),
            ),
            default=Value(""),
            output_field=TextField(),
        ),
        output_field=TextField(),
    )
