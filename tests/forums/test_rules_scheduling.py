"""Who may open each scheduling, calendar and membership page, role by role."""

import pytest
from django.urls import reverse

from forums.choices import MeetingStatus, MembershipRole
from forums.services.scheduling import regenerate_calendar_feed
from tests.factories.forums import (
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StrategicForumFactory,
)
from tests.factories.members import UserFactory

ROLES = [
    "anonymous",
    "practitioner",
    "facilitator",
    "other_facilitator",
    "executive",
    "administrator",
]
EVERYONE = {"practitioner", "facilitator", "other_facilitator", "executive", "administrator"}
RUNNERS = {"facilitator", "administrator"}
STRATEGIC_RUNNERS = {"executive", "administrator"}


@pytest.fixture
def world(db):
    forum = ForumFactory(slug="northern-cfsn")
    other = ForumFactory(slug="southern-cfsn")
    strategic = StrategicForumFactory()
    people = {
        "practitioner": MembershipFactory(forum=forum).user,
        "facilitator": MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user,
        "other_facilitator": MembershipFactory(forum=other, role=MembershipRole.FACILITATOR).user,
        "executive": MembershipFactory(forum=strategic, role=MembershipRole.EXECUTIVE).user,
        "administrator": UserFactory(is_superuser=True, is_staff=True),
    }
    return {
        "forum": forum,
        "strategic": strategic,
        "meeting": MeetingFactory(forum=forum),
        "draft": MeetingFactory(forum=forum, status=MeetingStatus.DRAFT),
        "membership": MembershipFactory(forum=forum),
        "people": people,
    }


PAGES = [
    # (name, args from the world, allowed roles)
    ("forums:forum-list", lambda w: [], EVERYONE),
    ("forums:forum-detail", lambda w: [w["forum"].slug], EVERYONE),
    ("forums:forum-members", lambda w: [w["forum"].slug], RUNNERS),
    ("forums:meeting-create", lambda w: [w["forum"].slug], RUNNERS),
    ("forums:meeting-create", lambda w: [w["strategic"].slug], STRATEGIC_RUNNERS),
    # Executives run the strategic forum's meetings, but only its chair and the
    # administrators manage who belongs to it.
    ("forums:forum-members", lambda w: [w["strategic"].slug], {"administrator"}),
    ("forums:meeting-edit", lambda w: [w["meeting"].pk], RUNNERS),
    ("forums:meeting-cancel", lambda w: [w["meeting"].pk], RUNNERS),
    ("forums:meeting-publish", lambda w: [w["draft"].pk], RUNNERS),
    ("forums:meeting-complete", lambda w: [w["meeting"].pk], RUNNERS),
    ("forums:meeting-ics", lambda w: [w["meeting"].pk], EVERYONE),
    ("forums:meeting-ics", lambda w: [w["draft"].pk], RUNNERS),
    ("forums:calendar", lambda w: [], EVERYONE),
    ("forums:meeting-list", lambda w: [], EVERYONE),
    ("forums:my-meetings", lambda w: [], EVERYONE),
    ("forums:calendar-subscribe", lambda w: [], EVERYONE),
]

POSTS = [
    ("forums:forum-member-role", {"role": "observer"}, RUNNERS),
    ("forums:forum-member-remove", {}, RUNNERS),
]


def _client_as(client, world, role):
    if role != "anonymous":
        client.force_login(world["people"][role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "args", "allowed"), PAGES, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)]
)
def test_scheduling_pages_role_gets_page_403_or_sign_in(client, world, role, name, args, allowed):
    url = reverse(name, args=args(world))

    response = _client_as(client, world, role).get(url)

    if role in allowed:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "data", "allowed"), POSTS)
def test_membership_actions_role_changes_or_is_refused(client, world, role, name, data, allowed):
    membership = world["membership"]
    url = reverse(name, args=[world["forum"].slug, membership.pk])

    response = _client_as(client, world, role).post(url, data)

    if role in allowed:
        assert response.status_code == 302
        assert response.url == reverse("forums:forum-members", args=[world["forum"].slug])
    elif role == "anonymous":
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
        membership.refresh_from_db()
        assert membership.role == MembershipRole.MEMBER


@pytest.mark.parametrize("role", ROLES)
def test_calendar_feed_any_visitor_with_the_token_gets_the_feed(client, world, role):
    token = regenerate_calendar_feed(world["people"]["practitioner"]).token

    response = _client_as(client, world, role).get(reverse("forums:calendar-feed", args=[token]))

    assert response.status_code == 200
