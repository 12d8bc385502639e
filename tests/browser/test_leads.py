"""Practice leads in a browser, with the demo accounts: a lead hears of an issue raised in
their area, advises on it, and finds it in their queue; a facilitator about to record an
outcome on an Aboriginal children and families issue is prompted to seek ACCO input."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from feedback.demo_advice import WAITING_FOR_ACCO
from feedback.models import ExpertAdvice, PracticeIssue, Referral

from .conftest import DEMO_ACCOUNTS, axe_violations, menu_link, sign_in

pytestmark = pytest.mark.browser

TITLE = "Kinship carers are not told about respite options"
ADVICE = "The kinship care guidance lists respite providers by region; share it at intake."
PROMPT = (
    "This issue is in the Aboriginal children and families practice area. Seek input from an "
    "Aboriginal community-controlled organisation member or the area's practice lead before "
    "recording an outcome."
)


def sign_out(page):
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()


def test_lead_is_told_of_an_issue_in_their_area_and_advises_on_it(page, demo_data, axe_source):
    problems: list[str] = []

    # A practitioner raises an issue in Children and families, an area the demo lead leads.
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    page.goto("/issues/new/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill(
        "Kinship carers only hear about respite when a placement is already breaking down."
    )
    page.get_by_label("Children and families", exact=True).check()
    page.get_by_label("I confirm this issue holds no identifying information").check()
    page.get_by_role("button", name="Raise issue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    issue = PracticeIssue.objects.get(title=TITLE)
    sign_out(page)

    # The lead sees the notice and opens the issue from it.
    sign_in(page, DEMO_ACCOUNTS["lead"])
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Notifications")
    ).click()
    problems += axe_violations(page, axe_source)
    page.get_by_role("link", name=re.compile(rf"In your practice area: {TITLE}")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Practice leads: Leila Lead (Children and families)")).to_be_visible()
    problems += axe_violations(page, axe_source)

    # The lead adds advice: it appears under "Expert advice" with the lead's badge, and on
    # the timeline.
    advice_section = page.locator("section", has=page.locator("#advice-heading"))
    expect(advice_section.get_by_text("No practice lead has advised")).to_be_visible()
    advice_section.get_by_label("Your advice").fill(ADVICE)
    advice_section.get_by_role("button", name="Add advice").click()
    expect(page.get_by_text("Your advice has been added.")).to_be_visible()
    expect(advice_section.get_by_text(ADVICE)).to_be_visible()
    expect(advice_section.get_by_text("Practice lead, Children and families")).to_be_visible()
    timeline = page.locator("ol.timeline")
    expect(timeline.get_by_text("Expert advice")).to_be_visible()
    expect(timeline.get_by_text(ADVICE)).to_be_visible()
    assert ExpertAdvice.objects.filter(issue=issue, body=ADVICE).count() == 1
    problems += axe_violations(page, axe_source)

    # Their queue lists it with its advice; filtering to issues without advice drops it.
    menu_link(page, "Practice", "My practice area").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My practice area")
    row = page.get_by_role("row", name=re.compile(TITLE))
    expect(row.get_by_text("1 piece of advice")).to_be_visible()
    problems += axe_violations(page, axe_source)
    page.get_by_label("Only issues without advice yet").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("row", name=re.compile(TITLE))).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile(WAITING_FOR_ACCO))).to_have_count(1)
    problems += axe_violations(page, axe_source)
    sign_out(page)

    # The practitioner who raised it was told of the advice.
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    page.goto("/notifications/")
    expect(
        page.get_by_role("link", name=re.compile("Expert advice from Leila Lead")).first
    ).to_be_visible()

    assert problems == []


def test_facilitator_is_prompted_to_seek_acco_input_before_an_outcome(
    page, demo_data, axe_source, time_machine
):
    problems: list[str] = []
    issue = PracticeIssue.objects.get(title=WAITING_FOR_ACCO)
    item = Referral.objects.get(issue=issue, left_at__isnull=True).agenda_item

    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    page.goto(issue.get_absolute_url())
    expect(
        page.get_by_text("Input from an Aboriginal community-controlled organisation: not yet")
    ).to_be_visible()
    problems += axe_violations(page, axe_source)

    # The triage page flags it on the coming agenda.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Triage").click()
    page.get_by_role("link", name="Northern CFSN").click()
    expect(page.get_by_text("ACCO input not yet given")).to_be_visible()
    problems += axe_violations(page, axe_source)

    # Once the meeting has started, the outcome form prompts, naming whom to ask.
    time_machine.move_to(item.meeting.start + dt.timedelta(minutes=5), tick=True)
    page.goto(issue.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Record the outcome at")).click()
    expect(page.get_by_text(PROMPT)).to_be_visible()
    expect(page.get_by_text("Nadia North (Kinship Circle Aboriginal Corporation)")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Leila Lead \(Aboriginal children and families\)"))
    ).to_be_visible()
    problems += axe_violations(page, axe_source)

    assert problems == []
