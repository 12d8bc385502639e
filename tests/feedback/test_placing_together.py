"""Placing many issues on one meeting at once: a meeting published takes its forum's
waiting issues, and a meeting held passes its unfinished items on, in a few queries
however many issues there are, each issue placed as if it were placed alone."""

import datetime as dt

import pytest
from django.utils import timezone

from feedback.choices import EventKind, IssueStatus
from feedback.models import IssueEvent, Referral, Watch
from feedback.services import routing
from forums.choices import AgendaItemKind, MembershipRole
from forums.models import ForumEvent
from members.models import Notification
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import MeetingFactory, MembershipFactory
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db


def _waiting(loop, count: int, *, restricted_watched_by=None) -> list:
    """`count` issues waiting in the CFSN's queue to join its next meeting by themselves,
    the oldest first; each watched by the one who raised it and by a second member."""
    issues = []
    for number in range(count):
        issue = PracticeIssueFactory(
            origin_forum=loop.cfsn,
            title=f"Waiting issue {number}",
            submitted_at=timezone.now() - dt.timedelta(days=count - number),
        )
        Watch.objects.create(issue=issue, user=loop.practitioner)
        issues.append(issue)
    if restricted_watched_by is not None:
        hidden = PracticeIssueFactory(origin_forum=loop.cfsn, title="Hidden", restricted=True)
        Watch.objects.create(issue=hidden, user=restricted_watched_by)
        Watch.objects.create(issue=hidden, user=loop.practitioner)
        issues.append(hidden)
    for position, issue in enumerate(issues):
        Referral.objects.filter(issue=issue).update(
            auto_place=True, entered_at=timezone.now() - dt.timedelta(hours=len(issues) - position)
        )
    return issues


def _meeting(loop, *, days: int = 9):
    start = timezone.now() + dt.timedelta(days=days)
    return MeetingFactory(
        forum=loop.cfsn, title="Placing meeting", start=start, end=start + dt.timedelta(hours=4)
    )


def _notices(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("subject", flat=True)
    )


@pytest.mark.parametrize("waiting", [2, 6])
def test_a_meeting_published_takes_its_waiting_issues_in_as_many_queries_for_many_as_for_few(
    loop, waiting, django_assert_num_queries
):
    # Each issue's raiser is a different person: their forums are read together.
    issues = _waiting(loop, waiting)
    meeting = _meeting(loop)

    with django_assert_num_queries(24):
        placed = routing.place_waiting_referrals(meeting)

    assert placed == waiting
    items = list(meeting.agenda_items.order_by("position"))
    assert [item.title for item in items] == [issue.title for issue in issues]
    assert [item.position for item in items] == list(range(1, waiting + 1))
    assert {item.kind for item in items} == {AgendaItemKind.PRACTICE_ISSUE}
    assert {item.minutes_allotted for item in items} == {15}
    for issue, item in zip(issues, items, strict=True):
        issue.refresh_from_db()
        assert issue.status == IssueStatus.ON_AGENDA
        assert issue.referrals.get().agenda_item == item
        event = issue.events.get(kind=EventKind.PLACED)
        assert (event.from_status, event.to_status, event.agenda_item) == (
            IssueStatus.QUEUED,
            IssueStatus.ON_AGENDA,
            item,
        )
        assert event.note.startswith("On the agenda of Placing meeting, ")
        assert _notices(issue.raised_by) == [
            f"{issue.reference}: On the agenda of Northern CFSN on {routing._when(meeting)}"
        ]
    assert len(_notices(loop.practitioner)) == waiting
    assert list(
        ForumEvent.objects.filter(meeting=meeting).order_by("id").values_list("note", flat=True)
    ) == [f"Added: {issue.title}" for issue in issues]


def test_a_restricted_issue_placed_with_others_is_told_only_to_watchers_who_may_see_it(loop):
    outsider = UserFactory(display_name="Olive")
    MembershipFactory(user=outsider, forum=loop.other_cfsn, role=MembershipRole.MEMBER)
    issues = _waiting(loop, 2, restricted_watched_by=outsider)
    hidden = issues[-1]

    placed = routing.place_waiting_referrals(_meeting(loop))

    assert placed == 3
    # The practitioner belongs to the CFSN the restricted issue is at; the outsider does not.
    assert f"{hidden.reference}: On the agenda of Northern CFSN" in " ".join(
        _notices(loop.practitioner)
    )
    assert _notices(outsider) == []
    item = hidden.referrals.get().agenda_item
    assert item.title == f"Restricted practice issue {hidden.reference}"
    assert item.description == ""


@pytest.mark.parametrize("unfinished", [2, 6])
def test_a_meeting_held_passes_its_unfinished_items_on_in_as_many_queries_for_many_as_for_few(
    loop, unfinished, django_assert_num_queries
):
    issues = _waiting(loop, unfinished)
    held = loop.cfsn_meeting
    routing.place_waiting_referrals(held)
    later = _meeting(loop, days=20)

    with loop.at(held, minutes=150), django_assert_num_queries(27):
        moved = routing.carry_over_unfinished(held)

    assert moved == unfinished
    items = list(later.agenda_items.order_by("position"))
    assert [item.title for item in items] == [issue.title for issue in issues]
    for issue, item in zip(issues, items, strict=True):
        stay = issue.referrals.get()
        assert stay.agenda_item == item
        assert stay.auto_place
        assert item.carried_over_from.meeting == held
        event = issue.events.get(kind=EventKind.CARRIED_OVER)
        assert event.note == f"Not reached at {held.title}; carried over automatically."
        assert event.agenda_item == item


def test_unfinished_items_with_no_later_meeting_wait_in_the_queue(loop):
    issues = _waiting(loop, 2)
    held = loop.cfsn_meeting
    routing.place_waiting_referrals(held)

    with loop.at(held, minutes=150):
        moved = routing.carry_over_unfinished(held)

    assert moved == 2
    for issue in issues:
        issue.refresh_from_db()
        assert issue.status == IssueStatus.QUEUED
        stay = issue.referrals.get()
        assert (stay.agenda_item, stay.auto_place) == (None, True)
        assert IssueEvent.objects.filter(issue=issue, kind=EventKind.CARRIED_OVER).exists()
