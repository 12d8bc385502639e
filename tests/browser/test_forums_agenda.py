"""A facilitator runs one meeting end to end; the practitioner answers and sees their action."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from forums.choices import MeetingStatus
from forums.models import ActionItem, Meeting

from .conftest import DEMO_ACCOUNTS, axe_violations, menu_link, sign_in

pytestmark = pytest.mark.browser


def _first_day() -> dt.date:
    first_day = timezone.localdate() + dt.timedelta(days=7)
    # "Every month" refuses days every month lacks; the 28th is as late as it goes.
    return first_day.replace(day=min(first_day.day, 28))


def _leave_an_action_open_before(day: dt.date) -> ActionItem:
    """The Northern CFSN's meeting before `day` left an action open, whatever the date."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    previous = (
        Meeting.objects.filter(forum__slug="northern-cfsn", start__lt=start)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-start", "-id")
        .first()
    )
    return ActionItem.objects.create(
        forum=previous.forum,
        meeting=previous,
        title="Check the interpreter booking",
        owner=previous.forum.memberships.order_by("pk").first().user,
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )


def _schedule_series(page, title: str) -> Meeting:
    """The facilitator schedules a published monthly series of six, starting next week."""
    first_day = _first_day()
    page.goto("/forums/northern-cfsn/")
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Date").fill(first_day.isoformat())
    # Late in the day, clear of every demo meeting, whichever weekdays the series falls on.
    page.get_by_label("Start time").fill("16:30")
    page.get_by_label("End time").fill("17:30")
    page.get_by_label("Place").fill("Northern Community Hub")
    page.get_by_role("combobox", name=re.compile(r"^Repeat")).select_option("monthly")
    page.get_by_label("Or: number of meetings").fill("6")
    page.get_by_label("Published: members see it now").check()
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Scheduled 6 meetings of Northern CFSN: published.")).to_be_visible()
    meetings = Meeting.objects.filter(title=title).order_by("start")
    assert meetings.count() == 6
    return meetings.first()


def _add_item(page, title: str, kind: str, minutes: str, presenter: str = "") -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Minutes allotted").fill(minutes)
    page.get_by_label("Presenter").fill(presenter)
    page.get_by_role("button", name="Add item").click()
    expect(page.get_by_text(f"Added '{title}' to the agenda.")).to_be_visible()


def _tab_to(page, locator, limit: int = 120) -> None:
    """Press Tab until the locator has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError("Tab never reached the element")


def _switch_to(page, who: str) -> None:
    page.context.clear_cookies()
    sign_in(page, DEMO_ACCOUNTS[who])


def test_facilitator_runs_meeting_and_practitioner_sees_action(page, demo_data, axe_source):
    # The facilitator schedules a monthly series of six, then builds the first agenda, which
    # opens with the action the forum's previous meeting left open.
    _leave_an_action_open_before(_first_day())
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    meeting = _schedule_series(page, "Northern CFSN agenda walk-through")
    meeting_url = f"/forums/meetings/{meeting.pk}/"
    page.goto(meeting_url)
    page.get_by_role("link", name="Edit agenda").click()
    _add_item(page, "Welcome", "Standing item", "10", "Chair")
    _add_item(page, "Referral pathways", "Practice issue", "30", "Priya Practitioner")
    _add_item(page, "Voice of lived experience", "Lived-experience voice", "30")
    expect(page.get_by_role("alert").filter(has_text="Over time")).to_contain_text(
        "20 more than the meeting's 60 minutes"
    )
    expect(page.locator("table.agenda-builder tbody th").first).to_contain_text(
        "Check the interpreter booking"
    )
    assert axe_violations(page, axe_source) == []

    # ... reorders with the keyboard only ...
    page.locator("main").focus()
    move_up = page.get_by_role("button", name="Move 'Voice of lived experience' up")
    _tab_to(page, move_up)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Moved 'Voice of lived experience' up.")).to_be_visible()
    expect(page.locator("table.agenda-builder tbody th")).to_have_text(
        [
            re.compile(r"^\s*Matters arising"),
            "Welcome",
            "Voice of lived experience",
            "Referral pathways",
        ]
    )

    # ... and publishes it.
    page.get_by_role("button", name="Publish agenda").click()
    expect(page.get_by_text("The agenda is published")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    # The practitioner finds the meeting in "My meetings", reads the agenda and answers.
    _switch_to(page, "practitioner")
    menu_link(page, "Meetings", "My meetings").click()
    page.get_by_role("link", name=meeting.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(meeting.title)
    expect(page.locator("table.agenda-table tbody th").nth(2)).to_contain_text(
        "Voice of lived experience"
    )
    page.get_by_label("Going", exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Your answer is saved: Going.")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"{meeting.title} (Northern CFSN)"
    assert event.decoded("DTSTART") == meeting.start.replace(microsecond=0)
    assert str(event["UID"]) == f"{meeting.uid}@cop-portal"

    # The day of the meeting comes: it started half an hour ago.
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        start=now - dt.timedelta(minutes=30), end=now + dt.timedelta(minutes=30)
    )

    # The facilitator records attendance, minutes and an action for the practitioner.
    _switch_to(page, "facilitator")
    page.goto(meeting_url)
    expect(page.get_by_text("Going: 1")).to_be_visible()
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_label("Priya Practitioner (RSVP: Going)").check()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance is recorded.")).to_be_visible()

    page.get_by_role("link", name="Record minutes").click()
    page.get_by_label("Minutes for 'Referral pathways'").fill("Shared the draft pathway.")
    page.get_by_label("Decision on 'Referral pathways' (optional)").fill("Trial it for 3 months.")
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Save minutes").click()
    expect(page.get_by_text("Decision: Trial it for 3 months.")).to_be_visible()

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What is to be done").fill("Circulate the referral pathway")
    page.get_by_label("Owner").select_option(label="Priya Practitioner")
    page.get_by_label("Due date").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action 'Circulate the referral pathway' given to")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    # The practitioner finds it on "My actions".
    _switch_to(page, "practitioner")
    menu_link(page, "Meetings", "My actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    expect(
        page.get_by_role("row").filter(has_text="Circulate the referral pathway")
    ).to_be_visible()
    assert axe_violations(page, axe_source) == []
    assert page.console_errors == []


def test_long_agendas_papers_are_prepared_and_downloaded_from_the_downloads_page(
    page, demo_data, axe_source, settings
):
    meeting = (
        Meeting.objects.filter(forum__slug="northern-cfsn", minutes_published_at__isnull=False)
        .annotate(items=Count("agenda_items"))
        .filter(items__gte=2)
        .order_by("-start")
        .first()
    )
    # Longer than the papers laid out while the reader waits.
    settings.PAPER_ITEMS_IN_REQUEST = meeting.items - 1
    sign_in(page, DEMO_ACCOUNTS["practitioner"])

    page.goto(meeting.get_absolute_url())
    expect(page.get_by_text(f"This agenda has {meeting.items} items")).to_be_visible()
    expect(page.get_by_role("link", name="Download agenda pack (PDF)")).to_have_count(0)
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Prepare minutes (PDF)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your downloads")
    expect(page.get_by_text(f"Ready to download: Minutes: {meeting.title}.")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Download")).first.click()
    assert info.value.suggested_filename.startswith("minutes-northern-cfsn-")
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")

    page.goto(reverse("forums:agenda-pack-pdf", kwargs={"pk": meeting.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Agenda pack: {meeting.title}")
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Prepare agenda pack (PDF)").click()
    expect(page.get_by_text(f"Ready to download: Agenda pack: {meeting.title}.")).to_be_visible()
