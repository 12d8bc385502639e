"""Properties of the privacy guard over generated text.

Identifying details put anywhere into ordinary practice prose are found; the prose alone
passes; and on any text at all the guard answers with findings quoted from that text.
"""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback.given_names import AMBIGUOUS_GIVEN_NAMES, GIVEN_NAMES
from feedback.privacy import find_identifying_details
from tests.feedback.test_privacy_corpus import ORDINARY

SURNAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Wilson",
    "Taylor",
    "Johnson",
    "White",
    "Martin",
    "Anderson",
    "Thompson",
    "Nguyen",
    "Tran",
    "Walker",
    "Harris",
    "Ryan",
    "Kelly",
    "King",
    "Singh",
    "Patel",
    "Chen",
    "Wang",
    "Kaur",
    "Campbell",
    "Clarke",
    "Hughes",
    "O'Brien",
    "McDonald",
    "Rigney",
    "Wanganeen",
    "Karpany",
    "Agius",
    "Papadopoulos",
    "Rossi",
    "Haddad",
    "Okafor",
]
FIRST_NAMES = sorted(GIVEN_NAMES - AMBIGUOUS_GIVEN_NAMES)
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def digits(count: int):
    return st.text(alphabet="0123456789", min_size=count, max_size=count)


@st.composite
def emails(draw):
    local = draw(st.from_regex(r"[a-z][a-z0-9._]{0,14}[a-z0-9]", fullmatch=True))
    domain = draw(st.from_regex(r"[a-z]{2,12}", fullmatch=True))
    tld = draw(st.sampled_from(["com", "org", "net", "com.au", "org.au"]))
    return f"{local}@{domain}.{tld}"


@st.composite
def phones(draw):
    kind = draw(st.sampled_from(["mobile", "landline", "international"]))
    sep = draw(st.sampled_from([" ", ".", "-", ""]))
    if kind == "mobile":
        rest = draw(digits(8))
        return f"04{rest[:2]}{sep}{rest[2:5]}{sep}{rest[5:]}"
    if kind == "landline":
        area = draw(st.sampled_from("2378"))
        rest = draw(digits(8))
        return f"(0{area}) {rest[:4]}{sep}{rest[4:]}"
    rest = draw(digits(8))
    return f"+61 4{rest[:2]} {rest[2:5]} {rest[5:]}"


@st.composite
def medicare_numbers(draw):
    first = draw(st.sampled_from("23456"))
    body = first + draw(digits(7))
    check = sum(int(d) * w for d, w in zip(body, (1, 3, 7, 9, 1, 3, 7, 9), strict=True)) % 10
    issue = draw(st.sampled_from("123456789"))
    number = f"{body}{check}{issue}"
    return f"{number[:4]} {number[4:9]} {number[9]}"


@st.composite
def names(draw):
    return f"{draw(st.sampled_from(FIRST_NAMES))} {draw(st.sampled_from(SURNAMES))}"


@st.composite
def births(draw):
    day = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2025, 12, 31)))
    word = draw(st.sampled_from(["born", "Born", "DOB", "born on", "date of birth:"]))
    return f"{word} {day.isoformat()}"


ordinary_prose = st.lists(st.sampled_from(ORDINARY), min_size=1, max_size=8).map(" ".join)


@FEW
@given(
    sentences=st.lists(st.sampled_from(ORDINARY), min_size=1, max_size=6),
    detail=st.one_of(emails(), phones(), medicare_numbers(), names(), births()),
    data=st.data(),
)
def test_find_identifying_details_finds_a_detail_put_anywhere_in_ordinary_prose(
    sentences, detail, data
):
    position = data.draw(st.integers(min_value=0, max_value=len(sentences)))
    text = " ".join([*sentences[:position], detail, *sentences[position:]])

    findings = find_identifying_details(text)

    assert any(detail in f.text or f.text in detail for f in findings), (text, findings)


@FEW
@given(text=ordinary_prose)
def test_find_identifying_details_on_ordinary_prose_finds_nothing(text):
    assert find_identifying_details(text) == []


@FEW
@given(text=st.text(max_size=400))
def test_find_identifying_details_on_any_text_quotes_findings_from_that_text(text):
    findings = find_identifying_details(text)

    for finding in findings:
        assert finding.text in text
        assert 1 <= finding.line <= text.count("\n") + 1


@FEW
@given(
    text=st.text(
        alphabet=st.sampled_from(list("0123456789 .-()+/@aA:\n\u200b\uff10")), max_size=400
    )
)
def test_find_identifying_details_on_digits_and_punctuation_quotes_findings_from_that_text(
    text,
):
    findings = find_identifying_details(text)

    for finding in findings:
        assert finding.text in text
        assert 1 <= finding.line <= text.count("\n") + 1
