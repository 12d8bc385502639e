"""Pages of issues, newest first, that cost the same on the first page and the thousandth.

A page starts after (or ends before) the issue a link names by its place in the order,
`<submitted_at>|<id>`, so the database walks the `(-submitted_at, -id)` index from that
place instead of counting its way past every issue before it. How many issues match is
counted only up to a cap: beyond it the page says "more than".
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext, ngettext

NEWEST_FIRST = (F("submitted_at").desc(nulls_first=True), F("id").desc())
OLDEST_FIRST = (F("submitted_at").asc(nulls_last=True), F("id").asc())


@dataclass(frozen=True)
class Cursor:
    """An issue's place in the newest-first order; drafts (not yet submitted) come first."""

    submitted_at: dt.datetime | None
    pk: int

    def __str__(self) -> str:
        stamp = self.submitted_at.isoformat() if self.submitted_at else ""
        return f"{stamp}|{self.pk}"

    @classmethod
    def of(cls, issue) -> "Cursor":
        return cls(issue.submitted_at, issue.pk)

    @classmethod
    def parse(cls, text: str | None) -> "Cursor | None":
        """The cursor a link carries, or None for anything that is not one."""
        if not text or len(text) > 80:
            return None
        stamp, _, pk = text.rpartition("|")
        if not pk.isascii() or not pk.isdigit() or not 0 < int(pk) < 2**63:
            return None
        if not stamp:
            return cls(None, int(pk))
        try:
            submitted_at = dt.datetime.fromisoformat(stamp)
            if submitted_at.tzinfo is None:
                return None
            # In UTC, as the database compares it: a moment in year 1 or 9999 that has no
            # UTC date is no place in the list.
            submitted_at = submitted_at.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            return None
        return cls(submitted_at, int(pk))

    def older(self) -> Q:
        """Issues after this one in the newest-first order. The `<=` half is what the index
        seeks on; the rest sorts out ties."""
        if self.submitted_at is None:
            return Q(submitted_at__isnull=False) | Q(submitted_at__isnull=True, pk__lt=self.pk)
        return Q(submitted_at__lte=self.submitted_at) & (
            Q(submitted_at__lt=self.submitted_at) | Q(pk__lt=self.pk)
        )

    def newer(self, *, with_drafts: bool) -> Q:
        """Issues before this one in the newest-first order."""
        if self.submitted_at is None:
            return Q(submitted_at__isnull=True, pk__gt=self.pk)
        later = Q(submitted_at__gte=self.submitted_at) & (
            Q(submitted_at__gt=self.submitted_at) | Q(pk__gt=self.pk)
        )
        # Only a list that may hold drafts asks for them: an OR there would stop the index
        # seek on every other list.
        return later | Q(submitted_at__isnull=True) if with_drafts else later


@dataclass(frozen=True)
class IssuePage:
    issues: list
    newer: Cursor | None
    older: Cursor | None
    count: int
    more_than_count: bool

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None

    @property
    def count_text(self) -> str:
        if self.more_than_count:
            return gettext("More than %(count)s issues") % {"count": f"{self.count:,}"}
        return ngettext("%(count)s issue", "%(count)s issues", self.count) % {
            "count": f"{self.count:,}"
        }


def issue_page(
    issues: QuerySet,
    *,
    after: str | None = None,
    before: str | None = None,
    per_page: int = 20,
    count_cap: int = 1000,
    with_drafts: bool = False,
) -> IssuePage:
    """One page of `issues`, newest first: the first page, the page older than the cursor
    `after`, or the page newer than the cursor `before`. A cursor that does not parse gives
    the first page, and so does a cursor past either end. Two queries as a rule: the capped
    count and the page (three when a cursor has run past an end)."""
    matched = issues.order_by().values("pk")[: count_cap + 1].count()
    count = {"count": min(matched, count_cap), "more_than_count": matched > count_cap}
    older_than, newer_than = Cursor.parse(after), Cursor.parse(before)
    if newer_than is not None and older_than is None:
        rows = list(
            issues.filter(newer_than.newer(with_drafts=with_drafts)).order_by(*OLDEST_FIRST)[
                : per_page + 1
            ]
        )
        if len(rows) > per_page:
            rows = rows[:per_page][::-1]
            return IssuePage(rows, newer=Cursor.of(rows[0]), older=Cursor.of(rows[-1]), **count)
        # Back at the top: the first page, full, with whatever arrived since.
        older_than = None
    if older_than is not None:
        rows = list(issues.filter(older_than.older()).order_by(*NEWEST_FIRST)[: per_page + 1])
        if rows:
            older = Cursor.of(rows[per_page - 1]) if len(rows) > per_page else None
            return IssuePage(rows[:per_page], newer=Cursor.of(rows[0]), older=older, **count)
    rows = list(issues.order_by(*NEWEST_FIRST)[: per_page + 1])
    older = Cursor.of(rows[per_page - 1]) if len(rows) > per_page else None
    return IssuePage(rows[:per_page], newer=None, older=older, **count)
