import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.choices import MembershipRole
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StatewideForumFactory,
)


@pytest.fixture
def membership(member):
    return MembershipFactory(user=member)


def test_home_lists_the_persons_forums_by_name_with_their_tier_and_page(member_client, member):
    north = ForumFactory(name="Northern CFSN", slug="northern")
    statewide = StatewideForumFactory(name="Coastal practitioners", slug="coastal")
    MembershipFactory(user=member, forum=north)
    MembershipFactory(user=member, forum=statewide, role=MembershipRole.FACILITATOR)
    ForumFactory(name="Another CFSN")

    html = member_client.get(reverse("home")).content.decode()

    yours = " ".join(html[html.index('id="your-forums"') :].split())
    assert yours.index('<a href="/forums/coastal/">Coastal practitioners</a>') < yours.index(
        '<a href="/forums/northern/">Northern CFSN</a> <span class="text-body-secondary small">'
        "(Regional CFSN meeting)</span>"
    )
    assert "Another CFSN" not in yours


def test_home_says_when_the_person_belongs_to_no_forum(member_client):
    html = member_client.get(reverse("home")).content.decode()

    assert "You are not a member of any forum yet." in html


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

    with django_assert_max_num_queries(16):
        response = member_client.get(reverse("home"))

    assert response.status_code == 200


def _tasks(html: str) -> list[str]:
    """The home page's "Waiting for you" cards, as "count title" lines."""
    import re

    return [
        f"{count} {title.strip()}"
        for count, title in re.findall(r'<span class="task-count">(\d+)</span> ([^<]+)</h3>', html)
    ]


def test_home_leads_practitioner_to_their_returned_issue_meeting_and_action(
    member_client, member, membership
):
    returned = PracticeIssueFactory(
        origin_forum=membership.forum, raised_by=member, status="info_requested"
    )
    meeting = MeetingFactory(forum=membership.forum)
    ActionItemFactory(
        meeting=meeting, owner=member, due_date=timezone.localdate() + dt.timedelta(days=3)
    )

    html = member_client.get(reverse("home")).content.decode()

    assert _tasks(html) == [
        "1 Issues needing your input",
        "1 Meetings to answer",
        "1 Actions due",
    ]
    assert reverse("feedback:issue-provide-information", args=[returned.pk]) in html
    assert 'class="btn btn-primary btn-sm"' in html


def test_home_leads_facilitator_to_triage_agendas_outcomes_and_minutes(member_client, member):
    from feedback.models import Referral

    forum = MembershipFactory(user=member, role=MembershipRole.FACILITATOR).forum
    PracticeIssueFactory(origin_forum=forum)
    MeetingFactory(forum=forum, start=timezone.now() + dt.timedelta(days=5))
    now = timezone.now()
    held = MeetingFactory(
        forum=forum, start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=1)
    )
    on_agenda = PracticeIssueFactory(origin_forum=forum, status="on_agenda")
    item = AgendaItemFactory(meeting=held, kind="practice_issue")
    Referral.objects.filter(issue=on_agenda).update(agenda_item=item)

    html = member_client.get(reverse("home")).content.decode()

    assert _tasks(html) == [
        "1 Issues waiting for triage",
        "1 Outcomes to record",
        "1 Meetings to answer",
        "1 Agendas to publish",
        "1 Minutes to publish",
    ]
    assert reverse("forums:meeting-detail", args=[held.pk]) in html


def test_home_with_nothing_waiting_says_so(member_client):
    html = member_client.get(reverse("home")).content.decode()

    assert _tasks(html) == []
    assert "Nothing is waiting for you." in html


def test_home_for_administrator_shows_the_loop_at_a_glance(client, db):
    from tests.factories.members import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    PracticeIssueFactory()

    html = client.get(reverse("home")).content.decode()

    assert "The loop at a glance" in html
    assert '<span class="task-count">1</span> open at the Regional CFSN meeting' in html
    assert reverse("insights:loop-health") in html


def test_home_counts_for_executive_the_overdue_responses_its_link_lists(client, db):
    from feedback.models import Response
    from tests.factories.feedback import ResponseFactory
    from tests.factories.forums import StrategicForumFactory
    from tests.factories.members import UserFactory

    executive = UserFactory()
    MembershipFactory(user=executive, forum=StrategicForumFactory(), role=MembershipRole.CHAIR)
    today = timezone.localdate()
    overdue = ResponseFactory()
    Response.objects.filter(pk=overdue.pk).update(due_date=today - dt.timedelta(days=3))
    ResponseFactory(review_date=today - dt.timedelta(days=1))  # due for review, not overdue
    client.force_login(executive)

    html = client.get(reverse("home")).content.decode()
    listed = client.get(reverse("feedback:issue-list"), {"delivery": "overdue"}).content.decode()

    assert "1 Responses overdue" in _tasks(html)
    assert f"{reverse('feedback:issue-list')}?delivery=overdue" in html
    assert overdue.issue.title in listed
