import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.choices import MembershipRole
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import ActionItemFactory, MeetingFactory, MembershipFactory


@pytest.fixture
def membership(member):
    return MembershipFactory(user=member)


def test_home_shows_next_meeting_overdue_action_and_my_issue(member_client, member, membership):
    meeting = MeetingFactory(forum=membership.forum, title="March CFSN")
    ActionItemFactory(
        meeting=meeting,
        owner=member,
        title="Send the pathway",
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    PracticeIssueFactory(origin_forum=membership.forum, raised_by=member, title="Intake delays")

    html = member_client.get(reverse("home")).content.decode()

    assert "March CFSN" in html
    assert "Send the pathway" in html
    assert "Overdue: due" in html
    assert "Intake delays" in html
    assert "Waiting for an agenda" in html
    assert "Waiting for triage" not in html


def test_home_for_facilitator_counts_issues_waiting_for_triage(member_client, member):
    membership = MembershipFactory(user=member, role=MembershipRole.FACILITATOR)
    PracticeIssueFactory.create_batch(2, origin_forum=membership.forum)

    html = member_client.get(reverse("home")).content.decode()

    assert f"{membership.forum.name}</a>: 2 issues waiting" in html


@pytest.mark.parametrize("size", [1, 8])
def test_home_queries_do_not_grow(
    member_client, member, membership, size, django_assert_max_num_queries
):
    for n in range(size):
        meeting = MeetingFactory(
            forum=membership.forum,
            start=timezone.now() + dt.timedelta(days=n + 1),
            end=timezone.now() + dt.timedelta(days=n + 1, hours=2),
        )
        ActionItemFactory(meeting=meeting, owner=member)
        PracticeIssueFactory(origin_forum=membership.forum, raised_by=member)

    with django_assert_max_num_queries(14):
        response = member_client.get(reverse("home"))

    assert response.status_code == 200
