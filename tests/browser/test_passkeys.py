"""Passkeys (WebAuthn) in a browser, with Chromium's virtual authenticator standing in for
a phone or a security key."""

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from members.models import User

from .conftest import DEMO_ACCOUNTS, DEMO_PASSWORD, axe_violations, menu_link, sign_in

pytestmark = pytest.mark.browser


def add_virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def sign_out(page) -> None:
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    page.wait_for_load_state()


def test_practitioner_adds_passkey_and_signs_in_with_it(page, demo_data, axe_source):
    problems: list[str] = []
    add_virtual_authenticator(page)
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    menu_link(page, "Account", "Security").click()
    problems += axe_violations(page, axe_source)
    page.get_by_role("link", name="Add").click()
    problems += axe_violations(page, axe_source)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    problems += axe_violations(page, axe_source)
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    # The first factor comes with recovery codes, for the day the key is lost.
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    problems += axe_violations(page, axe_source)
    page.goto("/accounts/2fa/webauthn/")
    expect(page.get_by_role("cell", name="Work laptop Passkey")).to_be_visible()
    problems += axe_violations(page, axe_source)
    practitioner = User.objects.get(email=DEMO_ACCOUNTS["practitioner"])
    assert set(Authenticator.objects.filter(user=practitioner).values_list("type", flat=True)) == {
        Authenticator.Type.WEBAUTHN,
        Authenticator.Type.RECOVERY_CODES,
    }

    # As the second factor after the password.
    sign_out(page)
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    problems += axe_violations(page, axe_source)
    page.get_by_role("button", name="Use a security key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Priya Practitioner")

    # On its own, without the password.
    sign_out(page)
    page.goto("/accounts/login/")
    problems += axe_violations(page, axe_source)
    page.get_by_role("button", name="Use a passkey").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Priya Practitioner")
    assert problems == []
    assert page.console_errors == []
