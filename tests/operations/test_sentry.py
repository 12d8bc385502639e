"""Errors reach a Sentry-compatible server, and nothing identifying goes with them.

The server here is a real HTTP endpoint on loopback that takes the SDK's envelopes, so the
test sees exactly what would leave the portal."""

import datetime as dt
import gzip
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
import time_machine
from celery import shared_task
from django.test import Client
from django.urls import path

from cop_portal.urls import urlpatterns as portal_urlpatterns
from operations.sentry import before_send, init_sentry, scrub_text

IDENTIFYING = "Call the carer on 0412 345 678 or write to jo.smith@gmail.com"


def _failing_view(request):
    raise RuntimeError(IDENTIFYING)


urlpatterns = [
    path("failing/", _failing_view),
    # A calendar feed's address, whose token lets anyone holding it read the feed.
    path("forums/feed/<str:token>.ics", _failing_view),
    *portal_urlpatterns,
]


@shared_task(name="tests.operations.fail_with_details")
def fail_with_details() -> None:
    raise ValueError(IDENTIFYING)


class _Collector(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "br":
            import brotli

            body = brotli.decompress(body)
        elif encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.server.envelopes.append(body.decode())
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    init_sentry(
        dsn=f"http://public@127.0.0.1:{server.server_port}/1",
        environment="test",
        release="test-release",
        traces_sample_rate=0.0,
    )
    yield server
    sentry_sdk.flush()
    sentry_sdk.init()  # no DSN: nothing is sent by the tests that follow
    server.shutdown()
    server.server_close()


def received_events(server) -> list[dict]:
    sentry_sdk.flush(timeout=5)
    events = []
    for envelope in server.envelopes:
        lines = envelope.splitlines()
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


def test_view_error_is_captured_with_client_details_removed(sentry_server, member, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(member)

    response = client.get("/failing/", {"phone": "0412 345 678"})

    assert response.status_code == 500
    [event] = received_events(sentry_server)
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == (
        "Call the carer on [removed: a phone number] or write to [removed: an email address]"
    )
    sent = json.dumps(event)
    assert "0412 345 678" not in sent
    assert "jo.smith@gmail.com" not in sent
    assert member.email not in sent
    assert "user" not in event
    assert "cookie" not in {name.lower() for name in event["request"].get("headers", {})}
    assert event["environment"] == "test"


def test_an_error_at_an_address_holding_a_secret_is_sent_without_the_secret(
    sentry_server, settings
):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)

    response = client.get("/forums/feed/s3cretToken.ics")

    assert response.status_code == 500
    [event] = received_events(sentry_server)
    sent = json.dumps(event)
    assert "/forums/feed/[token].ics" in sent
    assert "s3cret" not in sent


def test_an_event_keeps_its_own_times_ids_and_runtime(sentry_server, member, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(member)

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 41, 27, 123456, tzinfo=dt.UTC), tick=False):
        client.get("/failing/")

    [event] = received_events(sentry_server)
    assert event["timestamp"].startswith("2026-03-02T09:41:27.123456")
    assert len(event["event_id"]) == 32
    assert "[removed" not in json.dumps(event["contexts"]["runtime"])
    assert event["release"] == "test-release"
    assert "[removed: a phone number]" in event["exception"]["values"][0]["value"]


def test_task_error_is_captured_with_client_details_removed(sentry_server):
    result = fail_with_details.apply(throw=False)

    assert result.failed()
    [event] = received_events(sentry_server)
    [exception] = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert "0412 345 678" not in json.dumps(event)
    assert "[removed: a phone number]" in exception["value"]


def test_scrub_text_without_client_details_is_unchanged():
    assert scrub_text("Referral 42 could not be placed") == "Referral 42 could not be placed"


def test_a_time_or_id_named_anywhere_else_in_an_event_is_scrubbed():
    event = {
        "timestamp": "2026-03-02T09:41:27.123456Z",
        "extra": {"timestamp": "0412 345 678", "level": "jo.smith@gmail.com"},
        "breadcrumbs": {
            "values": [
                {
                    "timestamp": "2026-03-02T09:41:27.123456Z",
                    "message": "Called 0412 345 678",
                    "data": {"span_id": "0412 345 678"},
                }
            ]
        },
    }

    scrubbed = before_send(event, {})

    assert scrubbed["timestamp"] == "2026-03-02T09:41:27.123456Z"
    assert scrubbed["extra"] == {
        "timestamp": "[removed: a phone number]",
        "level": "[removed: an email address]",
    }
    [crumb] = scrubbed["breadcrumbs"]["values"]
    assert crumb["timestamp"] == "2026-03-02T09:41:27.123456Z"
    assert crumb["message"] == "Called [removed: a phone number]"
    assert crumb["data"] == {"span_id": "[removed: a phone number]"}
