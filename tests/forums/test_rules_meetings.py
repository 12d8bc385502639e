"""Every agenda, RSVP, attendance, minutes, action and resource view, for every role."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.choices import MeetingStatus, MembershipRole
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StrategicForumFactory,
)
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "practitioner",
    "non_member",
    "facilitator",
    "other_facilitator",
    "executive",
    "administrator",
]
RUNNERS = {"facilitator", "administrator"}
SIGNED_IN = set(ROLES) - {"anonymous"}

# view name, method, URL kwargs builder, roles allowed, status when allowed
CASES = [
    ("meeting-detail", "get", "meeting", SIGNED_IN, 200),
    ("meeting-detail", "get", "draft", RUNNERS, 200),
    ("agenda-edit", "get", "meeting", RUNNERS, 200),
    ("agenda-item-add", "post", "meeting", RUNNERS, 302),
    ("agenda-item-edit", "get", "item", RUNNERS, 200),
    ("agenda-item-delete", "get", "item", RUNNERS, 200),
    ("agenda-item-move", "post", "item", RUNNERS, 302),
    ("agenda-publish", "post", "meeting", RUNNERS, 302),
    ("agenda-pack", "get", "meeting", SIGNED_IN, 200),
    # Superusers hold every permission (Django's ModelBackend); the service still refuses
    # an answer from someone outside the forum.
    ("meeting-rsvp", "post", "meeting", {"practitioner", "facilitator", "administrator"}, 302),
    ("attendance", "get", "meeting", RUNNERS, 200),
    ("minutes-edit", "get", "meeting", RUNNERS, 200),
    ("minutes-publish", "post", "meeting", RUNNERS, 302),
    ("action-create", "get", "meeting", RUNNERS, 200),
    ("action-update", "get", "action", RUNNERS | {"practitioner"}, 200),
    ("my-actions", "get", "none", SIGNED_IN, 200),
    ("resource-add", "get", "forum", RUNNERS, 200),
    ("meeting-resource-add", "get", "meeting", RUNNERS, 200),
]
POST_DATA = {
    "agenda-item-add": {"title": "New", "kind": "other", "minutes_allotted": 5},
    "agenda-item-move": {"direction": "down"},
    "meeting-rsvp": {"response": "going"},
}


@pytest.fixture
def world():
    forum = ForumFactory()
    start = timezone.now() - dt.timedelta(minutes=30)
    meeting = MeetingFactory(forum=forum, start=start, end=start + dt.timedelta(hours=2))
    item = AgendaItemFactory(meeting=meeting)
    AgendaItemFactory(meeting=meeting)
    practitioner = MembershipFactory(forum=forum).user
    people = {
        "practitioner": practitioner,
        "non_member": UserFactory(),
        "facilitator": MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user,
        "other_facilitator": MembershipFactory(role=MembershipRole.FACILITATOR).user,
        "executive": MembershipFactory(forum=StrategicForumFactory()).user,
        "administrator": UserFactory(is_superuser=True, is_staff=True),
    }
    kwargs = {
        "meeting": {"pk": meeting.pk},
        "draft": {"pk": MeetingFactory(forum=forum, status=MeetingStatus.DRAFT).pk},
        "item": {"pk": meeting.pk, "item_pk": item.pk},
        "action": {"pk": ActionItemFactory(meeting=meeting, owner=practitioner).pk},
        "forum": {"slug": forum.slug},
        "none": {},
    }
    return people, kwargs


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "target", "allowed", "status"),
    CASES,
    ids=[f"{case[0]}-{case[2]}" for case in CASES],
)
def test_meeting_views_for_role_allow_or_refuse(
    client, world, role, name, method, target, allowed, status
):
    people, kwargs = world
    if role != "anonymous":
        client.force_login(people[role])
    url = reverse(f"forums:{name}", kwargs=kwargs[target])

    response = getattr(client, method)(url, POST_DATA.get(name, {}))

    if role in allowed:
        assert response.status_code == status
    elif role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
