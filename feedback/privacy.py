"""The privacy guard: finds text that looks like identifying information about a client.

Practice issues are about practice, never about a person. This is a pure function so the
form (to tell the person exactly what to remove) and the service (as a last line) agree.

Every pattern here runs in time linear in the text: each starts behind a lookbehind that
refuses to start inside a word or number, every repeat is bounded or possessive, and
numbers are read once as runs and then classified in Python.
"""

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from .given_names import AMBIGUOUS_GIVEN_NAMES, GIVEN_NAMES, PLACE_GIVEN_NAMES, word_set

# Longer text is refused unchecked: no form field takes this much, so only a caller that
# skipped the form can send it.
SCAN_LIMIT = 200_000
# How much of one finding a message quotes.
QUOTE_LIMIT = 60

# Well-known public service numbers that are not about a person (digits only):
# Emergency 000 and 112, Lifeline 13 11 14, Police Assistance Line 131 444, Child Abuse
# Report Line 13 14 78, Crisis Care 13 16 11, 13YARN 13 92 76, 1800RESPECT 1800 737 732,
# Kids Helpline 1800 55 1800, Healthdirect 1800 022 222, MensLine 1300 78 99 78,
# Beyond Blue 1300 22 4636, Parent Helpline 1300 364 100.
DEFAULT_ALLOWED_NUMBERS = (
    "000",
    "112",
    "131114",
    "131444",
    "131478",
    "131611",
    "139276",
    "1800737732",
    "1800551800",
    "1800022222",
    "1300789978",
    "1300224636",
    "1300364100",
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    line: int

    def describe(self) -> str:
        quoted = self.text if len(self.text) <= QUOTE_LIMIT else self.text[:QUOTE_LIMIT] + "…"
        # The kind stays in English in the finding, where code compares it; only its
        # description is in the reader's language.
        return gettext("%(kind)s “%(text)s” on line %(line)s") % {
            "kind": gettext(self.kind),
            "text": quoted,
            "line": self.line,
        }


# --- Normalising ---------------------------------------------------------------------------

# Characters people (or copy and paste) put inside words to slip past a filter.
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff")
PUNCTUATION = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2028": "\n",
    "\u2029": "\n",
}


def normalise(text: str) -> tuple[str, list[int] | None]:
    """NFKC, without invisible characters, odd spaces as spaces; plus where each char came from."""
    if text.isascii():
        return text, None
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            out.append(char)
            origin.append(index)
            continue
        if char in INVISIBLE:
            continue
        if char in PUNCTUATION:
            replacement = PUNCTUATION[char]
        elif unicodedata.category(char) == "Zs":
            replacement = " "
        else:
            replacement = unicodedata.normalize("NFKC", char)
        for part in replacement:
            out.append(part)
            origin.append(index)
    return "".join(out), origin


# --- Patterns ------------------------------------------------------------------------------

LOCAL_PART = r"(?<![\w.+-])[\w.+-]{1,64}"
EMAIL = re.compile(LOCAL_PART + r"@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,6}")
_AT = r"(?:[ \t]{0,3}[(\[{<][ \t]{0,3}(?:at|@)[ \t]{0,3}[)\]}>][ \t]{0,3}|[ \t]{1,3}at[ \t]{1,3})"
_DOT = (
    r"(?:[ \t]{0,3}[(\[{<][ \t]{0,3}(?:dot|\.)[ \t]{0,3}[)\]}>][ \t]{0,3}"
    r"|[ \t]{1,3}dot[ \t]{1,3}|\.)"
)
OBFUSCATED_EMAIL = re.compile(
    LOCAL_PART
    + _AT
    + r"[A-Za-z0-9-]{1,63}(?:"
    + _DOT
    + r"[A-Za-z0-9-]{1,63}){0,4}"
    + _DOT
    + r"(?:com|net|org|edu|gov|au|nz|uk|io|info|biz|me|co)\b",
    re.IGNORECASE,
)

MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_NUMERIC_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
_ISO_DATE = r"(?:19|20)\d{2}-\d{1,2}-\d{1,2}"
_DAY_MONTH_YEAR = (
    rf"(?:the[ \t]{{1,3}})?\d{{1,2}}{_ORDINAL}(?:[ \t]{{1,3}}of)?[ \t]{{1,3}}{MONTHS},?"
    r"[ \t]{1,3}\d{4}"
)
_MONTH_DAY_YEAR = rf"{MONTHS}[ \t]{{1,3}}\d{{1,2}}{_ORDINAL},?[ \t]{{1,3}}\d{{4}}"
_NOT_AFTER = r"(?![\w/-]|\.\d)"
NUMERIC_DATE = re.compile(rf"(?<![\w/.-]){_NUMERIC_DATE}{_NOT_AFTER}")
ISO_DATE = re.compile(rf"(?<![\w/.-]){_ISO_DATE}{_NOT_AFTER}")
WRITTEN_DATE = re.compile(rf"(?<![\w/.-])(?:{_DAY_MONTH_YEAR}|{_MONTH_DAY_YEAR})\b", re.IGNORECASE)
BIRTH_DATE = re.compile(
    r"\b(?:born|birth[ \t]?day|d\.?[ \t]?o\.?[ \t]?b\b\.?|date[ \t]{1,3}of[ \t]{1,3}birth)"
    r"[ \t]{0,3}[:,-]?[ \t]{0,3}(?:(?:is|was|on|in)[ \t]{1,3}){0,2}"
    rf"(?:{_NUMERIC_DATE}|{_ISO_DATE}|{_DAY_MONTH_YEAR}|{_MONTH_DAY_YEAR}"
    rf"|{MONTHS}[ \t]{{1,3}}\d{{4}})"
    r"(?![\w/-]|\.\d)",
    re.IGNORECASE,
)
# A date right after these words is about policy, timing or a meeting, not a birthday.
POLICY_DATE_CONTEXT = re.compile(
    r"\b(?:policy|since|effective|from|until|till|to|by|before|after|commencing|commences|"
    r"commenced|dated|as[ \t]+(?:at|of)|starting|started|starts|ending|ended|ends|due|"
    r"deadline|reviewed|review|between|and|year|period|week|quarter|"
    r"meeting|forum|session|workshop|training|"
    r"(?:meeting|meets|met|held|forum|agreed|decided|discussed|scheduled|published|"
    r"released|announced|tabled|recorded|endorsed|approved|adopted|signed|sent|received|"
    r"circulated|presented|launched|opened|closed|submitted|lodged|updated|amended|"
    r"introduced|implemented|escalated|noted|emailed)[ \t]+on|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day,?)[ \t]*:?[ \t]*$",
    re.IGNORECASE,
)

# A run of digits with at most three separators between them, read once (possessive). A
# full stop before a space ends a sentence, and so the run.
NUMBER_RUN = re.compile(r"(?<![\w+$])(?:\+[ \t]?)?\(?\d(?:(?:[ \t()-]|\.(?![ \t\n])){0,3}+\d)*+")
DIGIT_GROUP = re.compile(r"\d+")
NEWLINE = re.compile(r"\n")
_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_DIGIT_TOKEN = r"(?:\d{1,4}|" + "|".join(_DIGIT_WORDS) + r")"
SPELLED_NUMBER = re.compile(
    rf"(?<![\w]){_DIGIT_TOKEN}(?:[ \t,.-]{{1,3}}{_DIGIT_TOKEN}){{7,14}}(?!\w)", re.IGNORECASE
)
PHONE_SHAPES = re.compile(r"0[2-478]\d{8}|61[2-478]\d{8}|610[2-478]\d{8}|1[38]00\d{6}")
YEAR = re.compile(r"(?:19|20)\d{2}")
MONEY_AFTER = re.compile(r"[ \t]?(?:k\b|m\b|million|billion|dollars|per[ \t]cent|%)", re.I)

