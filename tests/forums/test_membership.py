import pytest
from django.urls import reverse

from forums.choices import ForumEventKind, MembershipRole
from forums.exceptions import ForumActionRefused
from forums.models import ForumEvent, Membership
from forums.services.membership import add_member, change_member_role, remove_member
from tests.factories.forums import ForumFactory, MembershipFactory
from tests.factories.members import UserFactory


@pytest.fixture
def forum(db):
    return ForumFactory()


@pytest.fixture
def facilitator_client(client, forum):
    client.force_login(MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user)
    return client


def test_add_member_by_email_creates_membership_and_event(forum):
    person = UserFactory(email="new.person@example.org")

    membership = add_member(forum, by=None, email="New.Person@example.org", role="observer")

    assert (membership.user, membership.role) == (person, MembershipRole.OBSERVER)
    event = ForumEvent.objects.get()
    assert (event.kind, event.note) == (
        ForumEventKind.MEMBERSHIP_CHANGED,
        f"Added {person} as observer",
    )


def test_add_member_twice_is_refused(forum):
    membership = MembershipFactory(forum=forum)

    with pytest.raises(ForumActionRefused, match="already a member"):
        add_member(forum, by=None, email=membership.user.email)


def test_change_member_role_and_remove_member_write_events(forum):
    membership = MembershipFactory(forum=forum)

    change_member_role(membership, by=None, role=MembershipRole.CHAIR)
    membership.refresh_from_db()
    role = membership.role
    remove_member(membership, by=None)

    assert role == MembershipRole.CHAIR
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert ForumEvent.objects.filter(kind=ForumEventKind.MEMBERSHIP_CHANGED).count() == 2


def test_executive_role_outside_the_strategic_forum_is_refused(forum):
    facilitator = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    member = MembershipFactory(forum=forum, role=MembershipRole.MEMBER)

    with pytest.raises(ForumActionRefused) as adding:
        add_member(forum, by=facilitator, email=UserFactory().email, role=MembershipRole.EXECUTIVE)
    with pytest.raises(ForumActionRefused):
        change_member_role(member, by=facilitator, role=MembershipRole.EXECUTIVE)

    member.refresh_from_db()
    assert str(adding.value) == (
        "Executive members belong to the Strategic Leadership Forum: choose another role."
    )
    assert member.role == MembershipRole.MEMBER
    assert Membership.objects.filter(forum=forum).count() == 2


def test_forum_members_add_unknown_email_shows_error_and_keeps_input(facilitator_client, forum):
    response = facilitator_client.post(
        reverse("forums:forum-members", args=[forum.slug]),
        {"email": "nobody@example.org", "role": "member"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "No one with the email address nobody@example.org has an account yet." in html
    assert 'value="nobody@example.org"' in html


def test_forum_members_add_known_email_adds_and_redirects(facilitator_client, forum):
    person = UserFactory()

    response = facilitator_client.post(
        reverse("forums:forum-members", args=[forum.slug]),
        {"email": person.email, "role": "guest_expert"},
        follow=True,
    )

    assert Membership.objects.get(forum=forum, user=person).role == "guest_expert"
    assert f"{person} has been added to {forum}." in response.content.decode()


def test_forum_member_role_view_changes_role(facilitator_client, forum):
    membership = MembershipFactory(forum=forum)

    facilitator_client.post(
        reverse("forums:forum-member-role", args=[forum.slug, membership.pk]),
        {"role": "facilitator"},
    )

    membership.refresh_from_db()
    assert membership.role == MembershipRole.FACILITATOR


def test_forum_member_remove_view_removes(facilitator_client, forum):
    membership = MembershipFactory(forum=forum)

    facilitator_client.post(reverse("forums:forum-member-remove", args=[forum.slug, membership.pk]))

    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_forum_member_remove_view_membership_of_other_forum_is_not_found(facilitator_client, forum):
    other = MembershipFactory()

    response = facilitator_client.post(
        reverse("forums:forum-member-remove", args=[forum.slug, other.pk])
    )

    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_forum_event_saved_again_or_deleted_is_refused(db):
    from forums.models import ForumEvent
    from tests.factories.forums import ForumFactory

    event = ForumEvent.objects.create(forum=ForumFactory(), kind="meeting_published")
    event.note = "Rewritten"

    with pytest.raises(PermissionError, match="append-only"):
        event.save()
    with pytest.raises(PermissionError, match="append-only"):
        event.delete()

    assert ForumEvent.objects.get(pk=event.pk).note == ""


def test_forum_member_role_view_executive_at_a_cfsn_says_why_and_keeps_role(
    facilitator_client, forum
):
    member = MembershipFactory(forum=forum, role=MembershipRole.MEMBER)

    response = facilitator_client.post(
        reverse("forums:forum-member-role", args=[forum.slug, member.pk]),
        {"role": MembershipRole.EXECUTIVE},
        follow=True,
    )

    member.refresh_from_db()
    assert member.role == MembershipRole.MEMBER
    assert (
        "Executive members belong to the Strategic Leadership Forum: choose another role."
        in response.content.decode()
    )
