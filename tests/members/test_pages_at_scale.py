"""A person's own pages stay bounded however much they accumulate."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from forums.choices import MembershipRole
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import ActionItemFactory, MeetingFactory, MembershipFactory
from tests.factories.members import NotificationFactory

pytestmark = pytest.mark.django_db


def test_notifications_list_shows_the_25_newest_then_the_rest(member_client, member):
    for n in range(27):
        NotificationFactory(recipient=member, subject=f"Note {n:02d}")
    url = reverse("members:notifications")

    first = member_client.get(url)
    second = member_client.get(url, {"page": 2})

    assert [n.subject for n in first.context["notifications"]] == [
        f"Note {n:02d}" for n in range(26, 1, -1)
    ]
    assert [n.subject for n in second.context["notifications"]] == ["Note 01", "Note 00"]
    assert "Page 1 of 2" in first.content.decode()


def _busy_member(member, size: int) -> None:
    """`size` forums, meetings, actions, raised issues and notifications for one person,
    with a forum the person facilitates."""
    facilitated = MembershipFactory(user=member, role=MembershipRole.FACILITATOR).forum
    for n in range(size):
        forum = MembershipFactory(user=member).forum
        start = timezone.now() + dt.timedelta(days=n + 1)
        meeting = MeetingFactory(forum=forum, start=start, end=start + dt.timedelta(hours=2))
        ActionItemFactory(meeting=meeting, owner=member)
        PracticeIssueFactory(origin_forum=facilitated, raised_by=member)
        NotificationFactory(recipient=member)


@pytest.mark.parametrize("size", [2, 30])
def test_home_queries_do_not_grow_with_what_a_person_has(
    member_client, member, size, django_assert_num_queries
):
    _busy_member(member, size)

    with django_assert_num_queries(15):
        response = member_client.get(reverse("home"))

    html = response.content.decode()
    yours = html[html.index('id="your-forums"') :]
    assert yours.count('<li class="mb-1"><a href="/forums/') == size + 1
    assert f"{size} issue{'s' if size > 1 else ''} waiting" in html
    # The to-do counts cover everything, not only the five meetings and actions listed.
    text = " ".join(strip_tags(html).split())
    assert f"{size} Meetings to answer" in text
    assert f"{size} Actions due" in text


@pytest.mark.parametrize("size", [2, 30])
def test_notifications_queries_do_not_grow(member_client, member, size, django_assert_num_queries):
    _busy_member(member, size)

    with django_assert_num_queries(6):
        response = member_client.get(reverse("members:notifications"))

    assert len(response.context["notifications"]) == min(size, 25)
