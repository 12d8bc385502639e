"""The whole loop in a browser, with the demo accounts: raised in a region, routed tier to
tier, answered by an executive, and closed back where it began."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import PracticeIssue

from .conftest import DEMO_ACCOUNTS, axe_violations, sign_in

pytestmark = pytest.mark.browser

TITLE = "Respite carers cannot see the family's safety plan"
STATEWIDE_CHAIR = "stella.statewide@example.org"


def sign_out(page):
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()


def open_queue(page, forum_name):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Triage").click()
    page.get_by_role("link", name=forum_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Triage: {forum_name}")


def record_outcome_from_queue(page, outcome_label, *, summary="", rationale=""):
    page.get_by_role("link", name=re.compile(f"Record outcome for “{TITLE}”")).click()
    page.get_by_label(outcome_label).check()
    if summary:
        page.get_by_label("Summary for the next tier").fill(summary)
        page.get_by_label("Why it needs the next tier").fill(rationale)
    page.get_by_role("button", name="Record outcome").click()


def test_practice_issue_travels_the_whole_loop(page, demo_data, axe_source):
    problems: list[str] = []

    # A practitioner raises an issue; the privacy guard first refuses a phone number.
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Issues").click()
    page.get_by_role("link", name="Raise a practice issue").click()
    page.get_by_label("Title").fill(TITLE)
    refused_text = "Respite carers are not shown the safety plan. The carer gave us 0412 345 678."
    page.get_by_label("Description").fill(refused_text)
    page.get_by_label("Housing").check()
    page.get_by_label("I confirm this issue holds no identifying information").check()
    page.get_by_role("button", name="Raise issue").click()
    expect(page.get_by_text("a phone number “0412 345 678” on line 1")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(page.get_by_label("Description")).to_have_value(refused_text)
    expect(page.get_by_label("Housing")).to_be_checked()
    problems += axe_violations(page, axe_source)
    page.get_by_label("Description").fill(
        "Respite carers are not shown the family's safety plan, so they cannot follow it."
    )
    page.get_by_role("button", name="Raise issue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    issue = PracticeIssue.objects.get(title=TITLE)
    sign_out(page)

    # The CFSN facilitator places it on the agenda, then escalates it at the meeting.
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    open_queue(page, "Northern CFSN")
    page.get_by_role("link", name=f"Place “{TITLE}” on an agenda").click()
    page.get_by_role("button", name="Place on agenda").click()
    expect(page.get_by_text(f"“{TITLE}” is on the agenda of")).to_be_visible()
    problems += axe_violations(page, axe_source)
    record_outcome_from_queue(
        page,
        "Escalated to the next tier",
        summary="Respite carers across regions lack safety plans.",
        rationale="Respite is contracted state-wide.",
    )
    expect(page.get_by_text(f"Outcome recorded for “{TITLE}”")).to_be_visible()
    sign_out(page)

    # It is on the State-wide Forum's next agenda; its chair escalates it again.
    issue.refresh_from_db()
    assert issue.current_forum.slug == "statewide"
    sign_in(page, STATEWIDE_CHAIR)
    open_queue(page, "State-wide Practitioner Forum")
    record_outcome_from_queue(
        page,
        "Escalated to the next tier",
        summary="Systemic: respite contracts omit safety plans.",
        rationale="Needs a change to the state-wide respite contract.",
    )
    sign_out(page)

    # An executive records a response back to the CFSN where it began.
    sign_in(page, DEMO_ACCOUNTS["executive"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Executive review").click()
    problems += axe_violations(page, axe_source)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Record a response").click()
    page.get_by_label("Decision and response").fill(
        "Respite contracts will require carers to be briefed on the safety plan."
    )
    page.get_by_label("Owner of the action").select_option(label="Erin Executive")
    page.get_by_label("Due date").fill((timezone.localdate() + dt.timedelta(days=60)).isoformat())
    page.get_by_label("The CFSN where the issue was raised").check()
    page.get_by_role("button", name="Record response").click()
    expect(page.get_by_text("The response has been recorded and sent back down.")).to_be_visible()
    sign_out(page)

    # The CFSN facilitator marks the response discussed: the loop is closed.
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    open_queue(page, "Northern CFSN")
    page.get_by_role("link", name=re.compile(f"Mark discussed for “{TITLE}”")).click()
    page.get_by_label("What the meeting said about the response").fill("Welcomed by members.")
    page.get_by_role("button", name="Mark as discussed").click()
    sign_out(page)

    # The practitioner sees the closed loop, every step on the timeline, each one notified.
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    page.goto(issue.get_absolute_url())
    expect(page.get_by_text("The loop is closed")).to_be_visible()
    timeline = page.locator("ol.timeline")
    for step in ("Raised", "Placed on an agenda", "Escalated", "Response recorded", "Loop closed"):
        expect(timeline).to_contain_text(step)
    problems += axe_violations(page, axe_source)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    notes = page.locator("main li.list-group-item")
    for subject in (
        "On the agenda of Northern CFSN",
        "Escalated to State-wide Practitioner Forum",
        "Escalated to Strategic Leadership Forum",
        "The Strategic Leadership Forum has responded",
        "The loop is closed",
    ):
        expect(notes.filter(has_text=f"{issue.reference}: {subject}")).to_have_count(1)
    assert problems == []
    assert page.console_errors == []
