"""Reads of the minutes: the draft as it stands, the revisions kept, and what each reader
is shown (the published revision, or the draft to those who keep the minutes)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page
from django.utils.translation import gettext

from ..models import AgendaItem, Decision, Meeting, MinutesRevision
from .agenda import DECISIONS_IN_ORDER, agenda_items


@dataclass(frozen=True)
class MinutesDecision:
    pk: int
    text: str


@dataclass(frozen=True)
class MinutesEntry:
    """One agenda item's part of the minutes: its notes and decisions, numbered as on the
    agenda."""

    item_id: int
    number: int
    title: str
    notes: str
    decisions: tuple[MinutesDecision, ...]

    @property
    def content(self) -> tuple[str, tuple[str, ...]]:
        return self.notes, tuple(decision.text for decision in self.decisions)


@dataclass(frozen=True)
class MinutesToRead:
    """The minutes a reader is shown, which revision they come from (None: as they stand),
    and whether they differ from what was published."""

    entries: list[MinutesEntry]
    revision: MinutesRevision | None
    is_draft: bool
    # The revision readers are shown, whoever is reading.
    published: MinutesRevision | None = None
    # The highest number of any item in the minutes read, on whatever page: published minutes
    # are numbered as the agenda stood then, and can run past today's agenda.
    numbered_to: int = 0


def entries_from_items(items: Iterable[AgendaItem], *, first_number: int = 1) -> list[MinutesEntry]:
    """The items that have notes or decisions, numbered by their place on the agenda (the
    first given is item `first_number`); the items come from agenda_items, with their
    decisions."""
    entries = []
    for number, item in enumerate(items, start=first_number):
        decisions = tuple(
            MinutesDecision(pk=d.pk, text=d.text) for d in getattr(item, DECISIONS_IN_ORDER)
        )
        if item.notes or decisions:
            entries.append(
                MinutesEntry(
                    item_id=item.pk,
                    number=number,
                    title=item.title,
                    notes=item.notes,
                    decisions=decisions,
                )
            )
    return entries


def entries_from_snapshot(snapshot: dict) -> list[MinutesEntry]:
    return [
        MinutesEntry(
            item_id=entry["id"],
            number=entry["number"],
            title=entry["title"],
            notes=entry["notes"],
            decisions=tuple(
                MinutesDecision(pk=d["id"], text=d["text"]) for d in entry["decisions"]
            ),
        )
        for entry in snapshot.get("items", [])
    ]


def snapshot_of(entries: list[MinutesEntry]) -> dict:
    return {
        "items": [
            {
                "id": entry.item_id,
                "number": entry.number,
                "title": entry.title,
                "notes": entry.notes,
                "decisions": [{"id": d.pk, "text": d.text} for d in entry.decisions],
            }
            for entry in entries
        ]
    }


def contents_of(entries: list[MinutesEntry]) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Each item's notes and decision texts: what makes minutes differ."""
    return {entry.item_id: entry.content for entry in entries}


def same_minutes(before: list[MinutesEntry], after: list[MinutesEntry]) -> bool:
    """Equal notes and decision texts item by item; titles and numbers follow the agenda,
    which is edited elsewhere, so they alone do not make a new revision."""
    return contents_of(before) == contents_of(after)


def changes_between(before: list[MinutesEntry], after: list[MinutesEntry]) -> str:
    """Which items changed, in words: "2. Welcome: notes; 3. Funding: notes and decision"."""
    old = {entry.item_id: entry for entry in before}
    new = {entry.item_id: entry for entry in after}
    empty = ("", ())
    lines = []
    for entry in sorted(
        [*after, *(e for e in before if e.item_id not in new)], key=lambda e: e.number
    ):
        was = old[entry.item_id].content if entry.item_id in old else empty
        now = new[entry.item_id].content if entry.item_id in new else empty
        notes, decision = was[0] != now[0], was[1] != now[1]
        if notes and decision:
            what = gettext("notes and decision")
        elif notes or decision:
            what = gettext("notes") if notes else gettext("decision")
        else:
            continue
        lines.append(f"{entry.number}. {entry.title}: {what}")
    return "; ".join(lines)


def draft_minutes(meeting: Meeting) -> list[MinutesEntry]:
    """The minutes as they stand now, read afresh."""
    return entries_from_items(agenda_items(meeting))


def draft_contents(meeting: Meeting) -> dict[int, tuple[str, tuple[str, ...]]]:
    """contents_of the minutes as they stand now (for the items with notes or a decision),
    read as plain values: two queries however long the agenda, and no item built."""
    decisions: dict[int, list[str]] = {}
    for item_id, text in (
        Decision.objects.filter(agenda_item__meeting=meeting)
        .order_by("id")
        .values_list("agenda_item_id", "text")
    ):
        decisions.setdefault(item_id, []).append(text)
    return {
        pk: (notes, tuple(decisions.get(pk, ())))
        for pk, notes in AgendaItem.objects.filter(meeting=meeting).values_list("pk", "notes")
        if notes or pk in decisions
    }


def latest_revision(meeting: Meeting) -> MinutesRevision | None:
    return MinutesRevision.objects.filter(meeting=meeting).order_by("-number").first()


def minutes_revisions(meeting: Meeting) -> list[MinutesRevision]:
    """Every revision, newest first, with its author; one query."""
    return list(
        MinutesRevision.objects.filter(meeting=meeting).select_related("author").order_by("-number")
    )


def published_revision(revisions: list[MinutesRevision]) -> MinutesRevision | None:
    """The newest revision that was published, from a list read newest first."""
    return next((revision for revision in revisions if revision.is_published), None)


def minutes_to_read(
    meeting: Meeting,
    *,
    keeps_minutes: bool,
    revisions: list[MinutesRevision],
    items: Iterable[AgendaItem] | None = None,
    page: Page | None = None,
) -> MinutesToRead:
    """Those who keep the minutes read the draft; everyone else reads the published
    revision once the minutes are published (the draft before that, as forum members).
    Minutes published before revisions were kept have none, and are read as they stand.
    With `page`, a page of a long agenda: `items` are its items, and only their minutes are
    read (whether the draft differs from what was published is still told of the whole)."""
    published = published_revision(revisions) if meeting.minutes_published_at else None
    if published is not None and not keeps_minutes:
        entries = entries_from_snapshot(published.snapshot)
        return MinutesToRead(
            entries=_on_page(entries, page),
            revision=published,
            is_draft=False,
            published=published,
            numbered_to=max((entry.number for entry in entries), default=0),
        )
    entries = entries_from_items(
        agenda_items(meeting) if items is None else items,
        first_number=page.start_index() if page is not None else 1,
    )
    is_draft = meeting.minutes_published_at is None or (
        published is not None and not _as_published(published, entries, meeting, page)
    )
    return MinutesToRead(entries=entries, revision=None, is_draft=is_draft, published=published)


def _as_published(published, entries, meeting, page) -> bool:
    """Whether the draft says what the published revision says: of a page of a long agenda,
    the whole draft is compared, from its plain values."""
    snapshot = entries_from_snapshot(published.snapshot)
    if page is None:
        return same_minutes(snapshot, entries)
    return contents_of(snapshot) == draft_contents(meeting)


def _on_page(entries: list[MinutesEntry], page: Page | None) -> list[MinutesEntry]:
    if page is None:
        return entries
    # Numbered as the agenda stood when they were published: the last page also takes any
    # entries numbered past today's agenda.
    first, last = page.start_index(), page.end_index()
    return [
        entry
        for entry in entries
        if first <= entry.number and (entry.number <= last or not page.has_next())
    ]
