"""An issue's page keeps its path, history, comments and leads once drawn (cop_portal.kept):
the next reader is shown them without their gathering, and any change to what they show
draws them afresh at once."""

import contextlib
import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from cop_portal.kept import forgetting_once
from feedback.choices import Outcome
from feedback.kept import issues_staying
from feedback.services import issues as issue_services
from feedback.services import responses, routing
from feedback.views.issues import IssueDetailView
from forums.choices import MeetingStatus
from practice.choices import GuidanceStatus
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import MeetingFactory
from tests.factories.members import PracticeAreaFactory, UserFactory
from tests.factories.practice import GuidanceItemFactory, PracticeLeadFactory
from tests.feedback.test_follow_through import responded_issue
from tests.kept import begun, shown_to

pytestmark = pytest.mark.django_db


def _page(client, issue, reader, status: int = 200) -> tuple[str, int]:
    return shown_to(
        client, reverse("feedback:issue-detail", args=[issue.pk]), reader, status=status
    )


def _path(html: str) -> str:
    return html[html.index('id="path-heading"') : html.index('id="timeline-heading"')]


def _timeline(html: str) -> str:
    return html[html.index('id="timeline-heading"') :]


@pytest.fixture
def issue(loop):
    return PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")


def test_issue_page_drawn_for_one_reader_is_shown_to_the_next_without_gathering_it(
    client, loop, issue
):
    one, another = UserFactory(), UserFactory()
    first, drawn = _page(client, issue, one)

    second, shown = _page(client, issue, another)

    assert "Intake forms repeat" in second
    assert _path(first) == _path(second)
    assert shown < drawn


def test_issue_page_shows_a_comment_added_after_it_was_drawn(client, loop, issue):
    _page(client, issue, loop.practitioner)

    issue_services.add_comment(issue, by=loop.practitioner, body="We see this in Ballarat too.")

    html, _ = _page(client, issue, loop.practitioner)
    assert "We see this in Ballarat too." in html
    assert "No comments yet." not in html


def test_issue_page_shows_a_placing_after_it_was_drawn_on_its_path(client, loop, issue):
    html, _ = _page(client, issue, loop.practitioner)
    assert "Waiting" in _path(html)

    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    html, _ = _page(client, issue, loop.practitioner)
    assert loop.cfsn_meeting.title in _path(html)


def test_issue_page_names_a_meeting_renamed_after_it_was_drawn(client, loop, issue):
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    _page(client, issue, loop.practitioner)

    loop.cfsn_meeting.title = "Northern CFSN: intake special"
    loop.cfsn_meeting.save(update_fields=["title"])

    html, _ = _page(client, issue, loop.practitioner)
    assert "Northern CFSN: intake special" in _path(html)


def test_issue_page_drawn_for_the_facilitator_names_a_meeting_being_prepared_to_no_one_else(
    client, loop, issue
):
    draft = MeetingFactory(forum=loop.cfsn, title="Draft May meeting", status=MeetingStatus.DRAFT)
    routing.place_on_agenda(issue, meeting=draft, by=loop.cfsn_facilitator)
    facilitator_sees, _ = _page(client, issue, loop.cfsn_facilitator)

    practitioner_sees, _ = _page(client, issue, loop.practitioner)

    assert "Draft May meeting" in facilitator_sees
    assert "Draft May meeting" not in practitioner_sees
    assert "A meeting being prepared" in _path(practitioner_sees)


def test_issue_page_names_a_lead_appointed_after_it_was_drawn(client, loop, issue):
    area = PracticeAreaFactory(name="Family violence")
    issue.practice_areas.add(area)
    _page(client, issue, loop.practitioner)

    PracticeLeadFactory(practice_area=area, user=UserFactory(display_name="Lena Lead"))

    html, _ = _page(client, issue, loop.practitioner)
    assert "Lena Lead" in html


def test_restricted_issue_opens_to_the_next_forum_at_once_when_escalated_after_it_was_drawn(
    client, loop
):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Sibling placement", restricted=True)
    _page(client, issue, loop.cfsn_facilitator)
    _page(client, issue, loop.statewide_facilitator, status=403)

    routing.escalate_issue(
        issue,
        by=loop.cfsn_facilitator,
        summary="Seen across the region",
        rationale="Needs state-wide guidance",
        out_of_session_reason="The next meeting is two months away.",
    )

    html, _ = _page(client, issue, loop.statewide_facilitator)
    assert "Sibling placement" in html


def test_issue_page_names_the_lead_of_an_area_added_after_it_was_drawn(client, loop, issue):
    area = PracticeAreaFactory(name="Family violence")
    PracticeLeadFactory(practice_area=area, user=UserFactory(display_name="Lena Lead"))
    _page(client, issue, loop.practitioner)

    issue.practice_areas.add(area)

    html, _ = _page(client, issue, loop.practitioner)
    assert "Lena Lead" in html


# Also inside a batch that forgets once (cop_portal.kept.forgetting_once): its stays let go
# of the meeting as it goes, so they are found before.
@pytest.mark.parametrize("gathered", [False, True])
def test_issue_page_drops_a_meeting_deleted_after_it_was_drawn(client, loop, issue, gathered):
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    with loop.at(loop.cfsn_meeting):
        routing.record_outcome(
            issue.referrals.get().agenda_item,
            outcome=Outcome.ESCALATED,
            note="",
            by=loop.cfsn_facilitator,
            summary="Seen across the region",
            rationale="Needs state-wide guidance",
        )
    html, _ = _page(client, issue, loop.practitioner)
    assert loop.cfsn_meeting.title in _path(html)

    with transaction.atomic(), forgetting_once() if gathered else contextlib.nullcontext():
        loop.cfsn_meeting.delete()

    html, _ = _page(client, issue, loop.practitioner)
    assert loop.cfsn_meeting.title not in _path(html)


