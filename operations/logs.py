"""Every log line of a request names the request and the member, never their email, and
never a secret or a search its address carries.

A request id comes from the proxy's X-Request-ID header when it looks like one (so the line
can be matched to the load balancer's log), or is made here; it is sent back in the response.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.utils.functional import empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
NO_VALUE = "-"
_TRUSTWORTHY_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

request_id: ContextVar[str] = ContextVar("request_id", default=NO_VALUE)
user_id: ContextVar[str] = ContextVar("user_id", default=NO_VALUE)


# Each address with a secret in it, and what is logged in its place; found alone or inside a
# longer text ("Not Found: /forums/feed/….ics").
_ADDRESS_ENDS = r"(?=[?#\s\"']|$)"
SECRET_PATHS = (
    (re.compile(r"(/forums/feed/)[^/?#\s]+(\.ics)" + _ADDRESS_ENDS), r"\1[token]\2"),
    (re.compile(r"(/accounts/password/reset/key/)[^/?#\s]+(/)" + _ADDRESS_ENDS), r"\1[key]\2"),
    (re.compile(r"(/accounts/confirm-email/)[^/?#\s]+(/)" + _ADDRESS_ENDS), r"\1[key]\2"),
    (re.compile(r"(/notifications/unsubscribe/)[^/?#\s]+(/)" + _ADDRESS_ENDS), r"\1[token]\2"),
)


def without_secrets(text: str) -> str:
    """A path, or any text naming one, as the logs keep it."""
    for pattern, replacement in SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


# An address's query string (what was searched for) in a line of a log.
_QUERY = re.compile(r"(/[^\s?#]*)\?[^\s#]+")


def kept_in_logs(text: str) -> str:
    """A path, an address or any text naming one, as the logs keep it: without the secret a
    path may carry, and with a query string (what was searched for) left out."""
    return _QUERY.sub(r"\1?[query]", without_secrets(text))


class SecretsFilter(logging.Filter):
    """Keeps out of a record what the logs leave out of an address: in its message, drawn
    with its arguments ("Not Found: %s", gunicorn's "Error handling request %s"), the secret
    a path carries and any query string; in the path a security event names, the same."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # Drawn as logging draws a broken record, which says so.
            return True
        kept = kept_in_logs(message)
        if kept != message:
            record.msg, record.args = kept, None
        path = getattr(record, "path", None)
        if isinstance(path, str):
            record.path = kept_in_logs(path)
        return True


def incoming_request_id(header_value: str | None) -> str:
    if header_value and _TRUSTWORTHY_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestContextFilter(logging.Filter):
    """Adds request_id and user_id to every record that does not name its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a failed request's status after the middleware has finished, with the
        # request on the record.
        request = getattr(record, "request", None)
        if not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", None) or request_id.get()
        if not hasattr(record, "user_id"):
            record.user_id = _signed_in_id(request) or user_id.get()
        return True


def _signed_in_id(request) -> str | None:
    user = getattr(request, "user", None)
    # Only a member already loaded: logging must never query the database.
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return str(user.pk) if user.is_authenticated else None


def task_context(task_id: str | None) -> None:
    """In a worker, a task's lines carry the task's id as their request id."""
    request_id.set(task_id or NO_VALUE)
    user_id.set(NO_VALUE)


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line; Django's request object on a record is left out (its id is in)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        super().__init__(*args, **kwargs)
