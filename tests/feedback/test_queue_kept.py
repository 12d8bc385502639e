"""A forum's queue is kept once drawn (cop_portal.kept): the next facilitator is shown it
without its gathering, and any change to what it lists, or a listed meeting starting,
draws it afresh at once."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cop_portal.kept import forgetting_once
from feedback.models import Referral
from feedback.services import issues as issue_services
from feedback.services import routing
from feedback.views.triage import ForumQueueView
from forums.choices import MembershipRole
from forums.models import Forum
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import MeetingFactory, MembershipFactory
from tests.factories.members import UserFactory
from tests.kept import begun, shown_to

pytestmark = pytest.mark.django_db


def _queue(client, loop, reader=None) -> tuple[str, int]:
    url = reverse("feedback:forum-queue", args=[loop.cfsn.slug])
    return shown_to(client, url, reader or loop.cfsn_facilitator)


def _waiting_section(html: str) -> str:
    return html[html.index('id="queue-heading"') : html.index('id="scheduled-heading"')]


def test_forum_queue_drawn_for_one_facilitator_is_shown_to_another_without_gathering_it(
    client, loop
):
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    chair = MembershipFactory(forum=loop.cfsn, role=MembershipRole.CHAIR).user
    first, drawn = _queue(client, loop)

    second, shown = _queue(client, loop, chair)

    assert "Intake forms repeat" in first
    assert "Intake forms repeat" in second
    assert shown < drawn


def test_forum_queue_lists_an_issue_raised_after_it_was_drawn(client, loop):
    _queue(client, loop)

    issue_services.raise_issue(
        by=loop.practitioner,
        title="Housing referrals stall",
        description="Referrals wait for weeks before anyone answers.",
        practice_areas=[],
        forum=loop.cfsn,
        attested=True,
    )

    html, _ = _queue(client, loop)
    assert "Housing referrals stall" in _waiting_section(html)


def test_forum_queue_moves_an_issue_placed_after_it_was_drawn_to_the_coming_agendas(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    html, _ = _queue(client, loop)
    assert "Intake forms repeat" in _waiting_section(html)

    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    html, _ = _queue(client, loop)
    assert "Intake forms repeat" not in _waiting_section(html)
    assert "Nothing is waiting." in html
    assert "Intake forms repeat" in html[html.index('id="scheduled-heading"') :]


def test_forum_queue_counts_an_endorsement_made_after_it_was_drawn(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    html, _ = _queue(client, loop)
    assert "0 endorsements, 0 regions" in html

    issue_services.endorse_issue(issue, by=loop.practitioner)

    html, _ = _queue(client, loop)
    assert "1 endorsement, 1 region" in html


def test_forum_queue_offers_to_record_the_outcome_once_a_listed_meeting_starts(client, loop):
    # Two minutes ahead: well within the time a drawing is kept.
    start = timezone.now() + dt.timedelta(minutes=2)
    meeting = MeetingFactory(forum=loop.cfsn, start=start, end=start + dt.timedelta(hours=2))
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    routing.place_on_agenda(issue, meeting=meeting, by=loop.cfsn_facilitator)
    html, _ = _queue(client, loop)
    assert "outcome once the meeting starts" in html

    with loop.at(meeting):
        html, _ = _queue(client, loop)

    assert "outcome once the meeting starts" not in html
    assert "Record outcome" in html


def test_forum_queue_kept_for_no_time_is_gathered_for_every_facilitator(client, loop, settings):
    settings.PAGE_PARTS_CACHE_SECONDS = 0
    PracticeIssueFactory(origin_forum=loop.cfsn)
    chair = MembershipFactory(forum=loop.cfsn, role=MembershipRole.CHAIR).user
    _, drawn = _queue(client, loop)

    _, shown = _queue(client, loop, chair)

    assert shown == drawn


def test_forum_queue_drawn_once_is_still_refused_to_a_member_who_does_not_run_the_forum(
    client, loop
):
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    _queue(client, loop)
    client.force_login(UserFactory())

    response = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))

    assert response.status_code == 403


def test_forum_queue_begun_before_the_forum_is_renamed_shows_the_next_facilitator_its_name(
    client, loop, django_capture_on_commit_callbacks
):
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    chair = MembershipFactory(forum=loop.cfsn, role=MembershipRole.CHAIR).user
    url = reverse("feedback:forum-queue", args=[loop.cfsn.slug])
    reading = begun(ForumQueueView, url, loop.cfsn_facilitator, slug=loop.cfsn.slug)
    old_name = loop.cfsn.name

    with django_capture_on_commit_callbacks(execute=True):
        renamed = Forum.objects.get(pk=loop.cfsn.pk)
        renamed.name = "Riverina CFSN"
        renamed.save()
    reading.get_context_data()
    html, _ = _queue(client, loop, chair)

    assert "Riverina CFSN" in _waiting_section(html)
    assert old_name not in html


@pytest.mark.parametrize("waiting", [2, 5])
def test_waiting_issues_placed_together_show_at_once_and_their_forums_are_looked_up_once(
    client, loop, waiting
):
    issues = [
        PracticeIssueFactory(origin_forum=loop.cfsn, title=f"Waiting issue {number}")
        for number in range(waiting)
    ]
    Referral.objects.filter(issue__in=issues).update(auto_place=True)
    meeting = MeetingFactory(
        forum=loop.cfsn,
        title="Placing meeting",
        start=timezone.now() + dt.timedelta(days=9),
        end=timezone.now() + dt.timedelta(days=9, hours=4),
    )
    before, _ = _queue(client, loop)
    for issue in issues:
        shown_to(client, issue.get_absolute_url(), loop.practitioner)

    with CaptureQueriesContext(connection) as queries:
        placed = routing.place_waiting_referrals(meeting)

    assert placed == waiting
    looked_up = [query for query in queries.captured_queries if " UNION " in query["sql"]]
    assert len(looked_up) == 1
    after, _ = _queue(client, loop)
    assert "Waiting issue 0" in _waiting_section(before)
    assert "Waiting issue 0" not in _waiting_section(after)
    for issue in issues:
        page, _ = shown_to(client, issue.get_absolute_url(), loop.practitioner)
        assert "Placing meeting" in page


def _failing_batch(loop) -> None:
    with transaction.atomic(), forgetting_once():
        PracticeIssueFactory(origin_forum=loop.cfsn, title="Never raised")
        raise RuntimeError


def test_a_batch_that_fails_forgets_nothing_and_leaves_the_kept_queue_as_it_was(client, loop):
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    _queue(client, loop)
    _, kept_shown = _queue(client, loop)

    with pytest.raises(RuntimeError):
        _failing_batch(loop)

    html, shown = _queue(client, loop)
    assert shown == kept_shown
    assert "Never raised" not in html


def _gathered_outside_a_transaction() -> None:
    with forgetting_once():
        pass


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_forgets_once_outside_a_transaction_is_refused():
    # Its forgets would be dropped were it to fail after some of its changes committed.
    with pytest.raises(RuntimeError):
        _gathered_outside_a_transaction()
