"""Every agenda, RSVP, attendance, minutes, action and resource view, for every role."""

import datetime as dt

import pytest
import rules
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


# --- Minutes and agendas: unpublished ones stay with the forum -------------------------

MINUTES_ROLES = [*ROLES[1:], "strategic_observer"]


@pytest.fixture
def minuted():
    """A held CFSN meeting and a Strategic one, each with unpublished agenda and minutes."""
    forum = ForumFactory()
    strategic = StrategicForumFactory()
    start = timezone.now() - dt.timedelta(days=2)
    meetings = {}
    for key, owner in (("cfsn", forum), ("strategic", strategic)):
        meeting = MeetingFactory(
            forum=owner,
            start=start,
            end=start + dt.timedelta(hours=2),
            status=MeetingStatus.COMPLETED,
        )
        AgendaItemFactory(meeting=meeting, title=f"Sensitive {key} item", notes="Notes taken")
        meetings[key] = meeting
    people = {
        "practitioner": MembershipFactory(forum=forum).user,
        "non_member": UserFactory(),
        "facilitator": MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user,
        "other_facilitator": MembershipFactory(role=MembershipRole.FACILITATOR).user,
        "executive": MembershipFactory(forum=strategic, role=MembershipRole.CHAIR).user,
        "strategic_observer": MembershipFactory(forum=strategic, role=MembershipRole.OBSERVER).user,
        "administrator": UserFactory(is_superuser=True, is_staff=True),
    }
    return people, meetings


@pytest.mark.parametrize("role", MINUTES_ROLES)
def test_view_minutes_unpublished_cfsn_minutes_only_for_its_members(minuted, role):
    people, meetings = minuted

    allowed = rules.has_perm("forums.view_minutes", people[role], meetings["cfsn"])

    assert allowed == (role in {"practitioner", "facilitator", "administrator"})


@pytest.mark.parametrize("role", MINUTES_ROLES)
def test_view_minutes_unpublished_strategic_minutes_for_strategic_members(minuted, role):
    people, meetings = minuted

    allowed = rules.has_perm("forums.view_minutes", people[role], meetings["strategic"])

    assert allowed == (role in {"executive", "strategic_observer", "administrator"})


@pytest.mark.parametrize("role", MINUTES_ROLES)
def test_view_minutes_published_for_everyone_signed_in(minuted, role):
    people, meetings = minuted
    meeting = meetings["cfsn"]
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes_published_at"])

    allowed = rules.has_perm("forums.view_minutes", people[role], meeting)

    assert allowed is True


@pytest.mark.parametrize("role", MINUTES_ROLES)
def test_view_minutes_of_draft_meeting_only_for_those_who_run_it(minuted, role):
    people, meetings = minuted
    meeting = meetings["cfsn"]
    meeting.status = MeetingStatus.DRAFT
    meeting.published_at = None
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["status", "published_at", "minutes_published_at"])

    allowed = rules.has_perm("forums.view_minutes", people[role], meeting)
    seen = rules.has_perm("forums.view_meeting", people[role], meeting)

    assert allowed == seen == (role in {"facilitator", "administrator"})


@pytest.mark.parametrize("role", ["executive", "strategic_observer", "other_facilitator"])
def test_meeting_detail_hides_other_forums_unpublished_minutes_and_agenda(client, minuted, role):
    people, meetings = minuted
    client.force_login(people[role])

    response = client.get(reverse("forums:meeting-detail", args=[meetings["cfsn"].pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sensitive cfsn item" not in html
    assert "Notes taken" not in html
    assert 'id="minutes-heading"' not in html


@pytest.mark.parametrize("role", ["executive", "strategic_observer"])
def test_meeting_detail_shows_strategic_members_their_own_unpublished_minutes(
    client, minuted, role
):
    people, meetings = minuted
    client.force_login(people[role])

    response = client.get(reverse("forums:meeting-detail", args=[meetings["strategic"].pk]))

    html = response.content.decode()
    assert "Sensitive strategic item" in html
    assert "Notes taken" in html


@pytest.mark.parametrize("role", ["executive", "strategic_observer", "practitioner"])
@pytest.mark.parametrize("name", ["meeting-detail", "agenda-pack", "meeting-ics"])
def test_draft_meeting_of_a_cfsn_is_refused_to_those_who_do_not_run_it(client, minuted, role, name):
    people, meetings = minuted
    meeting = meetings["cfsn"]
    meeting.status = MeetingStatus.DRAFT
    meeting.published_at = None
    meeting.save(update_fields=["status", "published_at"])
    client.force_login(people[role])

    response = client.get(reverse(f"forums:{name}", args=[meeting.pk]))

    assert response.status_code == 403
    assert "Sensitive cfsn item" not in response.content.decode()


@pytest.mark.parametrize("role", ["executive", "strategic_observer", "practitioner"])
def test_agenda_pack_hides_an_unpublished_agenda_from_those_who_do_not_run_the_forum(
    client, minuted, role
):
    people, meetings = minuted
    client.force_login(people[role])

    response = client.get(reverse("forums:agenda-pack", args=[meetings["cfsn"].pk]))

    assert response.status_code == 200
    assert "Sensitive cfsn item" not in response.content.decode()
