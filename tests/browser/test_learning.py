"""A learning session fills, then waitlists; the facilitator records who attended; a member
downloads their learning record."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forums.choices import MeetingKind, RegistrationStatus
from forums.models import Meeting, Registration

from .conftest import DEMO_ACCOUNTS, axe_violations, menu_link, sign_in

pytestmark = pytest.mark.browser

TITLE = "Working with interpreters in family safety practice"
NADIA = "nadia.north@example.org"
SAM = "sam.south@example.org"


def sign_out(page):
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()


def register_from_the_list(page, axe_source, *, button: str) -> list[str]:
    menu_link(page, "Practice", "Learning sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning sessions")
    problems = axe_violations(page, axe_source)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    problems += axe_violations(page, axe_source)
    page.get_by_role("button", name=button).click()
    problems += axe_violations(page, axe_source)
    return problems


def test_learning_session_fills_waitlists_records_attendance_and_record_downloads(
    page, demo_data, axe_source, time_machine, tmp_path
):
    problems: list[str] = []
    day = timezone.localdate() + dt.timedelta(days=5)

    # The Northern CFSN's facilitator schedules a session with two places.
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    page.goto("/forums/northern-cfsn/")
    page.get_by_role("link", name="Schedule a learning session").click()
    problems += axe_violations(page, axe_source)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Start time").fill("16:30")
    page.get_by_label("End time").fill("18:00")
    page.get_by_label("Place", exact=True).fill("Northern Community Hub, Room 3")
    page.get_by_role("spinbutton", name="Places").fill("2")
    page.get_by_label("What the session covers").fill(
        "Booking, briefing and debriefing interpreters; working with family members present."
    )
    page.get_by_label("Published: every member can see it and register now").check()
    page.get_by_role("button", name="Schedule the session").click()
    expect(
        page.get_by_text("The learning session is scheduled and published: members can register.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    problems += axe_violations(page, axe_source)
    session = Meeting.objects.get(title=TITLE)
    assert (session.kind, session.capacity) == (MeetingKind.LEARNING, 2)
    sign_out(page)

    # Two members take the two places: one of them belongs to another forum.
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    problems += register_from_the_list(page, axe_source, button="Register")
    expect(page.get_by_text("You have a place at this session.").first).to_be_visible()
    sign_out(page)
    sign_in(page, SAM)
    problems += register_from_the_list(page, axe_source, button="Register")
    expect(page.get_by_text("2 of 2 places taken, 0 left; 0 on the waiting list.")).to_be_visible()
    sign_out(page)

    # The third joins the waiting list and sees where they stand.
    sign_in(page, NADIA)
    problems += register_from_the_list(page, axe_source, button="Join the waiting list")
    expect(page.get_by_text("You are number 1 on the waiting list.")).to_be_visible()
    statuses = dict(
        Registration.objects.filter(meeting=session).values_list("user__email", "status")
    )
    assert statuses == {
        DEMO_ACCOUNTS["practitioner"]: RegistrationStatus.REGISTERED,
        SAM: RegistrationStatus.REGISTERED,
        NADIA: RegistrationStatus.WAITLISTED,
    }
    sign_out(page)

    # Half an hour into the session, the facilitator records who came.
    time_machine.move_to(session.start + dt.timedelta(minutes=30), tick=True)
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    page.goto(session.get_absolute_url())
    expect(page.get_by_text("Registration closed when the session started.")).to_be_visible()
    page.get_by_role("link", name="Record attendance").click()
    problems += axe_violations(page, axe_source)
    page.get_by_label("Priya Practitioner (registered)").check()
    page.get_by_label("Nadia North (on the waiting list)").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance is recorded.")).to_be_visible()
    problems += axe_violations(page, axe_source)
    sign_out(page)

    # The practitioner keeps their record: the page, then the CSV file.
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    menu_link(page, "Practice", "Learning sessions").click()
    page.get_by_role("link", name="My learning record").click()
    problems += axe_violations(page, axe_source)
    expect(page.get_by_role("row", name=TITLE)).to_contain_text("1.50")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my record (CSV)").click()
    saved = Path(tmp_path) / "record.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    # Newest first: this session, then the one the demo practitioner attended before.
    assert lines[:2] == [
        "Date,Session,Hosted by,Hours,Materials",
        f"{day.isoformat()},{TITLE},Northern CFSN,1.50,",
    ]
    assert lines[2].split(",")[1:4] == [
        "Trauma-informed practice with families",
        "State-wide Practitioner Forum",
        "3.00",
    ]
    assert len(lines) == 3

    assert not problems, "\n".join(problems)