STREET_TYPES = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Court|Ct|Drive|Dr|Place|Pl|Lane|Ln|Crescent|Cres|"
    r"Parade|Pde|Terrace|Tce|Way|Boulevard|Blvd|Close|Cl|Highway|Hwy|Grove|Gr|Circuit|Cct)"
)
_UNIT = (
    r"(?:(?:Unit|Flat|Apt|Apartment|Lot|Shop)[ \t]{0,3}\d{1,5}[A-Za-z]?[ \t]{0,3}[/,]?[ \t]{0,3})?"
)
STREET_ADDRESS = re.compile(
    rf"(?<![\w/]){_UNIT}\d{{1,5}}[A-Za-z]?(?:/\d{{1,5}}[A-Za-z]?)?[ \t]{{1,3}}"
    rf"(?:[A-Z][A-Za-z'-]{{1,30}}[ \t]{{1,3}}){{1,3}}{STREET_TYPES}\b\.?"
)
# "12 smith st": typed without capitals; fewer street types, since "3 meetings took place".
STREET_ADDRESS_LOWER = re.compile(
    rf"(?<![\w/]){_UNIT}\d{{1,5}}[a-z]?(?:/\d{{1,5}}[a-z]?)?[ \t]{{1,3}}"
    r"(?:[a-z][a-z'-]{1,30}[ \t]{1,3}){1,2}"
    r"(?:street|st|road|rd|avenue|ave|crescent|cres|drive|dr|parade|pde|terrace|tce|"
    r"boulevard|blvd|highway|hwy|lane|ln|grove|circuit|cct)\b",
    re.IGNORECASE,
)
POSTAL_ADDRESS = re.compile(
    r"\b(?:P\.?[ \t]?O\.?[ \t]?Box|G\.?P\.?O\.?[ \t]?Box|Locked[ \t]{1,3}Bag)[ \t]{1,3}\d{1,6}",
    re.IGNORECASE,
)

# --- Names ---------------------------------------------------------------------------------

