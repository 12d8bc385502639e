"""The practice library in a browser, with the demo accounts: an editor adds a guide with
its file; a practitioner cites it from their issue; the CFSN resolves the issue by that guide
at a meeting that has started; the editor publishes a new version, and the issue and the old
item point readers to it; an owner finds their overdue item on the home page."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from feedback.models import PracticeIssue, Referral
from feedback.services import issues as issue_services
from feedback.services import routing
from forums.models import Forum
from members.models import User
from practice.models import GuidanceItem

from .conftest import DEMO_ACCOUNTS, axe_violations, menu_link, sign_in

pytestmark = pytest.mark.browser

GUIDE = "Respite and safety plans: a practice guide"
ISSUE = "Respite carers are not told what the safety plan asks of them"
STATEWIDE_CHAIR = DEMO_ACCOUNTS["statewide_chair"]
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def sign_out(page):
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()


def test_library_item_cited_resolves_issue_and_is_superseded(
    page, demo_data, axe_source, time_machine, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    problems: list[str] = []

    # A State-wide chair (a library editor) adds a guide with its file.
    sign_in(page, STATEWIDE_CHAIR)
    menu_link(page, "Practice", "Library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice library")
    problems += axe_violations(page, axe_source)
    page.get_by_role("link", name="Add to the library").click()
    problems += axe_violations(page, axe_source)
    page.get_by_label("Title").fill(GUIDE)
    page.get_by_label("Summary").fill("What respite carers need to know of a family's plan.")
    page.get_by_label("Type").select_option(label="Practice guidance")
    page.get_by_label("Children and families", exact=True).check()
    page.get_by_label("Version").fill("1.0")
    page.get_by_label("File").set_input_files(
        {"name": "respite-guide.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE)
    problems += axe_violations(page, axe_source)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download {GUIDE}").click()
    assert download.value.suggested_filename == "respite-guide.pdf"
    guide = GuidanceItem.objects.get(title=GUIDE)
    sign_out(page)

    # The practitioner's issue waits on the Northern CFSN's next agenda.
    practitioner = User.objects.get(email=DEMO_ACCOUNTS["practitioner"])
    facilitator = User.objects.get(email=DEMO_ACCOUNTS["facilitator"])
    north = Forum.objects.get(slug="northern-cfsn")
    issue = issue_services.raise_issue(
        by=practitioner,
        title=ISSUE,
        description="Respite carers are not told what the family's safety plan asks of them.",
        practice_areas=list(guide.practice_areas.all()),
        forum=north,
        attested=True,
    )
    meeting = routing.next_open_meeting(north)
    routing.place_on_agenda(issue, meeting=meeting, by=facilitator)

    # The practitioner cites the guide from their issue.
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    page.goto(issue.get_absolute_url())
    page.get_by_role("link", name="Change related guidance").click()
    problems += axe_violations(page, axe_source)
    page.get_by_label(f"{GUIDE} (1.0)").check()
    page.get_by_role("button", name="Save related guidance").click()
    expect(page.get_by_text("The related guidance has been saved.")).to_be_visible()
    related = page.locator("section", has=page.get_by_role("heading", name="Related guidance"))
    expect(related.get_by_role("link", name=f"{GUIDE} (1.0)")).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("Related guidance changed")
    problems += axe_violations(page, axe_source)
    sign_out(page)

    # The meeting starts; the facilitator records it resolved by the guide.
    time_machine.move_to(meeting.start + dt.timedelta(minutes=5), tick=True)
    sign_in(page, DEMO_ACCOUNTS["facilitator"])
    page.goto(issue.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Record the outcome at")).click()
    problems += axe_violations(page, axe_source)
    page.get_by_label("Resolved at this tier").check()
    page.get_by_label("Note").fill("The guide answers this; services will brief carers.")
    page.get_by_label("Resolved by guidance").select_option(label=f"{GUIDE} (1.0)")
    page.get_by_role("button", name="Record outcome").click()
    page.goto(issue.get_absolute_url())
    expect(
        page.get_by_text("Northern CFSN resolved this issue with guidance from the practice")
    ).to_be_visible()
    path = page.get_by_role("table", name=re.compile("Every forum this issue has been with"))
    expect(path).to_contain_text(f"Resolved by guidance: {GUIDE} (1.0)")
    problems += axe_violations(page, axe_source)
    assert Referral.objects.get(issue=issue).resolved_by_guidance == guide
    sign_out(page)

    # The editor publishes a new version; the old one and the issue point to it.
    sign_in(page, STATEWIDE_CHAIR)
    page.goto(guide.get_absolute_url())
    page.get_by_role("link", name="Publish a new version").click()
    expect(page.get_by_label("Title")).to_have_value(GUIDE)
    problems += axe_violations(page, axe_source)
    page.get_by_label("Version").fill("2.0")
    page.get_by_label("Link").fill("https://example.org/respite-guide-2")
    page.get_by_role("button", name="Publish the new version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE)
    expect(page.get_by_text("version 2.0")).to_be_visible()
    expect(page.get_by_role("link", name=f"{GUIDE} (1.0)")).to_be_visible()
    problems += axe_violations(page, axe_source)
    page.goto(guide.get_absolute_url())
    expect(page.get_by_text("This version has been superseded.")).to_be_visible()
    expect(page.get_by_role("status").get_by_role("link", name=f"{GUIDE} (2.0)")).to_be_visible()
    problems += axe_violations(page, axe_source)
    page.goto(issue.get_absolute_url())
    related = page.locator("section", has=page.get_by_role("heading", name="Related guidance"))
    expect(related).to_contain_text(f"{GUIDE} (1.0) (superseded by {GUIDE} (2.0))")
    expect(related.get_by_role("link", name=f"{GUIDE} (2.0)").first).to_be_visible()
    problems += axe_violations(page, axe_source)
    sign_out(page)

    # The practitioner owns a demo item past its review date: it waits on their home page.
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    expect(page.get_by_role("heading", name=re.compile("Library items to review"))).to_be_visible()
    page.get_by_role("link", name="Review your library items").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Due for review")
    row = page.get_by_role("row", name=re.compile("Safety planning with children and young"))
    expect(row).to_contain_text("Overdue")
    problems += axe_violations(page, axe_source)

    assert problems == []
    assert PracticeIssue.objects.get(pk=issue.pk).status == "resolved"
