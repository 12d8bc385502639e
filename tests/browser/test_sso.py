"""Single sign-on against a real OpenID Connect provider (oidc-provider from npm) that the
tests start on loopback: tests/browser/oidc_provider.mjs."""

import copy
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from playwright.sync_api import expect

from members.models import User
from members.sso import openid_connect_apps, provider_origins
from tests.factories.members import UserFactory

from .conftest import BASE_DIR, _unavailable, axe_violations

pytestmark = pytest.mark.browser

SCRIPT = BASE_DIR / "tests" / "browser" / "oidc_provider.mjs"
PROVIDER_ID = "agency"
CLIENT_ID = "cop-portal"
CLIENT_SECRET = "loopback-client-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_issuer(live_server):
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js not found: install it to run the single sign-on tests.")
    if not (BASE_DIR / "node_modules" / "oidc-provider").exists():
        _unavailable("oidc-provider is missing: run `npm ci`.")
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    redirect_uri = f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/"
    process = subprocess.Popen(
        [node, str(SCRIPT), str(port), CLIENT_ID, CLIENT_SECRET, redirect_uri],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(  # noqa: S310 - our own provider on loopback
                    f"{issuer}/.well-known/openid-configuration", timeout=2
                ):
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    pytest.fail(
                        f"The OpenID Connect provider did not start:\n{process.stdout.read()}"
                    )
                time.sleep(0.2)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def agency_sso(settings, oidc_issuer, transactional_db):
    """The portal configured, as from the environment, for the loopback provider."""
    apps = openid_connect_apps(
        [PROVIDER_ID],
        {
            "SSO_AGENCY_NAME": "Agency account",
            "SSO_AGENCY_SERVER_URL": oidc_issuer,
            "SSO_AGENCY_CLIENT_ID": CLIENT_ID,
            "SSO_AGENCY_CLIENT_SECRET": CLIENT_SECRET,
            "SSO_AGENCY_EMAIL_DOMAINS": "example.org",
        },
        default_email_domains=["example.org"],
    )
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": apps}}
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", *provider_origins(apps)]
    settings.CONTENT_SECURITY_POLICY = policy
    settings.MFA_REQUIRED = False


def sign_in_through_provider(page, login: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Agency account").click()
    # The provider's own sign-in page, which takes any login name.
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_load_state()


def test_sso_first_sign_in_creates_member_and_second_signs_in_same_member(
    page, browser, live_server, agency_sso, axe_source
):
    page.goto("/accounts/login/")
    assert axe_violations(page, axe_source) == []

    sign_in_through_provider(page, "robin@example.org")

    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    expect(
        page.get_by_text("Welcome to the portal. Add your organisation and region")
    ).to_be_visible()
    user = User.objects.get(email="robin@example.org")
    assert user.display_name == "robin"
    assert list(SocialAccount.objects.values_list("user", "provider")) == [(user.pk, PROVIDER_ID)]
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, robin")

    second = browser.new_context(base_url=live_server.url).new_page()
    try:
        sign_in_through_provider(second, "robin@example.org")

        expect(second.get_by_role("heading", level=1)).to_have_text("Welcome, robin")
    finally:
        second.context.close()
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


def test_sso_existing_member_with_same_email_is_linked(page, agency_sso):
    member = UserFactory(email="sam@example.org", display_name="Sam Example")

    sign_in_through_provider(page, "sam@example.org")

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sam Example")
    assert User.objects.count() == 1
    assert SocialAccount.objects.get().user == member


def test_sso_email_outside_allowed_domains_is_refused_on_sign_in_page(
    page, live_server, agency_sso, axe_source
):
    sign_in_through_provider(page, "robin@elsewhere.net")

    expect(page).to_have_url(f"{live_server.url}{reverse('account_login')}")
    expect(
        page.get_by_text(
            "Your organisation's account (robin@elsewhere.net) is not from a participating "
            "service, so it cannot be used to sign in here. Agency account accepts addresses "
            "at @example.org."
        )
    ).to_be_visible()
    assert axe_violations(page, axe_source) == []
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0


def test_sso_provider_mfa_counts_only_when_the_setting_says_so(
    page, browser, live_server, agency_sso, settings
):
    settings.MFA_REQUIRED = True
    settings.SSO_MFA_FROM_PROVIDER = True
    UserFactory(email="chief+mfa@example.org", display_name="Chief", is_staff=True)
    UserFactory(email="deputy@example.org", display_name="Deputy", is_staff=True)

    sign_in_through_provider(page, "chief+mfa@example.org")

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Chief")
    other = browser.new_context(base_url=live_server.url).new_page()
    try:
        sign_in_through_provider(other, "deputy@example.org")

        expect(other.get_by_text("Your role in the portal needs two-factor")).to_be_visible()
        assert other.url == f"{live_server.url}{reverse('mfa_index')}"
    finally:
        other.context.close()


def test_sso_cancelled_at_provider_says_so_and_error_page_is_accessible(
    page, agency_sso, axe_source
):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Agency account").click()

    page.get_by_role("link", name="[ Cancel ]").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in cancelled")
    problems = axe_violations(page, axe_source)
    page.goto(reverse("socialaccount_login_error"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in did not work")
    problems += axe_violations(page, axe_source)
    assert problems == []
    assert User.objects.count() == 0
