"""Turning on two-factor authentication in a browser, and signing in with it."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.members.test_accounts import totp_code

from .conftest import DEMO_ACCOUNTS, DEMO_PASSWORD, axe_violations, menu_link, sign_in

pytestmark = pytest.mark.browser


def test_practitioner_turns_on_mfa_and_signs_in_with_a_code(page, demo_data, axe_source):
    problems: list[str] = []
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    menu_link(page, "Account", "Security").click()
    problems += axe_violations(page, axe_source)
    page.get_by_role("link", name="Activate").click()
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    problems += axe_violations(page, axe_source)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    problems += axe_violations(page, axe_source)
    page.goto("/accounts/2fa/recovery-codes/")
    problems += axe_violations(page, axe_source)

    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    problems += axe_violations(page, axe_source)
    page.get_by_role("textbox", name=re.compile(r"^Code")).fill(totp_code(secret, time.time() + 30))
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Priya Practitioner")
    assert problems == []
    assert page.console_errors == []


def test_executive_when_mfa_required_is_sent_to_set_it_up_first(
    page, demo_data, axe_source, settings
):
    settings.MFA_REQUIRED = True
    sign_in(page, DEMO_ACCOUNTS["executive"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    expect(
        page.get_by_text("Your role in the portal needs two-factor authentication.")
    ).to_be_visible()
    problems = axe_violations(page, axe_source)

    page.goto("/issues/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    assert problems == []
    assert page.console_errors == []
