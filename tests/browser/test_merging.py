"""Merging a duplicate by reference, the merged duplicate on its primary's page, and
undoing the merge, in a browser."""

import pytest
from playwright.sync_api import expect

from feedback import demo
from feedback.choices import IssueStatus
from feedback.models import PracticeIssue
from forums.choices import MembershipRole
from forums.models import Membership

from .conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser

STATEWIDE_CHAIR = "stella.statewide@example.org"


def test_undo_merge_from_the_primarys_duplicates_list(page, axe_source, demo_data):
    duplicate = PracticeIssue.objects.get(title=demo.MERGED)
    primary = duplicate.merged_into
    sign_in(page, STATEWIDE_CHAIR)

    page.goto(primary.get_absolute_url())
    duplicates = page.get_by_role("region", name="Merged duplicates")
    expect(
        duplicates.get_by_role("link", name=f"{duplicate.reference}: {demo.MERGED}")
    ).to_be_visible()
    assert axe_violations(page, axe_source) == []
    duplicates.get_by_role("link", name=f"Undo merge of {duplicate.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Undo the merge of “{demo.MERGED}”")
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Undo merge").click()

    expect(page.get_by_text(f"{duplicate.reference} is no longer merged into")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (IssueStatus.QUEUED, None)
    page.goto(primary.get_absolute_url())
    expect(page.get_by_role("region", name="Merged duplicates")).to_have_count(0)
    assert page.console_errors == []


def test_merge_a_queued_issue_by_typing_the_primarys_reference(page, axe_source, demo_data):
    duplicate = PracticeIssue.objects.get(title=demo.QUEUED)
    primary = PracticeIssue.objects.get(title=demo.STATEWIDE)
    facilitator = Membership.objects.filter(
        forum=duplicate.current_forum, role=MembershipRole.FACILITATOR
    ).first()
    sign_in(page, facilitator.user.email)

    page.goto(duplicate.get_absolute_url())
    page.get_by_role("link", name="Merge into another issue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Merge “{demo.QUEUED}” into another issue"
    )
    assert axe_violations(page, axe_source) == []
    page.get_by_label("primary issue's reference").fill("PI-99999")
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("PI-99999 cannot take this merge")).to_be_visible()
    expect(page.get_by_label("primary issue's reference")).to_have_value("PI-99999")
    assert axe_violations(page, axe_source) == []
    page.get_by_label("primary issue's reference").fill(primary.reference)
    page.get_by_role("button", name="Merge").click()

    expect(page.get_by_text(f"Merged into {primary.reference}.")).to_be_visible()
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (IssueStatus.MERGED, primary)
    assert page.console_errors == []
