"""Similar issues raised in different regions, grouped.

Two issues are similar when they share a practice area and two words of their titles. On
PostgreSQL the words are the stemmed title lexemes of the stored search vector (weight A)
and the pairs are found by one query; on SQLite the titles' words are compared after one
query for the candidates' practice areas. Either way only the CANDIDATES most endorsed
issues of the period are compared, so the cost stays bounded however many issues there are.
"""

import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from feedback.models import PracticeIssue
from feedback.selectors import issues_visible_to
from forums.models import Forum

CANDIDATES = 200
# How many title words two similar issues share.
SHARED_WORDS = 2
MAX_GROUPS = 12
STOP_WORDS = frozenset(
    [
        "about",
        "across",
        "after",
        "again",
        "against",
        "agency",
        "agencies",
        "among",
        "because",
        "before",
        "being",
        "between",
        "cannot",
        "could",
        "during",
        "from",
        "have",
        "into",
        "many",
        "more",
        "most",
        "much",
        "must",
        "need",
        "needs",
        "only",
        "other",
        "over",
        "same",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "within",
        "without",
        "would",
    ]
)


@dataclass(frozen=True)
class ClusterIssue:
    pk: int
    label: str  # "PI-00012: Title", or only the reference for a reader who may not see it
    # As a paper passed on names it: a restricted issue by its reference only.
    printed_label: str
    url: str | None
    region: str
    endorsements: int


def title_words(title: str) -> set[str]:
    """A title's telling words, lower case, a plural's final s dropped."""
    words = set()
    for word in re.findall(r"[a-z]+", title.lower()):
        if len(word) < 4 or word in STOP_WORDS:
            continue
        words.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return words


def similar_across_regions(user, candidates: QuerySet[PracticeIssue]) -> list[list[ClusterIssue]]:
    """Groups of similar issues from at least two regions, largest first."""
    rows = list(
        candidates.annotate(
            visible=Exists(issues_visible_to(user).filter(pk=OuterRef("pk"))),
            region_name=F("origin_forum__region__name"),
            region_pk=F("origin_forum__region"),
        )
        .order_by("-endorsement_count", "-submitted_at", "-pk")
        .values(
            "pk", "title", "restricted", "region_name", "region_pk", "endorsement_count", "visible"
        )[:CANDIDATES]
    )
    if not rows:
        return []
    by_pk = {row["pk"]: row for row in rows}
    db = candidates.db
    if connections[db].vendor == "postgresql":
        pairs = _pairs_by_lexemes(db, list(by_pk))
    else:
        pairs = _pairs_by_words(db, by_pk)
    return [[_issue(by_pk[pk]) for pk in group] for group in _groups(pairs, by_pk)[:MAX_GROUPS]]


def _issue(row: dict) -> ClusterIssue:
    reference = PracticeIssue(pk=row["pk"]).reference
    visible = row["visible"]
    label = f"{reference}: {row['title']}" if visible else reference
    return ClusterIssue(
        pk=row["pk"],
        label=label,
        printed_label=reference if row["restricted"] else label,
        url=reverse("feedback:issue-detail", args=[row["pk"]]) if visible else None,
        region=row["region_name"] or gettext("No region"),
        endorsements=row["endorsement_count"],
    )


def _pairs_by_lexemes(db: str, pks: list[int]) -> list[tuple[int, int]]:
    issue_table = PracticeIssue._meta.db_table
    forum_table = Forum._meta.db_table
    through = PracticeIssue.practice_areas.through._meta.db_table
    query = f"""
        WITH c AS (
            SELECT i.id, f.region_id AS region,
                   tsvector_to_array(ts_filter(i.search_vector, '{{a}}')) AS words
            FROM {issue_table} i JOIN {forum_table} f ON f.id = i.origin_forum_id
            WHERE i.id = ANY(%s) AND i.search_vector IS NOT NULL
        )
        SELECT a.id, b.id FROM c a JOIN c b
            ON a.id < b.id AND a.region IS DISTINCT FROM b.region
            AND a.words && b.words
            AND cardinality(ARRAY(
                SELECT unnest(a.words) INTERSECT SELECT unnest(b.words)
            )) >= %s
        WHERE EXISTS (
            SELECT 1 FROM {through} x JOIN {through} y ON x.practicearea_id = y.practicearea_id
            WHERE x.practiceissue_id = a.id AND y.practiceissue_id = b.id
        )
    """  # noqa: S608 - table names come from the models; the ids are a parameter
    with connections[db].cursor() as cursor:
        cursor.execute(query, [pks, SHARED_WORDS])
        return [tuple(row) for row in cursor.fetchall()]


def _pairs_by_words(db: str, by_pk: dict[int, dict]) -> list[tuple[int, int]]:
    through = PracticeIssue.practice_areas.through.objects.using(db)
    areas: dict[int, set[int]] = {}
    for issue_pk, area_pk in through.filter(practiceissue__in=list(by_pk)).values_list(
        "practiceissue", "practicearea"
    ):
        areas.setdefault(issue_pk, set()).add(area_pk)
    words = {pk: title_words(row["title"]) for pk, row in by_pk.items()}
    pks = sorted(by_pk)
    return [
        (a, b)
        for i, a in enumerate(pks)
        for b in pks[i + 1 :]
        if by_pk[a]["region_pk"] != by_pk[b]["region_pk"]
        and areas.get(a, set()) & areas.get(b, set())
        and len(words[a] & words[b]) >= SHARED_WORDS
    ]


def _groups(pairs: list[tuple[int, int]], by_pk: dict[int, dict]) -> list[list[int]]:
    """Issues joined by any chain of similar pairs form one group."""
    parent: dict[int, int] = {}

    def root(pk: int) -> int:
        while parent.setdefault(pk, pk) != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for pk in parent:
        groups.setdefault(root(pk), []).append(pk)

    def endorsements(pk: int) -> int:
        return by_pk[pk]["endorsement_count"]

    ordered = [sorted(group, key=lambda pk: (-endorsements(pk), pk)) for group in groups.values()]
    return sorted(ordered, key=lambda group: (-len(group), -endorsements(group[0]), group[0]))
