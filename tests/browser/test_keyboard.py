"""Keyboard only: raise an issue (the privacy error takes the focus) and record its outcome."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from feedback.models import PracticeIssue
from feedback.services import routing
from forums.models import Forum, Meeting
from members.models import User

from .conftest import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.browser

TITLE = "Night shelter staff cannot see current safety plans"
# At most this many presses of Tab to reach any control on a page.
MAX_TABS = 80


def focused(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; return e.id || e.getAttribute('value') "
        "|| e.textContent.trim(); }"
    )


def tab_to(page, selector: str) -> None:
    """Press Tab until the control matching `selector` has the focus."""
    for _ in range(MAX_TABS):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}; focus is on {focused(page)!r}")


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in_by_keyboard(page, email: str) -> None:
    page.goto("/accounts/login/")
    tab_to(page, "input[name=login]")
    page.keyboard.type(email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(DEMO_PASSWORD)
    press_enter_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_keyboard_only_raise_issue_and_record_its_outcome(page, demo_data, time_machine):
    sign_in_by_keyboard(page, DEMO_ACCOUNTS["practitioner"])
    page.goto(reverse("feedback:issue-create"))
    tab_to(page, "#id_title")
    page.keyboard.type(TITLE)
    tab_to(page, "#id_description")
    page.keyboard.type("The worker on 0412 345 678 could not open the plan after hours.")
    tab_to(page, "input[name=practice_areas]")
    page.keyboard.press("Space")
    tab_to(page, "#id_attestation")
    page.keyboard.press("Space")
    tab_to(page, "button[value=raise]")
    press_enter_and_wait(page)

    # The privacy guard refuses it; the description takes the focus, with its message.
    expect(page.get_by_text("a phone number")).to_be_visible()
    assert focused(page) == "id_description"
    page.keyboard.press("Control+A")
    page.keyboard.type("Night shelter workers cannot open safety plans after hours.")
    tab_to(page, "button[value=raise]")
    press_enter_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    issue = PracticeIssue.objects.get(title=TITLE)

    # On the agenda of the Northern CFSN's next meeting, which then starts.
    meeting = (
        Meeting.objects.open_for_items()
        .filter(forum=Forum.objects.get(slug="northern-cfsn"))
        .first()
    )
    facilitator = User.objects.get(email=DEMO_ACCOUNTS["facilitator"])
    routing.place_on_agenda(issue, meeting=meeting, by=facilitator)
    time_machine.move_to(meeting.start + dt.timedelta(minutes=5), tick=True)
    page.context.clear_cookies()

    sign_in_by_keyboard(page, DEMO_ACCOUNTS["facilitator"])
    page.goto(issue.get_absolute_url())
    tab_to(page, "a[href*='/outcome/']")
    press_enter_and_wait(page)
    tab_to(page, "input[value=resolved]")
    page.keyboard.press("Space")
    tab_to(page, "textarea[name=note]")
    page.keyboard.type("The shelter now has read access to current plans.")
    tab_to(page, "button[type=submit]")
    press_enter_and_wait(page)

    expect(page.get_by_text("Resolved at this tier").first).to_be_visible()
    issue.refresh_from_db()
    assert issue.status == "resolved"
