import re

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_ACCOUNTS, DEMO_PASSWORD, axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", list(DEMO_ACCOUNTS))
def test_demo_account_signs_in_through_the_form(page, demo_data, role):
    sign_in(page, DEMO_ACCOUNTS[role])

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Welcome, "))
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Sign out")
    assert page.console_errors == []


def test_sign_in_with_wrong_password_keeps_email_and_says_why(page, demo_data, axe_source):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("practitioner@example.org")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign In").click()

    expect(
        page.get_by_text("The email address and/or password you specified are not correct.")
    ).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("practitioner@example.org")
    assert axe_violations(page, axe_source) == []


def test_skip_link_moves_focus_to_main_content(page, demo_data):
    sign_in(page, DEMO_ACCOUNTS["practitioner"], DEMO_PASSWORD)

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()


def test_forgotten_password_with_single_sign_on_only_says_whom_to_ask(
    page, demo_data, axe_source, settings
):
    settings.LOCAL_ACCOUNTS_ENABLED = False

    page.goto("/accounts/password/reset/")

    expect(page.get_by_role("heading", level=1)).to_have_text("No password here")
    expect(page.get_by_text("ask your organisation's service desk")).to_be_visible()
    assert page.get_by_role("textbox").count() == 0
    assert axe_violations(page, axe_source) == []
