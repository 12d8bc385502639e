from urllib.parse import unquote, unquote_plus, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from .text import LONG_TEXT_MAX_LENGTH

# A message lists this many findings and counts the rest.
FINDINGS_SHOWN = 10


def describe_findings(findings) -> str:
    """What the guard found and where, in one sentence part: the first few, then a count."""
    shown = "; ".join(f.describe() for f in findings[:FINDINGS_SHOWN])
    rest = len(findings) - FINDINGS_SHOWN
    if rest > 0:
        return gettext("%(shown)s; and %(rest)s more") % {"shown": shown, "rest": rest}
    return shown


# The guard's description of a personal name (feedback/privacy.py).
NAME_FINDING = "a person's name"


def no_identifying_details(value: str, *, names_allowed: bool = False) -> None:
    """Refuse text that looks like identifying client information, saying what and where.

    The guard itself is named by settings.PRIVACY_GUARD, so every app uses the one guard
    without importing the app that owns it."""
    if len(value or "") > LONG_TEXT_MAX_LENGTH:
        # No field takes this much: its length limit refuses it, without the wait for a scan.
        return
    findings = import_string(settings.PRIVACY_GUARD)(value or "")
    if names_allowed:
        findings = [finding for finding in findings if finding.kind != NAME_FINDING]
    if findings:
        raise ValidationError(
            gettext(
                "This looks like identifying client information: %(findings)s. "
                "Remove it: the portal records practice, never details of a client."
            )
            % {"findings": describe_findings(findings)},
            code="identifying_details",
        )


def no_contact_details(value: str) -> None:
    """The privacy guard for a field that names a member or guest on purpose (a presenter):
    their name may stand, but no email, phone number, address or other identifying detail."""
    no_identifying_details(value, names_allowed=True)


def link_text(url: str) -> str:
    """The parts of a link that carry what someone typed or copied, decoded, for the privacy
    guard: its query string and fragment. Its path is left out, where document ids would
    read as ID numbers."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        # Not a link anyone could follow: all of it is read.
        return url
    query = " ".join(unquote_plus(pair) for pair in parts.query.split("&"))
    return " ".join(part for part in (query, unquote(parts.fragment)) if part.strip())


def no_identifying_details_in_link(url: str) -> None:
    """The privacy guard for a link: what was typed or copied after its address (its query
    and fragment) may be about a client."""
    no_identifying_details(link_text(url))
