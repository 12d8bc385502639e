"""The privacy guard: finds text that looks like identifying information about a client.

Practice issues are about practice, never about a person. This is a pure function so the
form (to tell the person exactly what to remove) and the service (as a last line) agree.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    line: int

    def describe(self) -> str:
        return f"{self.kind} “{self.text}” on line {self.line}"


EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = re.compile(
    r"(?<![\w/.-])(?:\+?61[\s.-]?|\(0\d\)\s?|0)(?:\d[\s.-]?){8}\d?(?![\w/-])"
    r"|(?<![\w/.-])1[38]00[\s-]?\d{3}[\s-]?\d{3}(?![\w/-])"
    r"|(?<![\w/.-])13[\s-]?\d{2}[\s-]?\d{2}(?![\w/-])"
)
NUMERIC_DATE = re.compile(r"(?<![\w/.-])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\w/.-])")
MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
BIRTH_DATE = re.compile(
    r"\b(?:born(?:\s+on)?|d\.?o\.?b\.?|date\s+of\s+birth)\s*(?:is\b|was\b|:|-)?\s*"
    rf"(\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS}\s+\d{{4}}|{MONTHS}\s+\d{{1,2}},?\s+\d{{4}}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})",
    re.IGNORECASE,
)
MEDICARE = re.compile(r"(?<!\d)([2-6]\d{3})[\s-]?(\d{5})[\s-]?(\d)(?:[\s-]?(\d))?(?!\d)")
CRN = re.compile(r"(?<![\w])\d{3}[\s-]?\d{3}[\s-]?\d{3}[\s-]?[A-Za-z](?![\w])")
LONG_NUMBER = re.compile(r"(?<![\w])\d(?:[\s-]?\d){7,18}(?![\w])")
STREET_TYPES = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Court|Ct|Drive|Dr|Place|Pl|Lane|Ln|Crescent|Cres|"
    r"Parade|Pde|Terrace|Tce|Way|Boulevard|Blvd|Close|Cl|Highway|Hwy|Grove|Gr|Circuit|Cct)"
)
STREET_ADDRESS = re.compile(
    rf"\b(?:(?:Unit|Flat|Apt)\s*\d+[A-Za-z]?\s*/?\s*)?\d{{1,5}}[A-Za-z]?(?:/\d{{1,5}}[A-Za-z]?)?"
    rf"\s+(?:[A-Z][A-Za-z'-]+\s+){{1,3}}{STREET_TYPES}\b\.?",
)


# "12 smith street": typed without capitals, but with the street type spelled out.
STREET_ADDRESS_LOWER = re.compile(
    r"\b\d{1,5}[a-z]?\s+[a-z][a-z'-]+\s+(?:street|road|avenue|crescent|court|drive|parade|"
    r"terrace|place|lane|highway|boulevard)\b",
    re.IGNORECASE,
)
POSTAL_ADDRESS = re.compile(r"\b(?:P\.?\s?O\.?\s?Box|Locked\s+Bag)\s+\d+", re.IGNORECASE)
# Ordinary practice text: financial years (2024-2025, 2024/25) and ISO dates (2024-01-15).
YEAR_RANGE_OR_ISO_DATE = re.compile(r"^(?:\d{4}\s?[-\u2013/]\s?\d{2,4}|\d{4}-\d{2}-\d{2})$")
# A date right after these words is about policy or timing, not somebody's birthday.
POLICY_DATE_CONTEXT = re.compile(
    r"\b(?:policy|since|effective|from|until|till|by|before|after|commencing|commenced|"
    r"dated|as\s+of|starting|started|ending|ended|due|deadline|review(?:ed)?)\s*:?\s*$",
    re.IGNORECASE,
)


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


def find_identifying_details(text: str) -> list[Finding]:
    """Everything in text that looks like identifying client information, in reading order."""
    if not text:
        return []
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str) -> None:
        if any(start < t_end and end > t_start for t_start, t_end in taken):
            return
        taken.append((start, end))
        found.append((start, end, kind))

    for match in EMAIL.finditer(text):
        add(match.start(), match.end(), "an email address")
    for match in BIRTH_DATE.finditer(text):
        add(match.start(), match.end(), "a date of birth")
    for match in NUMERIC_DATE.finditer(text):
        if not POLICY_DATE_CONTEXT.search(text[max(0, match.start() - 30) : match.start()]):
            add(match.start(), match.end(), "a date that could be a date of birth")
    for match in POSTAL_ADDRESS.finditer(text):
        add(match.start(), match.end(), "a postal address")
    for match in MEDICARE.finditer(text):
        digits = "".join(g for g in match.groups()[:3])
        if _medicare_valid(digits):
            add(match.start(), match.end(), "a Medicare card number")
    for match in CRN.finditer(text):
        add(match.start(), match.end(), "a Centrelink reference number")
    for match in PHONE.finditer(text):
        add(match.start(), match.end(), "a phone number")
    for match in LONG_NUMBER.finditer(text):
        if YEAR_RANGE_OR_ISO_DATE.match(match.group()):
            continue
        digits = re.sub(r"\D", "", match.group())
        kind = "a card number" if len(digits) >= 13 and _luhn_valid(digits) else "an ID number"
        add(match.start(), match.end(), kind)
    for pattern in (STREET_ADDRESS, STREET_ADDRESS_LOWER):
        for match in pattern.finditer(text):
            add(match.start(), match.end(), "a street address")

    return [
        Finding(kind=kind, text=text[start:end].strip(), line=text.count("\n", 0, start) + 1)
        for start, end, kind in sorted(found)
    ]
