"""The whole loop in a browser and in time, with the demo accounts: raised in a region,
routed tier to tier as each meeting starts, answered by an executive at the Strategic
meeting, and closed back where it began at the CFSN's first meeting after the response.

The test moves the clock (time-machine); the live server runs in a thread of this process,
so it sees the same clock. Nothing is recorded at a meeting before it starts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from feedback.choices import IssueStatus
from feedback.models import PracticeIssue, Referral

from .conftest import DEMO_ACCOUNTS, axe_violations, sign_in

pytestmark = pytest.mark.browser

TITLE = "Respite carers cannot see the family's safety plan"
QUEUED_DEMO_ISSUE = "After-hours referrals lost between services"
STATEWIDE_CHAIR = "stella.statewide@example.org"


def sign_out(page):
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()


def open_queue(page, forum_name):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Triage").click()
    page.get_by_role("link", name=forum_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Triage: {forum_name}")


def meeting_holding(issue, **filters):
    referral = Referral.objects.select_related("agenda_item__meeting").get(
        issue=issue, left_at__isnull=True, **filters
    )
    return referral.agenda_item


def at_meeting(time_machine, meeting):
    """Five minutes into the meeting, the clock running on."""
    time_machine.move_to(meeting.start + dt.timedelta(minutes=5), tick=True)


def escalate_from_issue_page(page, issue, *, note, summary, rationale):
    page.goto(issue.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Record the outcome at")).click()
    page.get_by_label("Escalated to the next tier").check()
    page.get_by_label("Note").fill(note)
    page.get_by_label("Summary for the next tier").fill(summary)
    page.get_by_label("Why it needs the next tier").fill(rationale)
    page.get_by_role("button", name="Record outcome").click()


def test_practice_issue_travels_the_whole_loop_in_time(page, demo_data, axe_source, time_machine):
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

    # The CFSN facilitator places it on the next meeting's agenda.
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    open_queue(page, "Northern CFSN")
    problems += axe_violations(page, axe_source)
    page.get_by_role("link", name=f"Place “{TITLE}” on an agenda").click()
    problems += axe_violations(page, axe_source)
    page.get_by_role("button", name="Place on agenda").click()
    expect(page.get_by_text(f"“{TITLE}” is on the agenda of")).to_be_visible()
    cfsn_item = meeting_holding(issue)
    cfsn_meeting = cfsn_item.meeting
    assert cfsn_meeting.start > timezone.now()

    # Before the meeting starts there is no outcome form, and asking for it is refused.
    page.goto(issue.get_absolute_url())
    expect(page.get_by_text("the outcome is recorded once it starts")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Record the outcome at"))).to_have_count(0)
    problems += axe_violations(page, axe_source)
    events_before = issue.events.count()
    page.goto(reverse("feedback:outcome-record", args=[cfsn_item.pk]))
    expect(page.get_by_text(f"{cfsn_meeting.title} has not started yet")).to_be_visible()
    problems += axe_violations(page, axe_source)
    issue.refresh_from_db()
    assert (issue.status, issue.events.count()) == (IssueStatus.ON_AGENDA, events_before)

    # Between meetings the facilitator resolves another issue out of session, with a reason.
    other = PracticeIssue.objects.get(title=QUEUED_DEMO_ISSUE)
    page.goto(other.get_absolute_url())
    page.get_by_role("link", name="Record an out-of-session decision").click()
    problems += axe_violations(page, axe_source)
    page.get_by_label("Resolved at this tier").check()
    page.get_by_label("Reason for deciding out of session").fill(
        "The after-hours roster changes next week, before the CFSN meets."
    )
    page.get_by_label("Note").fill("The after-hours team now logs every referral it takes.")
    page.get_by_role("button", name="Record out-of-session decision").click()
    expect(page.get_by_text("Out-of-session decision recorded.")).to_be_visible()
    path = page.get_by_role("table", name=re.compile("Every forum this issue has been with"))
    expect(path).to_contain_text("Out-of-session decision Resolved at this tier")
    expect(page.locator("ol.timeline")).to_contain_text("Out-of-session decision")
    problems += axe_violations(page, axe_source)
    sign_out(page)

    # The CFSN meeting starts; the facilitator escalates the issue there, with a note.
    at_meeting(time_machine, cfsn_meeting)
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    escalate_from_issue_page(
        page,
        issue,
        note="Three services at the meeting see the same gap.",
        summary="Respite carers across regions lack safety plans.",
        rationale="Respite is contracted state-wide.",
    )
    expect(
        page.get_by_text(
            "Escalated to the State-wide Practitioner Forum: on the agenda of", exact=False
        )
    ).to_be_visible()
    problems += axe_violations(page, axe_source)
    page.goto(issue.get_absolute_url())
    expect(page.locator("ol.timeline")).to_contain_text(
        "Note: Three services at the meeting see the same gap."
    )
    sign_out(page)

    # The State-wide Forum's meeting starts; its chair escalates it again.
    statewide_meeting = meeting_holding(issue).meeting
    assert statewide_meeting.start > cfsn_meeting.start
    at_meeting(time_machine, statewide_meeting)
    sign_in(page, STATEWIDE_CHAIR)
    escalate_from_issue_page(
        page,
        issue,
        note="Raised by four regions.",
        summary="Systemic: respite contracts omit safety plans.",
        rationale="Needs a change to the state-wide respite contract.",
    )
    expect(
        page.get_by_text("Escalated to the Strategic Leadership Forum: on the agenda of")
    ).to_be_visible()
    sign_out(page)

    # The Strategic meeting starts; an executive records the response there.
    strategic_meeting = meeting_holding(issue).meeting
    at_meeting(time_machine, strategic_meeting)
    sign_in(page, DEMO_ACCOUNTS["executive"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Executive review").click()
    problems += axe_violations(page, axe_source)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Record a response").click()
    problems += axe_violations(page, axe_source)
    page.get_by_label("Decision and response").fill(
        "Respite contracts will require carers to be briefed on the safety plan."
    )
    page.get_by_label("Owner of the action").select_option(label="Erin Executive")
    page.get_by_label("Due date").fill((timezone.localdate() + dt.timedelta(days=60)).isoformat())
    page.get_by_label("Review date").fill(
        (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    )
    page.get_by_label("The CFSN where the issue was raised").check()
    page.get_by_role("button", name="Record response").click()
    expect(page.get_by_text("The response has been recorded and sent back down.")).to_be_visible()
    sign_out(page)

    # It goes back to the CFSN's first meeting after the response, not the one it came from.
    reflection_item = meeting_holding(issue, purpose="reflect")
    reflection_meeting = reflection_item.meeting
    assert reflection_meeting != cfsn_meeting
    assert reflection_meeting.start > issue.response.created_at
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    page.goto(reverse("feedback:outcome-record", args=[reflection_item.pk]))
    expect(page.get_by_text(f"{reflection_meeting.title} has not started yet")).to_be_visible()
    sign_out(page)

    # That meeting starts; the CFSN reflects on the response and the loop is closed.
    at_meeting(time_machine, reflection_meeting)
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    page.goto(issue.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Record the outcome at")).click()
    problems += axe_violations(page, axe_source)
    page.get_by_label("What the meeting said about the response").fill("Welcomed by members.")
    page.get_by_role("button", name="Mark as discussed").click()
    expect(page.get_by_text("The loop is closed.").first).to_be_visible()
    sign_out(page)

    # The practitioner sees the closed path, every step on the timeline, each one notified.
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    page.goto(issue.get_absolute_url())
    expect(page.get_by_text("The loop is closed")).to_be_visible()
    timeline = page.locator("ol.timeline")
    for step in ("Raised", "Placed on an agenda", "Escalated", "Response recorded", "Loop closed"):
        expect(timeline).to_contain_text(step)
    path = page.get_by_role("table", name=re.compile("Every forum this issue has been with"))
    for outcome in ("Escalated to the next tier", "Response recorded", "Response discussed"):
        expect(path).to_contain_text(outcome)
    expect(path).not_to_contain_text("Out-of-session decision")
    problems += axe_violations(page, axe_source)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    problems += axe_violations(page, axe_source)
    notes = page.locator("main li.list-group-item")
    for subject in (
        "On the agenda of Northern CFSN",
        "Escalated to State-wide Practitioner Forum",
        "Escalated to Strategic Leadership Forum",
        "The Strategic Leadership Forum has responded",
        "The loop is closed",
    ):
        expect(notes.filter(has_text=f"{issue.reference}: {subject}")).to_have_count(1)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    assert problems == []
    assert page.console_errors == []
