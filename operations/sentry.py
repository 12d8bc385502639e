"""Errors reach the team through Sentry (or GlitchTip), with nothing identifying in them.

Request bodies, cookies, local variables and user details are never sent, and every string
left in an event goes through the privacy guard, which blanks what looks like client details
and email addresses.
"""

import logging
from typing import Any

REDACTED = "[removed: {kind}]"

# What the SDK writes of itself, never of a person: times and ids whose digits the guard would
# take for a phone or ID number, and the machine's description. Scrubbing them would leave
# an event the server cannot place in time or read.
STRUCTURAL_KEYS = frozenset(
    {
        "timestamp",
        "start_timestamp",
        "event_id",
        "trace_id",
        "span_id",
        "parent_span_id",
        "release",
        "environment",
        "platform",
        "level",
        "sdk",
        "modules",
        "runtime",
        "os",
        "device",
    }
)


def scrub_text(text: str) -> str:
    from feedback.privacy import find_identifying_details

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
        return {key: item if key in STRUCTURAL_KEYS else scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(item) for item in value)
    return value


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
    return scrub(event)


def before_breadcrumb(crumb: dict, hint: dict) -> dict:
    return scrub(crumb)


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
