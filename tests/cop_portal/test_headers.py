"""Headers every response carries: Permissions-Policy, and no-store for signed-in pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from cop_portal.middleware import PERMISSIONS_POLICY, SecurityHeadersMiddleware
from tests.factories.forums import CalendarFeedFactory
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db


def test_permissions_policy_denies_devices_and_allows_own_passkeys():
    features = dict(part.split("=") for part in PERMISSIONS_POLICY.split(", "))

    assert features["camera"] == "()"
    assert features["microphone"] == "()"
    assert features["geolocation"] == "()"
    assert features["payment"] == "()"
    assert features["usb"] == "()"
    assert features["publickey-credentials-get"] == "(self)"
    assert features["publickey-credentials-create"] == "(self)"


def test_anonymous_page_has_permissions_policy_and_no_cache_control(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "Cache-Control" not in response


def test_sign_up_page_keeps_its_own_never_cache(client):
    response = client.get(reverse("account_signup"))

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_signed_in_page_is_no_store(member_client):
    response = member_client.get(reverse("forums:forum-list"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_signed_in_not_found_is_no_store(member_client):
    response = member_client.get(reverse("feedback:issue-detail", args=[999999]))

    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"


def test_calendar_feed_by_token_is_left_to_its_own_caching(client):
    feed = CalendarFeedFactory()

    response = client.get(reverse("forums:calendar-feed", args=[feed.token]))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_middleware_keeps_a_view_own_cache_control_for_signed_in_person():
    request = RequestFactory().get("/")
    request.user = UserFactory()
    middleware = SecurityHeadersMiddleware(
        lambda request: HttpResponse(headers={"Cache-Control": "private, max-age=300"})
    )

    response = middleware(request)

    assert response["Cache-Control"] == "private, max-age=300"


def test_middleware_keeps_a_view_own_permissions_policy():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    middleware = SecurityHeadersMiddleware(
        lambda request: HttpResponse(headers={"Permissions-Policy": "fullscreen=(self)"})
    )

    response = middleware(request)

    assert response["Permissions-Policy"] == "fullscreen=(self)"
    assert "Cache-Control" not in response


def test_middleware_without_user_on_request_sets_only_permissions_policy():
    request = RequestFactory().get("/static/css/portal.css")
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse())

    response = middleware(request)

    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "Cache-Control" not in response
