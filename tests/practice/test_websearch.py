"""The search syntax read as PostgreSQL's websearch_to_tsquery reads it: each expected
reading below is PostgreSQL's own answer for the query with the English configuration (where
"or" is a word too common to search for), as alternatives of terms."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from practice.websearch import MAX_TERMS, Term, WebSearch, parse_websearch


def reading(text: str) -> list[list[str]]:
    """The query's alternatives, each as its terms, "-" marking a term left out."""
    return [
        [("-" if term.excluded else "") + term.text for term in terms]
        for terms in parse_websearch(text).alternatives
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kinship care", [["kinship", "care"]]),
        ("kinship -placement", [["kinship", "-placement"]]),
        ("kinship - placement", [["kinship", "-placement"]]),
        ('"family group conference" -"court order"', [["family group conference", "-court order"]]),
        ('"unfinished phrase', [["unfinished phrase"]]),
        ("respite or housing", [["respite"], ["housing"]]),
        ("respite OR housing", [["respite"], ["housing"]]),
        ("kinship respite or housing", [["kinship", "respite"], ["housing"]]),
        ("-respite or housing", [["-respite"], ["housing"]]),
        ("respite or -housing", [["respite"], ["-housing"]]),
        ("or respite", [["respite"]]),
        ("respite or", [["respite"]]),
        ("respite or or housing", [["respite"], ["housing"]]),
        ("respite -or housing", [["respite", "housing"]]),
        ("or", []),
        ("-or", []),
        ('"respite or housing"', [["respite or housing"]]),
        ("kinship-care -out-of-home", [["kinship-care", "-out-of-home"]]),
        ("(respite) care. & housing", [["respite", "care", "housing"]]),
        ('respite "" -', [["respite"]]),
        ("Kinship kinship KINSHIP", [["Kinship"]]),
        ("", []),
        ('- " & ', []),
    ],
)
def test_parse_websearch_reads_the_syntax_as_postgresql_does(text, expected):
    assert reading(text) == expected


def test_parse_websearch_keeps_the_first_max_terms_terms():
    words = [f"word{number}" for number in range(MAX_TERMS + 2)]

    assert reading(" ".join(words)) == [words[:MAX_TERMS]]


def test_parse_websearch_with_fewer_terms_allowed_stops_there():
    assert reading("a or b c") == [["a"], ["b", "c"]]
    assert parse_websearch("a or b c", max_terms=2) == WebSearch(((Term("a"),), (Term("b"),)))


def test_web_search_wanted_leaves_out_excluded_terms_and_repeats():
    query = parse_websearch('"kinship care" -respite kinship or kinship')

    assert query.wanted == ["kinship care", "kinship"]


# --- Properties over generated queries ------------------------------------------------------

FEW = settings(max_examples=200, deadline=None)
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8).filter(
    lambda word: word != "or"
)
terms = st.builds(
    Term,
    text=st.lists(words, min_size=1, max_size=3).map(" ".join),
    excluded=st.booleans(),
)
alternatives = st.lists(
    st.lists(terms, min_size=1, max_size=3, unique_by=lambda term: (term.text, term.excluded)),
    min_size=1,
    max_size=2,
)


def written(alternatives: list[list[Term]]) -> str:
    """The query a person would type for these alternatives."""

    def term_text(term: Term) -> str:
        text = f'"{term.text}"' if " " in term.text else term.text
        return f"-{text}" if term.excluded else text

    return " or ".join(" ".join(term_text(term) for term in terms) for terms in alternatives)


@FEW
@given(alternatives)
def test_parse_websearch_reads_back_the_query_a_structure_is_written_as(expected):
    query = parse_websearch(written(expected))

    assert query == WebSearch(tuple(tuple(terms) for terms in expected))


@FEW
@given(st.text())
def test_parse_websearch_of_any_text_gives_at_most_max_terms_trimmed_terms(text):
    query = parse_websearch(text)

    found = [term for terms in query.alternatives for term in terms]
    assert len(found) <= MAX_TERMS
    assert all(terms for terms in query.alternatives)
    for term in found:
        assert term.text
        assert term.text == " ".join(term.text.split())
        assert term.text[0].isalnum() or term.text[0] == "_"
        assert term.text[-1].isalnum() or term.text[-1] == "_"
    assert set(query.wanted) <= {term.text for term in found if not term.excluded}
