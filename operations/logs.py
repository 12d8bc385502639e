"""Every log line of a request names the request and the member, never their email.

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
