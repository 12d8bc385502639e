"""A search box's syntax, as PostgreSQL's websearch_to_tsquery reads it, for the plain
contains-match used where there is no full-text search (SQLite, the embedded default).

Words are all required; "-word" leaves out what holds the word; a "quoted phrase" is found
as written; "or" between two terms means either, binding looser than the words around it
(`a b or c` is a and b, or c). It lives here, the lowest app that searches text, so the
library's own list and portal search read a query alike."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q, QuerySet

# PostgreSQL's text search configuration, for every stored vector and every query.
SEARCH_CONFIG = "english"

# Each term is one contains-match over every field searched: a query is cut here.
MAX_TERMS = 8

# A run of minus signs, a quoted phrase (its closing quote optional), or a word.
TOKEN = re.compile(r'(?P<minus>-+)|"(?P<phrase>[^"]*)"?|(?P<word>[^\s"-][^\s"]*)')
# Punctuation around a word or phrase ("care.", "(respite)") is not part of what is found.
EDGES = re.compile(r"^\W+|\W+$")
OR = "or"


@dataclass(frozen=True)
class Term:
    """A word or phrase to find, or to leave out."""

    text: str
    excluded: bool = False


@dataclass(frozen=True)
class WebSearch:
    """A query as alternatives, any of which may match; each holds terms that all must."""

    alternatives: tuple[tuple[Term, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.alternatives)

    @property
    def wanted(self) -> list[str]:
        """The words and phrases to find (not those left out), each once: what a snippet marks."""
        return list(
            dict.fromkeys(
                term.text for terms in self.alternatives for term in terms if not term.excluded
            )
        )

    def condition(self, found: Callable[[str], Q]) -> Q:
        """The query as one condition, given the condition that finds one word or phrase."""
        either = Q()
        for terms in self.alternatives:
            every = Q()
            for term in terms:
                every &= ~found(term.text) if term.excluded else found(term.text)
            either |= every
        return either

    def matching(self, *fields: str) -> Q:
        """Rows the query finds, each term matched in any of the fields, ignoring case."""

        def found(text: str) -> Q:
            anywhere = Q()
            for field in fields:
                anywhere |= Q(**{f"{field}__icontains": text})
            return anywhere

        return self.condition(found)


def _cleaned(text: str) -> str:
    return EDGES.sub("", " ".join(text.split()))


def parse_websearch(text: str, *, max_terms: int = MAX_TERMS) -> WebSearch:
    """What a query asks for, read as websearch_to_tsquery reads it with the English
    configuration, up to `max_terms` terms: "or" between two terms means either, and
    anywhere else it is left out, as PostgreSQL leaves out such common words."""
    alternatives: list[list[Term]] = [[]]
    excluded = either = False
    count = 0
    for token in TOKEN.finditer(text or ""):
        if token["minus"]:
            excluded = True
            continue
        word = token["word"]
        if word and word.lower() == OR:
            if not excluded and not either and alternatives[-1]:
                either = True
            # Anywhere else "or" is a word PostgreSQL's English search leaves out of every
            # query (it is in nearly every text), and so is its minus.
            excluded = False
            continue
        term = Term(_cleaned(token["phrase"] if word is None else word), excluded)
        excluded = False
        if not term.text:
            continue
        if count == max_terms:
            break
        if either:
            alternatives.append([])
            either = False
        if not _holds(alternatives[-1], term):
            alternatives[-1].append(term)
            count += 1
    return WebSearch(tuple(tuple(terms) for terms in alternatives if terms))


def _holds(terms: list[Term], term: Term) -> bool:
    """Whether the terms already ask the same (a match ignores case)."""
    key = (term.text.casefold(), term.excluded)
    return any((held.text.casefold(), held.excluded) == key for held in terms)


def search_rows(rows: QuerySet, text: str, *fields: str) -> QuerySet:
    """The rows a search box's query finds: on PostgreSQL by their stored, GIN-indexed
    `search_vector`; elsewhere by a contains-match of `fields`, the query read as PostgreSQL
    reads it. A blank query leaves the rows as they are."""
    text = text.strip()
    if not text:
        return rows
    if connection.vendor == "postgresql":
        return rows.filter(
            search_vector=SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        )
    query = parse_websearch(text)
    if not query:
        # Nothing left to find ("-", "or", quotes alone): PostgreSQL finds nothing either.
        return rows.none()
    return rows.filter(query.matching(*fields))
