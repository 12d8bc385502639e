"""Errors reach the team through Sentry (or GlitchTip), with nothing identifying in them.

Request bodies, cookies, local variables and user details are never sent, and every string
left in an event goes through the privacy guard, which blanks what looks like client details
and email addresses, and loses the secret an address may carry (a calendar feed's token, say)
as the logs do.
"""

import logging
from typing import Any

from .logs import without_secrets

REDACTED = "[removed: {kind}]"

# What the SDK writes of itself, never of a person: times and ids whose digits the guard would
# take for a phone or ID number, and the machine's description. Scrubbing them would leave
# an event the server cannot place in time or read. Only these places are left as they are:
# the same names elsewhere (inside `extra`, say) are scrubbed like any other text.
EVENT_KEYS = frozenset(
    {
        "timestamp",
        "start_timestamp",
        "event_id",
        "release",
        "environment",
        "platform",
        "level",
        "sdk",
        "modules",
    }
)
CONTEXTS_KEPT = frozenset({"runtime", "os", "device", "trace"})
# Of each breadcrumb and span.
ENTRY_KEYS = frozenset(
    {
        "timestamp",
        "start_timestamp",
        "trace_id",
        "span_id",
        "parent_span_id",
        "type",
        "category",
        "level",
        "op",
        "status",
    }
)


def scrub_text(text: str) -> str:
    from feedback.privacy import find_identifying_details

    text = without_secrets(text)
    findings = find_identifying_details(text)
    if not findings:
        return text
    if len(findings) == 1 and findings[0].kind == "more text than the guard can check":
        return REDACTED.format(kind="text too long to check")
    for finding in findings:
        text = text.replace(finding.text, REDACTED.format(kind=finding.kind))
    return text


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(item) for item in value)
    return value


def _scrub_entry(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return scrub(entry)
    return {key: item if key in ENTRY_KEYS else scrub(item) for key, item in entry.items()}


def scrub_event(event: dict) -> dict:
    """Every string of the event through the guard, but the SDK's own times, ids and
    description of the machine."""
    scrubbed = {}
    for key, item in event.items():
        if key in EVENT_KEYS:
            scrubbed[key] = item
        elif key == "contexts" and isinstance(item, dict):
            scrubbed[key] = {
                name: value if name in CONTEXTS_KEPT else scrub(value)
                for name, value in item.items()
            }
        elif key == "breadcrumbs" and isinstance(item, dict):
            scrubbed[key] = {
                **scrub({name: value for name, value in item.items() if name != "values"}),
                "values": [_scrub_entry(crumb) for crumb in item.get("values") or []],
            }
        elif key == "spans" and isinstance(item, list):
            scrubbed[key] = [_scrub_entry(span) for span in item]
        else:
            scrubbed[key] = scrub(item)
    return scrubbed


def before_send(event: dict, hint: dict) -> dict:
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for private in ("data", "cookies", "env"):
            request.pop(private, None)
        headers = request.get("headers") or {}
        request["headers"] = {
            name: value
            for name, value in headers.items()
            if name.lower() not in {"cookie", "authorization", "x-csrftoken"}
        }
    return scrub_event(event)


def before_breadcrumb(crumb: dict, hint: dict) -> dict:
    return _scrub_entry(crumb)


def init_sentry(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float
) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        # What integrations collect, stricter than send_default_pii=False (which it supersedes
        # in this SDK): no user details, cookies, bodies, query strings or local variables.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=before_breadcrumb,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
    )
