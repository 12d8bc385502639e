"""Security events as records of their own, for the department's security monitoring.

Each is one line on the `cop_portal.security` logger whose `event` field names what
happened. A record names people by their account id, never by email or name.
"""

import logging

logger = logging.getLogger("cop_portal.security")

FAILURES = frozenset({"sign_in_failed", "permission_refused"})


def client_ip(request) -> str | None:
    if request is None:
        return None
    # The same address the sign-in rate limits use, so a proxy in front is accounted for.
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:
        # An address that cannot be made out (a forged header, a missing proxy) is not a
        # reason to lose the event.
        return request.META.get("REMOTE_ADDR")


def security_event(kind: str, *, request=None, user=None, **fields) -> None:
    """Write one security event about `user` (by default, whoever is signed in)."""
    if user is None and request is not None:
        signed_in = getattr(request, "user", None)
        user = signed_in if signed_in is not None and signed_in.is_authenticated else None
    record = {
        "event": kind,
        "subject_user_id": str(user.pk) if user is not None and user.pk is not None else None,
        "client_ip": client_ip(request),
        **fields,
    }
    if request is not None:
        record.setdefault("path", request.path)
    level = logging.WARNING if kind in FAILURES else logging.INFO
    logger.log(level, "security event: %s", kind, extra=record)
