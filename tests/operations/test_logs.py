"""Log lines an operator can ship: JSON, one object a line, each naming its request and member."""

import io
import json
import logging

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from operations.logs import RequestContextFilter
from tests.factories.forums import ForumFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The production handler's formatter and filter, writing to a buffer."""
    config = dict(django_settings.LOGGING["formatters"]["json"])
    formatter_class = config.pop("()")
    module, _, name = formatter_class.rpartition(".")
    formatter = getattr(__import__(module, fromlist=[name]), name)(**config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def lines_of(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_request_log_lines_are_json_with_request_id_and_member_id(json_log, member_client, member):
    restricted = ForumFactory()
    json_log.seek(0)
    json_log.truncate()

    response = member_client.get(reverse("forums:forum-members", args=[restricted.slug]))

    assert response.status_code == 403
    lines = lines_of(json_log)
    assert {line["logger"] for line in lines} >= {"cop_portal.security", "django.request"}
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}
    assert {line["user_id"] for line in lines} == {str(member.pk)}
    assert all(line["level"] and line["timestamp"] for line in lines)
    assert member.email not in json_log.getvalue()


def test_request_id_from_the_proxy_is_kept(json_log, member_client):
    json_log.seek(0)
    json_log.truncate()
    response = member_client.get("/no-such-page/", HTTP_X_REQUEST_ID="lb-3f2a9c1d77e0")

    assert response["X-Request-ID"] == "lb-3f2a9c1d77e0"
    [line] = [line for line in lines_of(json_log) if line["logger"] == "django.request"]
    assert line["request_id"] == "lb-3f2a9c1d77e0"
    assert line["message"] == "Not Found: /no-such-page/"


def test_request_id_header_that_is_not_an_id_is_replaced(client):
    response = client.get(reverse("account_login"), HTTP_X_REQUEST_ID="<script>alert(1)</script>")

    assert response["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(response["X-Request-ID"]) == 32


def test_each_request_gets_its_own_id(client):
    first = client.get(reverse("account_login"))
    second = client.get(reverse("account_login"))

    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_line_logged_outside_a_request_has_no_request_id(json_log):
    logging.getLogger("cop_portal.test").warning("Sweep found nothing to send")

    [line] = lines_of(json_log)
    assert line["request_id"] == "-"
    assert line["user_id"] == "-"
    assert line["message"] == "Sweep found nothing to send"