_NAME = r"(?:O'|Mc|Mac|De|Di|Le|Van[ \t])?[A-Z][a-z]{1,25}(?:-[A-Z][a-z]{1,25})?"
CAPITALISED_WORD = re.compile(rf"(?<![\w'-]){_NAME}(?![\w-])")
TITLED_NAME = re.compile(
    rf"(?<![\w])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master|Mister)\.?[ \t]{{1,3}}({_NAME})"
)
INITIAL_NAME = re.compile(rf"(?<![\w.])[A-Z]\.[ \t]{{0,2}}({_NAME})(?![\w-])")
_PEOPLE = (
    "client",
    "mother",
    "mum",
    "mom",
    "father",
    "dad",
    "son",
    "daughter",
    "child",
    "baby",
    "infant",
    "toddler",
    "boy",
    "girl",
    "brother",
    "sister",
    "sibling",
    "grandmother",
    "grandfather",
    "grandma",
    "grandpa",
    "grandson",
    "granddaughter",
    "nan",
    "nanna",
    "carer",
    "parent",
    "partner",
    "husband",
    "wife",
    "boyfriend",
    "girlfriend",
    "stepfather",
    "stepmother",
    "stepdad",
    "stepmum",
    "nephew",
    "niece",
    "cousin",
    "teenager",
    "teen",
    "student",
    "young person",
    "youth",
    "victim",
    "perpetrator",
    "guardian",
)
PEOPLE_NAME = re.compile(
    r"(?<![\w])(?:"
    + "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in _PEOPLE)
    + r"|aunt|aunty|auntie|uncle)s?"
    + rf"(?:,|[ \t]+(?:named|called|is|was))?[ \t]{{1,3}}({_NAME})"
)
# Capitalised words that are not surnames: organisations, practice areas, places, roles,
# days, months and the words that open sentences.
NOT_NAMES = word_set(
    """
    A About Act Acts After Agency Agencies Aged Aid Alliance All Also An And Anglicare Any
    April Are Army As Assessment Association At August Aunty Australia Australian Authority
    Baptist Be Because Before Between Board Both But By Can Care Carer Carers Centacare
    Central Centre Center Child Children Church Clinic Coalition College Commission
    Commissioner Committee Communities Community Controlled Coordinator Could Council
    Country Court Cross Crisis Day December Department Did Disability Do Does During Each
    East Eastern Easter Education Elder Elders English Every Families Family February
    Financial First Forum Forums For Foster Foundation Framework Friday From Funding
    Government Guidance Had Has Have He Health Helpline Her Here His Hospital Housing How
    However If In Intake Is Islander It Its January July June Justice Kids Kindy
    Kindergarten Kinship Last Law Lead Leader Leadership Legal Line Mental March May
    Meeting Men Mens Metro Metropolitan Might Mission Monday Month Most Must My Network New
    Next No North Northern Not November Now October Of Office Officer On Once One Or Our
    Parent Parents Plan Police Policy Practice Practitioner Practitioners Program Programme
    Project Protection Queensland Red Region Regional Remote Report Review Rural Safety
    Salvation Saturday School Senior September Service Services She Should Since So Some
    South Southern State Statewide Strait Strategic Street Sunday Support Team Term That
    The Their Them Then There These They This Those Thursday To Torres Tuesday Uniting
    Unit University Until Violence Was We Wednesday Week Welcome Well Were West Western
    What When Where Which While Who Why Will With Without Women Womens Worker Workers Would
    Year Yes You Young Youth
    Abuse Advocacy Advocate Allowance Benefit Case Conference Dental Early Emergency Harm
    Hub Medical Neglect Payment Payments Protective Response Rights Risk Safe Trauma
    Welfare Wellbeing Visitor Visitors Guardian Ombudsman Tribunal Registry Magistrates
    Supreme District Federal Circuit Centrelink Medicare Services Australia Homelessness
    Refuge Shelter Outreach Intensive Family-Support Education-Support Act Bill Regulation
    """
)
NOT_NAME_ENDINGS = ("tion", "sion", "ment", "ship", "ness", "ity", "ism", "ance", "ence")


def _only_spaces(text: str, start: int, end: int) -> bool:
    return 0 < end - start <= 3 and not text[start:end].strip(" \t")


def _surname_like(word: str) -> bool:
    return word not in NOT_NAMES and not word.endswith(NOT_NAME_ENDINGS)


# --- Detectors -----------------------------------------------------------------------------

Span = tuple[int, int, str | None]


def _medicare_valid(digits: str) -> bool:
    weights = (1, 3, 7, 9, 1, 3, 7, 9)
    return sum(int(d) * w for d, w in zip(digits[:8], weights, strict=True)) % 10 == int(digits[8])


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _allowed_numbers() -> frozenset[str]:
    configured = getattr(settings, "PRIVACY_ALLOWED_NUMBERS", DEFAULT_ALLOWED_NUMBERS)
    return frozenset(re.sub(r"\D", "", number) for number in configured)


def _emails(text: str) -> Iterator[Span]:
    for match in EMAIL.finditer(text):
        yield match.start(), match.end(), gettext_noop("an email address")
    for match in OBFUSCATED_EMAIL.finditer(text):
        yield match.start(), match.end(), gettext_noop("an email address")


def _dates(text: str) -> Iterator[Span]:
    for match in BIRTH_DATE.finditer(text):
        yield match.start(), match.end(), gettext_noop("a date of birth")
    for pattern in (NUMERIC_DATE, ISO_DATE, WRITTEN_DATE):
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 40) : match.start()]
            ordinary = POLICY_DATE_CONTEXT.search(before) or not _real_date(match.group())
            kind = None if ordinary else gettext_noop("a date that could be a date of birth")
            yield match.start(), match.end(), kind


