import importlib
from urllib.parse import urlencode

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import override_settings
from django.urls import clear_url_caches, reverse

import cop_portal.urls
from tests.factories.members import UserFactory
from tests.members.test_accounts import totp_code


@pytest.fixture
def administrator(db):
    return UserFactory(is_superuser=True, is_staff=True)


def _reload_urls() -> None:
    importlib.reload(cop_portal.urls)
    clear_url_caches()


@pytest.fixture
def admin_moved_to_backstage():
    with override_settings(ADMIN_URL="backstage/"):
        _reload_urls()
        yield
    _reload_urls()


@pytest.mark.django_db
@pytest.mark.usefixtures("admin_moved_to_backstage")
def test_admin_url_setting_moves_the_admin(client, administrator):
    client.force_login(administrator)

    assert reverse("admin:index") == "/backstage/"
    assert client.get("/backstage/").status_code == 200
    assert client.get("/admin/").status_code == 404


@pytest.mark.django_db
def test_admin_for_anonymous_visitor_sends_to_portal_sign_in(client):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1] == (
        f"{reverse('account_login')}?{urlencode({'next': '/admin/'})}",
        302,
    )
    assert response.status_code == 200
    assert response.templates[0].name == "account/login.html"


@pytest.mark.parametrize("with_totp", [False, True])
def test_admin_login_post_with_right_password_gives_no_session(
    client, administrator, password, with_totp
):
    if with_totp:
        TOTP.activate(administrator, generate_totp_secret())

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": administrator.email, "password": password, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_admin_login_with_totp_needs_the_code_before_the_admin_opens(
    client, administrator, password
):
    secret = generate_totp_secret()
    TOTP.activate(administrator, secret)
    client.post(
        reverse("account_login"),
        {"login": administrator.email, "password": password, "next": "/admin/"},
    )
    assert client.get("/admin/").status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_for_signed_in_member_without_staff_is_forbidden(member_client):
    response = member_client.get("/admin/login/")

    assert response.status_code == 403