def test_issue_page_names_a_forum_renamed_after_it_was_drawn(client, loop, issue):
    _page(client, issue, loop.practitioner)

    loop.cfsn.name = "North-West CFSN"
    loop.cfsn.save(update_fields=["name"])

    html, _ = _page(client, issue, loop.practitioner)
    assert "North-West CFSN" in _path(html)


def test_forum_page_names_a_member_renamed_after_it_was_drawn(client, loop):
    url = reverse("forums:forum-detail", kwargs={"slug": loop.cfsn.slug})
    client.force_login(loop.practitioner)
    assert "Priya" in client.get(url).content.decode()

    loop.practitioner.display_name = "Priya Shah"
    loop.practitioner.save(update_fields=["display_name"])

    assert "Priya Shah" in client.get(url).content.decode()


def test_forum_page_shows_a_response_due_date_corrected_after_it_was_drawn(client, loop):
    issue = responded_issue(loop)
    url = reverse("forums:forum-detail", kwargs={"slug": loop.strategic.slug})
    client.force_login(loop.executive)
    due = issue.response.due_date
    assert f"due {due:%-d %b %Y}" in client.get(url).content.decode()

    later = due + dt.timedelta(days=30)
    responses.correct_response_dates(issue.response, due_date=later, review_date=None)

    html = client.get(url).content.decode()
    assert f"due {later:%-d %b %Y}" in html
    assert f"due {due:%-d %b %Y}" not in html


def test_issue_page_begun_before_a_comment_counts_it_for_the_next_reader(
    client, loop, issue, django_capture_on_commit_callbacks
):
    for number in range(20):
        issue_services.add_comment(issue, by=loop.practitioner, body=f"Seen here too ({number}).")
    one, another = UserFactory(), UserFactory()
    url = reverse("feedback:issue-detail", args=[issue.pk])
    reading = begun(IssueDetailView, url, one, pk=issue.pk)

    with django_capture_on_commit_callbacks(execute=True):
        issue_services.add_comment(issue, by=loop.practitioner, body="And in Ballarat.")
    reading.get_context_data()
    html, _ = _page(client, issue, another)

    assert "And in Ballarat." in html
    assert "21 comments in all." in html


def test_issue_page_begun_before_a_placing_shows_it_on_the_path_to_the_next_reader(
    client, loop, issue, django_capture_on_commit_callbacks
):
    one, another = UserFactory(), UserFactory()
    url = reverse("feedback:issue-detail", args=[issue.pk])
    reading = begun(IssueDetailView, url, one, pk=issue.pk)

    with django_capture_on_commit_callbacks(execute=True):
        routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    reading.get_context_data()
    html, _ = _page(client, issue, another)

    assert loop.cfsn_meeting.title in _path(html)


def test_issue_page_names_the_meeting_an_unfinished_item_is_carried_over_to(client, loop, issue):
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    later = MeetingFactory(
        forum=loop.cfsn,
        title="Carried-to meeting",
        start=loop.cfsn_meeting.start + dt.timedelta(days=14),
        end=loop.cfsn_meeting.end + dt.timedelta(days=14),
    )
    _page(client, issue, loop.practitioner)

    with loop.at(loop.cfsn_meeting, minutes=150):
        moved = routing.carry_over_unfinished(loop.cfsn_meeting)

    html, _ = _page(client, issue, loop.practitioner)
    assert moved == 1
    assert later.title in _path(html)


def test_issue_timeline_names_a_meeting_renamed_after_the_issue_was_carried_over_from_it(
    client, loop, issue
):
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    MeetingFactory(
        forum=loop.cfsn,
        title="Carried-to meeting",
        start=loop.cfsn_meeting.start + dt.timedelta(days=14),
        end=loop.cfsn_meeting.end + dt.timedelta(days=14),
    )
    with loop.at(loop.cfsn_meeting, minutes=150):
        routing.carry_over_unfinished(loop.cfsn_meeting)
    html, _ = _page(client, issue, loop.practitioner)
    assert loop.cfsn_meeting.title in _timeline(html)

    # No stay of the issue is on it any more; its placing still names it.
    loop.cfsn_meeting.title = "Northern CFSN, March (held)"
    loop.cfsn_meeting.save(update_fields=["title", "updated_at"])

    html, _ = _page(client, issue, loop.practitioner)
    assert "Northern CFSN, March (held)" in _timeline(html)


def test_issue_path_names_the_successor_of_its_guidance_renamed_after_it_was_drawn(
    client, loop, issue
):
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    guidance = GuidanceItemFactory(title="Intake guide", version="1.0")
    with loop.at(loop.cfsn_meeting):
        routing.record_outcome(
            issue.referrals.get().agenda_item,
            outcome=Outcome.RESOLVED,
            note="The guide answers it.",
            by=loop.cfsn_facilitator,
            guidance=guidance,
        )
    successor = GuidanceItemFactory(title="Intake guide", version="2.0")
    guidance.status, guidance.superseded_by = GuidanceStatus.SUPERSEDED, successor
    guidance.save(update_fields=["status", "superseded_by"])
    html, _ = _page(client, issue, loop.practitioner)
    assert "superseded by" in _path(html)

    successor.title = "Family intake guide"
    successor.save(update_fields=["title"])

    html, _ = _page(client, issue, loop.practitioner)
    assert "Family intake guide (2.0)" in _path(html)


def test_stays_named_by_more_changes_than_sqlite_nests_are_found_in_one_query(
    loop, issue, django_assert_num_queries
):
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    with transaction.atomic(), django_assert_num_queries(1), forgetting_once():
        for key in range(item.pk, item.pk + 1200):
            issues_staying(key, "agenda_item")