def _real_date(text: str) -> bool:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(numbers) < 3:
        return True
    if numbers[0] > 31:
        year, first, second = numbers[0], numbers[1], numbers[2]
        return 1 <= first <= 12 and 1 <= second <= 31 and year >= 1900
    first, second = numbers[0], numbers[1]
    return 1 <= first <= 31 and 1 <= second <= 31 and min(first, second) <= 12


def _numbers(text: str) -> Iterator[Span]:
    allowed = _allowed_numbers()
    for match in SPELLED_NUMBER.finditer(text):
        tokens = re.findall(_DIGIT_TOKEN, match.group(), re.IGNORECASE)
        if all(t.isdigit() for t in tokens):
            continue
        digits = "".join(_DIGIT_WORDS.get(t.lower(), t) for t in tokens)
        if digits in allowed:
            yield match.start(), match.end(), None
        elif PHONE_SHAPES.fullmatch(digits):
            yield match.start(), match.end(), gettext_noop("a phone number")
    for match in NUMBER_RUN.finditer(text):
        if match.end() - match.start() >= 3:
            yield from _classify_run(text, match, allowed)


# How many digits a phone number, or a public number, can have.
NUMBER_LENGTHS = (3, 6, 8, 10, 11, 12)


def _classify_run(text: str, run: re.Match, allowed: frozenset[str]) -> Iterator[Span]:
    """Phone numbers in a run of digit groups first, then what the other groups add up to."""
    if (run.start() > 0 and text[run.start() - 1] == "$") or MONEY_AFTER.match(text, run.end()):
        yield run.start(), run.end(), None
        return
    matches = list(DIGIT_GROUP.finditer(text, run.start(), run.end()))
    groups = [m.group() for m in matches]
    offsets = list(accumulate(map(len, groups), initial=0))
    group_ending_at = {offset: index - 1 for index, offset in enumerate(offsets)}
    digits = "".join(groups)
    claimed = bytearray(len(groups))
    index = 0
    while index < len(groups):
        found = _number_at(digits, offsets[index], group_ending_at, groups, index, allowed)
        if found is None:
            index += 1
            continue
        last, kind = found
        start = run.start() if index == 0 else matches[index].start()
        yield start, matches[last].end(), kind
        claimed[index : last + 1] = b"\x01" * (last + 1 - index)
        index = last + 1
    segment: list[re.Match] = []
    for match, used in zip([*matches, None], [*claimed, 1], strict=True):
        if not used and match is not None:
            segment.append(match)
        elif segment:
            yield from _classify_segment(text, segment)
            segment = []


def _number_at(digits, start, group_ending_at, groups, index, allowed):
    """(last group, kind) of a phone or public number starting at groups[index], or None."""
    if digits[start] not in "016" and len(groups) != 2:
        return None
    for length in NUMBER_LENGTHS:
        last = group_ending_at.get(start + length)
        if last is None or last < index:
            continue
        candidate = digits[start : start + length]
        if candidate in allowed:
            return last, None
        if length == 6 and candidate.startswith("13"):
            # 13 numbers as they are written: 13 14 78, 131 478, 131478.
            lengths = tuple(len(g) for g in groups[index : last + 1])
            phone = lengths in ((2, 2, 2), (3, 3), (6,))
        elif length == 8:
            # A landline without its area code, written alone: 8123 4567 (not 2019 2020).
            phone = (
                len(groups) == 2
                and candidate[0] in "2345789"
                and tuple(len(g) for g in groups) == (4, 4)
                and not all(YEAR.fullmatch(g) for g in groups)
            )
        elif length >= 10:
            phone = PHONE_SHAPES.fullmatch(candidate) is not None
        else:
            phone = False
        if phone:
            return last, gettext_noop("a phone number")
    return None


