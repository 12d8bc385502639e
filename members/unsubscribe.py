"""Signed one-click unsubscribe links: whoever holds the link may stop those emails, and
nobody can make a link for someone else's address or another kind of notice."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .choices import NotificationKind

# A token signed for unsubscribing is worthless anywhere else the secret key signs things.
SALT = "members.unsubscribe"
EVERY_KIND = "all"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    # None: every kind.
    kind: str | None


def unsubscribe_token(user_id: int, kind: str | None) -> str:
    return signing.dumps({"u": user_id, "k": kind or EVERY_KIND}, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> Unsubscribe:
    """What a token asks to stop; raises signing.BadSignature for anything not made here."""
    payload = signing.loads(token, salt=SALT)
    try:
        user_id, kind = int(payload["u"]), payload["k"]
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("Not an unsubscribe token.") from exc
    if kind == EVERY_KIND:
        return Unsubscribe(user_id=user_id, kind=None)
    if kind not in NotificationKind.values:
        raise signing.BadSignature("Not a kind of notification.")
    return Unsubscribe(user_id=user_id, kind=kind)


def unsubscribe_url(user_id: int, kind: str | None) -> str:
    """The absolute one-click link that goes in an email and its List-Unsubscribe header."""
    path = reverse(
        "members:notification-unsubscribe", kwargs={"token": unsubscribe_token(user_id, kind)}
    )
    return f"{settings.PORTAL_BASE_URL}{path}"
