"""Error pages look like the portal, keep its navigation, and say what to do next."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path, reverse

from cop_portal.urls import urlpatterns as portal_urlpatterns
from tests.factories.forums import ForumFactory

BASE_DIR = Path(__file__).resolve().parents[2]


def _broken_view(request):
    raise RuntimeError("The database went away")


urlpatterns = [path("broken/", _broken_view), *portal_urlpatterns]

pytestmark = pytest.mark.django_db


def test_not_found_page_keeps_navigation_and_points_home(member_client):
    response = member_client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert 'aria-label="Main"' in page
    assert "Sign out" in page
    assert f'href="{reverse("feedback:issue-list")}"' in page


def test_forbidden_page_says_why_and_what_to_do(member_client):
    forum = ForumFactory()

    response = member_client.get(reverse("forums:forum-members", args=[forum.slug]))

    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>This page is not open to you</h1>" in page
    assert "ask your forum's facilitator or an administrator" in page
    assert "Sign out" in page


def test_expired_form_gets_the_portals_csrf_page(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("members:profile-edit"), {"display_name": "Kept"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>The form could not be sent</h1>" in page
    assert "Sign out" in page


def test_server_error_page_is_the_portals_own(member, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(member)

    response = client.get("/broken/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in page
    assert "The database went away" not in page


def test_child_safety_signpost_is_in_the_footer_and_on_the_issue_form(member_client, settings):
    settings.CHILD_SAFETY_URL = "https://example.gov.au/report-a-child-at-risk"
    settings.CHILD_SAFETY_PHONE = "1800 000 111"

    home = member_client.get(reverse("home")).content.decode()
    form = member_client.get(reverse("feedback:issue-create")).content.decode()

    for page in (home, form):
        assert "This portal is not for reporting a child at risk" in page
        assert 'href="https://example.gov.au/report-a-child-at-risk"' in page
        assert 'href="tel:1800000111"' in page
    assert form.count("This portal is not for reporting a child at risk") == 2


def test_make_run_links_point_at_the_port_it_serves(tmp_path):
    # MANAGE stands in for manage.py and prints the base address each step would use.
    result = subprocess.run(
        [shutil.which("make"), "-s", "run", "PORT=8111", "MANAGE=printenv PORTAL_BASE_URL #"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )

    assert result.stdout.split() == ["http://127.0.0.1:8111"] * 3
