"""Every word a person reads is marked for translation, and Australian English is the one
language shipped."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.test import Client
from django.urls import reverse
from django.utils import translation

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Text a reader sees: letters left once tags, comments and entities are taken out.
TAG = re.compile(r"<[^>]*>|<!--.*?-->|&[a-z]+;|&#\d+;", re.S)
WORDS = re.compile(r"[A-Za-z]{2,}")
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)
# Blocks whose text is marked as a whole, or is not for reading.
OPENERS = {"blocktranslate", "blocktrans", "comment", "verbatim"}
CLOSERS = {"endblocktranslate", "endblocktrans", "endcomment", "endverbatim"}
# Files that are not pages: plain-text e-mails are marked too; these are data, not words.
NOT_TEXT = {"insights/_chart.svg"}


def untranslated_text(path: Path) -> list[str]:
    """Words in a template that sit outside {% translate %} and {% blocktranslate %}.

    Template tags and variables become a placeholder first, so an HTML tag that holds one
    (<a href="{{ url }}">) is still taken out whole."""
    depth = 0
    parts = []
    for token in Lexer(path.read_text()).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in OPENERS:
                depth += 1
            elif name in CLOSERS:
                depth -= 1
            parts.append(" \u00a7 ")
        elif token.token_type == TokenType.TEXT and not depth:
            parts.append(token.contents)
        else:
            parts.append(" \u00a7 ")
    flat = SCRIPT_OR_STYLE.sub(" ", "".join(parts))
    found = []
    for line in TAG.sub(" ", flat).splitlines():
        words = WORDS.findall(line)
        if words:
            found.append(" ".join(words)[:80])
    return found


def page_templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*")
        if path.suffix in {".html", ".txt"} and str(path.relative_to(TEMPLATES)) not in NOT_TEXT
    )


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_text_is_marked_for_translation(path):
    assert untranslated_text(path) == []


@pytest.mark.django_db
def test_pages_are_served_in_australian_english(client: Client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert response["Content-Language"] == "en-au"
    assert '<html lang="en-AU">' in response.content.decode()


CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en_AU" / "LC_MESSAGES"


def test_shipped_catalogue_holds_strings_from_templates_and_code():
    # `make messages` writes it from every marked string; it is committed with them.
    catalogue = (CATALOGUE / "django.po").read_text()

    assert 'msgid "Raise a practice issue"' in catalogue  # a template
    assert 'msgid "The Strategic Leadership Forum has responded"' in catalogue  # a notification
    assert 'msgid "Enter the name other members should see."' in catalogue  # a form


def _texts(catalogue) -> dict:
    """A catalogue's entries as {(msgctxt, msgid, msgid_plural): translations}."""
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural): (
            dict(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        )
        for entry in catalogue
        if not entry.obsolete
    }


def test_each_text_is_its_own_translation_in_the_compiled_catalogue():
    # A text missing from the compiled catalogue is looked for in every other English
    # catalogue before it falls back to itself; holding each text as its own translation
    # finds it at once. `make messages` writes both files.
    source = polib.pofile(str(CATALOGUE / "django.po"))
    compiled = polib.mofile(str(CATALOGUE / "django.mo"))

    assert not [entry.msgid for entry in source if entry.fuzzy]
    texts = _texts(source)
    assert texts == _texts(compiled), "django.mo is older than django.po: run `make messages`"
    for (_context, msgid, plural), translated in texts.items():
        assert translated == ({0: msgid, 1: plural} if plural else msgid)


def test_the_portal_reads_its_own_texts_first():
    with translation.override("en-au"):
        catalogues = translation.trans_real.translation("en-au")._catalog._catalogs
        assert catalogues[0].get("Raise a practice issue") == "Raise a practice issue"
        assert translation.gettext("Raise a practice issue") == "Raise a practice issue"
