import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forums.choices import ActionStatus, MeetingStatus, MembershipRole
from tests.factories.forums import (
    ActionItemFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    ResourceFactory,
    StatewideForumFactory,
    StrategicForumFactory,
)
from tests.factories.members import PracticeAreaFactory, UserFactory


@pytest.mark.django_db
def test_forum_list_groups_forums_by_tier(member_client):
    ForumFactory(name="Northern CFSN")
    ForumFactory(name="Southern CFSN")
    StatewideForumFactory()
    StrategicForumFactory()

    response = member_client.get(reverse("forums:forum-list"))

    groups = [(label, [f.name for f in forums]) for label, forums in response.context["groups"]]
    assert groups == [
        ("Regional CFSN meeting", ["Northern CFSN", "Southern CFSN"]),
        ("State-wide Practitioner Forum", ["State-wide Practitioner Forum"]),
        ("Strategic Leadership Forum", ["Strategic Leadership Forum"]),
    ]
    assert "Regional CFSN meetings</h2>" in response.content.decode()


@pytest.mark.django_db
def test_forum_detail_shows_purpose_members_by_role_and_meetings(member_client):
    forum = ForumFactory(purpose="Local coordination in the north.")
    MembershipFactory(
        forum=forum, role=MembershipRole.FACILITATOR, user=UserFactory(display_name="Frank F")
    )
    MembershipFactory(forum=forum, user=UserFactory(display_name="Priya P"))
    MeetingFactory(forum=forum, title="Next one")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(10)))
    MeetingFactory(forum=forum, title="Last one", start=start, status=MeetingStatus.COMPLETED)

    response = member_client.get(reverse("forums:forum-detail", args=[forum.slug]))

    html = response.content.decode()
    roles = [(label, [str(m.user) for m in ms]) for label, ms in response.context["roles"]]
    assert "Local coordination in the north." in html
    assert roles == [("Facilitator", ["Frank F"]), ("Member", ["Priya P"])]
    assert [r.meeting.title for r in response.context["upcoming_rows"]] == ["Next one"]
    assert [r.meeting.title for r in response.context["past_rows"]] == ["Last one"]
    assert "Schedule a meeting" not in html


@pytest.mark.django_db
def test_forum_detail_drafts_shown_only_to_facilitators(client, member):
    forum = ForumFactory()
    MeetingFactory(forum=forum, title="Draft plan", status=MeetingStatus.DRAFT)
    MembershipFactory(forum=forum, user=member)
    facilitator = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    url = reverse("forums:forum-detail", args=[forum.slug])

    client.force_login(member)
    as_member = client.get(url).content.decode()
    client.force_login(facilitator)
    as_facilitator = client.get(url).content.decode()

    assert "Draft plan" not in as_member
    assert "Draft plan" in as_facilitator
    assert "Schedule a meeting" in as_facilitator
    assert reverse("forums:meeting-publish", args=[forum.meetings.get().pk]) in as_facilitator


@pytest.mark.django_db
def test_forum_detail_open_actions_mark_overdue_and_skip_done(member_client, member):
    forum = ForumFactory()
    MembershipFactory(forum=forum, user=member)
    meeting = MeetingFactory(forum=forum)
    late = timezone.localdate() - dt.timedelta(days=3)
    ActionItemFactory(meeting=meeting, title="Late task", due_date=late)
    ActionItemFactory(meeting=meeting, title="On time", status=ActionStatus.IN_PROGRESS)
    ActionItemFactory(meeting=meeting, title="Finished", status=ActionStatus.DONE)

    response = member_client.get(reverse("forums:forum-detail", args=[forum.slug]))

    html = response.content.decode()
    assert [a.title for a in response.context["open_actions"]] == ["Late task", "On time"]
    assert '<li class="list-group-item overdue">\n                Late task' in html
    assert html.count("Overdue") == 1
    assert "Finished" not in html


@pytest.mark.django_db
def test_forum_detail_lists_resources_with_links_and_tags(member_client):
    forum = ForumFactory()
    resource = ResourceFactory(forum=forum, title="Pathways map", url="https://example.org/map")
    resource.practice_areas.set([PracticeAreaFactory(name="Housing")])

    html = member_client.get(reverse("forums:forum-detail", args=[forum.slug])).content.decode()

    assert '<a href="https://example.org/map">Pathways map</a>' in html
    assert "Housing</span>" in html


def test_forum_detail_hides_resources_and_actions_of_draft_meetings_from_members(member_client):
    forum = ForumFactory()
    draft = MeetingFactory(forum=forum, status=MeetingStatus.DRAFT, title="Planning")
    ResourceFactory(forum=forum, meeting=draft, title="Draft budget papers")
    ActionItemFactory(meeting=draft, title="Cost the new roster")
    ResourceFactory(forum=forum, title="Pathways map")

    html = member_client.get(reverse("forums:forum-detail", args=[forum.slug])).content.decode()

    assert "Pathways map" in html
    assert "Draft budget papers" not in html
    assert "Cost the new roster" not in html


@pytest.mark.django_db
def test_forum_detail_shows_actions_from_minutes_to_others_once_the_minutes_are_published(
    member_client,
):
    forum = ForumFactory()
    held = timezone.now() - dt.timedelta(days=3)
    meeting = MeetingFactory(
        forum=forum, start=held, end=held + dt.timedelta(hours=2), status=MeetingStatus.COMPLETED
    )
    ActionItemFactory(meeting=meeting, title="Follow up intake delays")
    ActionItemFactory(forum=forum, meeting=None, title="Decided out of session")
    url = reverse("forums:forum-detail", args=[forum.slug])
    inside = Client()
    inside.force_login(MembershipFactory(forum=forum).user)

    before = member_client.get(url).content.decode()
    to_member = inside.get(url).content.decode()
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes_published_at"])
    after = member_client.get(url).content.decode()

    assert "Decided out of session" in before
    assert "Follow up intake delays" not in before
    assert "Follow up intake delays" in to_member
    assert "Follow up intake delays" in after


def _forum_with(count: int):
    forum = ForumFactory()
    for n in range(count):
        MembershipFactory(forum=forum)
        meeting = MeetingFactory(forum=forum, title=f"Meeting {n}")
        ActionItemFactory(meeting=meeting)
        ResourceFactory(forum=forum).practice_areas.set([PracticeAreaFactory()])
        ForumFactory()
    return forum


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 12])
def test_forum_detail_keeps_a_fixed_number_of_queries(
    member_client, django_assert_max_num_queries, count
):
    forum = _forum_with(count)

    with django_assert_max_num_queries(18):
        response = member_client.get(reverse("forums:forum-detail", args=[forum.slug]))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 12])
def test_forum_list_keeps_a_fixed_number_of_queries(
    member_client, django_assert_max_num_queries, count
):
    _forum_with(count)

    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("forums:forum-list"))

    assert response.status_code == 200
