"""The stored text-search vectors of meetings, kept by the services that change what they
read: the title and published agenda, and the published minutes and decisions.

PostgreSQL only: elsewhere there is no vector to keep and search reads the text itself.
"""

from collections.abc import Iterable

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Case, Expression, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from practice.websearch import SEARCH_CONFIG

from ..choices import MeetingKind
from ..models import AgendaItem, Meeting

# The text of a meeting's published minutes, as readers see them: the newest published
# revision's notes and decisions, or, for minutes published before revisions were kept,
# the items' notes and decisions as they stand. Refers to the meeting by its table name,
# so it works both in an UPDATE of meetings and in a SELECT from them.
MINUTES_TEXT_SQL = """
CASE WHEN "forums_meeting"."minutes_published_at" IS NULL THEN NULL
ELSE COALESCE(
  (
    SELECT string_agg(
      concat_ws(E'\\n', entry->>'notes', (
        SELECT string_agg(decision->>'text', E'\\n')
        FROM jsonb_array_elements(entry->'decisions') AS decision
      )),
      E'\\n'
    )
    FROM jsonb_array_elements((
      SELECT revision.snapshot FROM forums_minutesrevision AS revision
      WHERE revision.meeting_id = "forums_meeting"."id" AND revision.published_at IS NOT NULL
      ORDER BY revision.number DESC LIMIT 1
    )->'items') AS entry
  ),
  (
    SELECT string_agg(
      concat_ws(E'\\n', item.notes, (
        SELECT string_agg(decision.text, E'\\n') FROM forums_decision AS decision
        WHERE decision.agenda_item_id = item.id
      )),
      E'\\n' ORDER BY item.position, item.id
    )
    FROM forums_agendaitem AS item
    WHERE item.meeting_id = "forums_meeting"."id" AND NOT EXISTS (
      SELECT 1 FROM forums_minutesrevision AS kept
      WHERE kept.meeting_id = "forums_meeting"."id" AND kept.published_at IS NOT NULL
    )
  ),
  ''
) END
"""

EMPTY = Value("", output_field=TextField())

# Meetings rebuilt per statement by `update_search_vectors`.
BATCH_SIZE = 500


def minutes_text() -> RawSQL:
    """The published minutes' text of the meeting in the query (PostgreSQL)."""
    # A constant statement with no parameters: nothing from a request reaches it.
    return RawSQL(MINUTES_TEXT_SQL, (), output_field=TextField())  # noqa: S611


def _agenda_part(field: str) -> Subquery:
    items = (
        AgendaItem.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(text=StringAgg(field, delimiter="\n", order_by=("position", "id")))
        .values("text")
    )
    return Subquery(items, output_field=TextField())


# A snippet reads the whole of its text, and an agenda can run to hundreds of items: a
# meeting's snippet is drawn from this many of its first items.
SNIPPET_ITEMS = 40

# Refers to the meeting by its table name, as MINUTES_TEXT_SQL does, so that it works in a
# SELECT from meetings.
AGENDA_SNIPPET_SQL = """
(
  SELECT string_agg(concat_ws(E'\\n', item.title, NULLIF(item.description, '')), E'\\n'
                    ORDER BY item.position, item.id)
  FROM (
    SELECT title, description, position, id FROM forums_agendaitem
    WHERE meeting_id = "forums_meeting"."id"
    ORDER BY position, id
    LIMIT %s
  ) AS item
)
"""


# Meeting.agenda_is_out in a query: a published agenda, or a learning session's, which is
# what the session covers.
AGENDA_IS_OUT = Q(agenda_published_at__isnull=False) | Q(kind=MeetingKind.LEARNING)


def agenda_text() -> Expression:
    """The published agenda's first SNIPPET_ITEMS items of the meeting in the query, each
    title with its description, as one text for a snippet; empty before the agenda is
    published (PostgreSQL)."""
    # A constant statement; its one parameter is a constant too.
    items = RawSQL(AGENDA_SNIPPET_SQL, (SNIPPET_ITEMS,), output_field=TextField())  # noqa: S611
    return Case(
        When(AGENDA_IS_OUT, then=Coalesce(items, EMPTY)),
        default=EMPTY,
        output_field=TextField(),
    )


def _meeting_vector() -> Expression:
    titles = Case(When(AGENDA_IS_OUT, then=_agenda_part("title")), default=EMPTY)
    descriptions = Case(When(AGENDA_IS_OUT, then=_agenda_part("description")), default=EMPTY)
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector(titles, weight="B", config=SEARCH_CONFIG)
        + SearchVector(descriptions, weight="C", config=SEARCH_CONFIG)
    )


def _minutes_vector() -> Expression:
    return Case(
        When(minutes_published_at__isnull=True, then=Value(None)),
        default=SearchVector(minutes_text(), config=SEARCH_CONFIG),
    )


def refresh_meeting_search(meetings: Meeting | Iterable[Meeting | int]) -> int:
    """Rewrite the meetings' two vectors from their title, published agenda and published
    minutes, in the caller's transaction; nothing happens off PostgreSQL. Returns how many
    meetings were written."""
    if connection.vendor != "postgresql":
        return 0
    if isinstance(meetings, Meeting):
        meetings = [meetings]
    ids = [meeting if isinstance(meeting, int) else meeting.pk for meeting in meetings]
    return Meeting.objects.filter(pk__in=ids).update(
        search_vector=_meeting_vector(), minutes_search_vector=_minutes_vector()
    )


def rebuild_meeting_search(*, batch_size: int = BATCH_SIZE) -> int:
    """Rewrite every meeting's vectors, a batch of meetings per transaction (and so per
    short lock), in id order; also the backfill of meetings written before vectors were kept."""
    if connection.vendor != "postgresql":
        return 0
    done, last = 0, 0
    while True:
        ids = list(
            Meeting.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return done
        with transaction.atomic():
            done += refresh_meeting_search(ids)
        last = ids[-1]


def backfill_meeting_search(apps, schema_editor) -> None:
    """For a data migration (RunPython): fill the vectors of every meeting there is."""
    if schema_editor.connection.vendor == "postgresql":
        rebuild_meeting_search()
