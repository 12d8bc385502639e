"""Limits and shapes of the text people type, in one place for every form and service."""

import re

# Titles of issues, meetings, agenda items, actions and resources; names and places.
TITLE_MAX_LENGTH = 200
# Comments, notes, reasons, decisions and other answers of a paragraph or two.
TEXT_MAX_LENGTH = 10_000
# An issue's description and the minutes of an agenda item.
LONG_TEXT_MAX_LENGTH = 20_000
# A search box.
SEARCH_MAX_LENGTH = 200

# Line and paragraph breaks, tabs and other control characters (C0, DEL, C1) and the
# Unicode line and paragraph separators: none belongs in a one-line value.
NOT_ON_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
WHITESPACE = re.compile(r"\s+")


def one_line(value: str) -> str:
    """The text on one line: breaks and control characters become spaces, runs of space one."""
    return WHITESPACE.sub(" ", NOT_ON_ONE_LINE.sub(" ", value)).strip()
