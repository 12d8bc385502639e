"""A consultation down the tiers in a browser and in time, with the demo accounts: the
State-wide chair opens one to every CFSN, it lands on the Northern CFSN's next agenda, the
facilitator records the forum's answers once that meeting has started, and the chair reads
the answers by region and publishes a summary every CFSN member hears of."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import Consultation
from forums.choices import Tier
from forums.models import Forum
from members.models import Notification

from .conftest import DEMO_ACCOUNTS, axe_violations, menu_link, sign_in

pytestmark = pytest.mark.browser

TITLE = "Kinship carers and the first safety plan"


def sign_out(page):
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()


def test_consultation_goes_down_to_every_cfsn_and_comes_back_by_region(
    page, demo_data, axe_source, time_machine
):
    problems: list[str] = []
    closes = timezone.localdate() + dt.timedelta(days=45)

    # The State-wide chair opens a consultation; every CFSN is ticked already.
    sign_in(page, DEMO_ACCOUNTS["statewide_chair"])
    menu_link(page, "Practice", "Consultations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    problems += axe_violations(page, axe_source)
    page.get_by_role("link", name="Open a consultation from State-wide Practitioner Forum").click()
    cfsns = list(Forum.objects.filter(tier=Tier.REGIONAL).order_by("name"))
    for forum in cfsns:
        expect(page.get_by_label(forum.name, exact=True)).to_be_checked()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Brief").fill("When do kinship carers first see the child's safety plan?")
    refused = "Should we call the carer on 0412 345 678?"
    page.get_by_label("Question 1").fill(refused)
    page.get_by_label("Question 2").fill("What would help carers see it sooner?")
    page.get_by_label("Closing date").fill(closes.isoformat())
    page.get_by_role("button", name="Open the consultation").click()
    expect(page.get_by_text("This looks like identifying client information")).to_be_visible()
    expect(page.get_by_label("Question 1")).to_have_value(refused)
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    problems += axe_violations(page, axe_source)
    page.get_by_label("Question 1").fill("When do kinship carers first see the safety plan?")
    page.get_by_role("button", name="Open the consultation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(f"Consultation opened: sent to {len(cfsns)} forums.")).to_be_visible()
    problems += axe_violations(page, axe_source)
    consultation = Consultation.objects.get(title=TITLE)
    northern = consultation.targets.select_related("agenda_item__meeting").get(
        forum__slug="northern-cfsn"
    )
    meeting = northern.agenda_item.meeting
    sign_out(page)

    # It is on the Northern CFSN's next agenda.
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    page.goto(meeting.get_absolute_url())
    expect(page.get_by_text(f"Consultation: {TITLE}").first).to_be_visible()
    problems += axe_violations(page, axe_source)

    # Once the meeting has started, the facilitator records the forum's answers.
    time_machine.move_to(meeting.start + dt.timedelta(minutes=5), tick=True)
    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Record the answers of Northern CFSN").click()
    problems += axe_violations(page, axe_source)
    page.get_by_label("When do kinship carers first see the safety plan?").fill(
        "Usually at the first case conference, weeks after placement."
    )
    page.get_by_label("What would help carers see it sooner?").fill(
        "A plain-language copy handed over at placement."
    )
    page.get_by_role("button", name="Record the answers").click()
    expect(page.get_by_text("The answers of Northern CFSN are recorded.")).to_be_visible()
    sign_out(page)

    # The chair sees the answers by region and publishes the summary.
    sign_in(page, DEMO_ACCOUNTS["statewide_chair"])
    page.goto(consultation.get_absolute_url())
    answers = page.get_by_role("heading", name="Answers by region")
    expect(answers).to_be_visible()
    row = (
        page.get_by_role("row")
        .filter(has_text="Northern CFSN")
        .filter(has_text="Usually at the first case conference")
    )
    expect(row.first).to_be_visible()
    expect(row.first).to_contain_text(northern.forum.region.name)
    problems += axe_violations(page, axe_source)
    page.get_by_role("link", name="Write and publish the summary").click()
    page.get_by_label("Summary").fill(
        "Carers see the plan weeks late; the State-wide Forum will propose a hand-over copy."
    )
    problems += axe_violations(page, axe_source)
    page.get_by_role("button", name="Publish the summary").click()
    expect(page.get_by_role("heading", name="Summary", exact=True)).to_be_visible()
    sign_out(page)

    # Every CFSN member is told; a Northern member reads it from their notifications.
    members = {
        user_id
        for forum in cfsns
        for user_id in forum.memberships.filter(user__is_active=True).values_list("user", flat=True)
    }
    told = set(
        Notification.objects.filter(
            subject=f"Summary published: {TITLE}", url=consultation.get_absolute_url()
        ).values_list("recipient", flat=True)
    )
    assert told == members
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    page.goto(reverse("members:notifications"))
    expect(page.get_by_text(f"Summary published: {TITLE}")).to_be_visible()
    problems += axe_violations(page, axe_source)
    page.goto(consultation.get_absolute_url())
    expect(page.get_by_text("Carers see the plan weeks late")).to_be_visible()
    problems += axe_violations(page, axe_source)

    assert problems == []