def _classify_segment(text: str, segment: list[re.Match]) -> Iterator[Span]:
    start, end = segment[0].start(), segment[-1].end()
    groups = [m.group() for m in segment]
    digits = "".join(groups)
    if all(YEAR.fullmatch(g) or (len(g) == 2 and i > 0) for i, g in enumerate(groups)):
        return
    following = text[end : end + 2]
    if len(digits) == 9 and following[:1].isalpha() and not following[1:2].isalnum():
        yield start, end + 1, gettext_noop("a Centrelink reference number")
    elif len(digits) in (10, 11) and digits[0] in "23456" and _medicare_valid(digits):
        yield start, end, gettext_noop("a Medicare card number")
    elif 13 <= len(digits) <= 19 and _luhn_valid(digits):
        yield start, end, gettext_noop("a card number")
    elif len(digits) >= 8 and (max(map(len, groups)) >= 3 or all(len(g) == 1 for g in groups)):
        # Pairs of digits are times and decimals ("10.00 - 12.30"); digits typed one by
        # one are a number spelled out to slip past the guard.
        yield start, end, gettext_noop("an ID number")


def _addresses(text: str) -> Iterator[Span]:
    for pattern in (POSTAL_ADDRESS, STREET_ADDRESS, STREET_ADDRESS_LOWER):
        for match in pattern.finditer(text):
            kind = (
                gettext_noop("a postal address")
                if pattern is POSTAL_ADDRESS
                else gettext_noop("a street address")
            )
            yield match.start(), match.end(), kind


def _names(text: str) -> Iterator[Span]:
    kind = gettext_noop("a person's name")
    for pattern in (TITLED_NAME, PEOPLE_NAME, INITIAL_NAME):
        for match in pattern.finditer(text):
            if _surname_like(match.group(1)):
                yield match.start(), match.end(), kind
    words = CAPITALISED_WORD.finditer(text)
    word = next(words, None)
    while word is not None:
        following = next(words, None)
        name = word.group()
        if name in GIVEN_NAMES and name not in AMBIGUOUS_GIVEN_NAMES:
            if (
                following is not None
                and _only_spaces(text, word.end(), following.start())
                and _surname_like(following.group())
            ):
                yield word.start(), following.end(), kind
            elif name not in PLACE_GIVEN_NAMES or text.startswith(("'s", "s'"), word.end()):
                yield word.start(), word.end(), kind
        word = following


DETECTORS = (_emails, _dates, _numbers, _addresses, _names)


class _Taken:
    """Non-overlapping spans, kept sorted; the first detector to claim a span wins."""

    def __init__(self):
        self.starts: list[int] = []
        self.ends: list[int] = []

    def claim(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self.starts, start)
        if index > 0 and self.ends[index - 1] > start:
            return False
        if index < len(self.starts) and self.starts[index] < end:
            return False
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        return True


def _finding(original: str, origin: list[int] | None, newlines: list[int], span: Span) -> Finding:
    """The finding in the person's own text: the characters they typed, on their line."""
    start, end, kind = span
    if origin is not None:
        start, end = origin[start], origin[end - 1] + 1
    snippet = original[start:end]
    start += len(snippet) - len(snippet.lstrip())
    return Finding(kind=kind, text=snippet.strip(), line=bisect.bisect_left(newlines, start) + 1)


def find_identifying_details(text: str) -> list[Finding]:
    """Everything in text that looks like identifying client information, in reading order."""
    if not text:
        return []
    if len(text) > SCAN_LIMIT:
        return [
            Finding(
                gettext_noop("more text than the guard can check"),
                gettext("%(count)s characters") % {"count": f"{len(text):,}"},
                1,
            )
        ]
    normal, origin = normalise(text)
    taken = _Taken()
    found: list[Span] = []
    for detector in DETECTORS:
        for start, end, kind in detector(normal):
            if end > start and taken.claim(start, end) and kind is not None:
                found.append((start, end, kind))
    newlines = [match.start() for match in NEWLINE.finditer(text)]
    return [_finding(text, origin, newlines, span) for span in sorted(found)]
