"""Security events: sign-ins, second factors, refusals, role changes, exports, admin changes."""

import pytest
from django.urls import reverse

from forums.choices import MembershipRole
from forums.services.membership import change_member_role
from insights.models import Export
from tests.factories.forums import ForumFactory, MembershipFactory
from tests.factories.members import RegionFactory, UserFactory
from tests.members.test_accounts import _activate_totp

pytestmark = pytest.mark.django_db

SECURITY = "cop_portal.security"


def events(caplog) -> list:
    return [record for record in caplog.records if record.name == SECURITY]


def test_refused_page_writes_permission_refused_event(caplog, member_client, member):
    forum = ForumFactory()

    member_client.get(reverse("forums:forum-members", args=[forum.slug]))

    [event] = events(caplog)
    assert event.event == "permission_refused"
    assert event.levelname == "WARNING"
    assert event.subject_user_id == str(member.pk)
    assert event.view == "forums:forum-members"
    assert event.path == f"/forums/{forum.slug}/members/"
    assert event.client_ip == "127.0.0.1"


def test_sign_in_writes_signed_in_event(caplog, client, member, password):
    client.post(reverse("account_login"), {"login": member.email, "password": password})

    [event] = events(caplog)
    assert event.event == "signed_in"
    assert event.subject_user_id == str(member.pk)


def test_failed_sign_in_writes_event_without_the_address_typed(caplog, client, member):
    client.post(reverse("account_login"), {"login": member.email, "password": "not-the-one"})

    [event] = events(caplog)
    assert event.event == "sign_in_failed"
    assert event.subject_user_id is None
    assert member.email not in caplog.text


def test_second_factor_set_up_writes_mfa_added_events(
    caplog, client, member, password, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _activate_totp(client, member, password)

    added = [event for event in events(caplog) if event.event == "mfa_added"]
    assert sorted((event.subject_user_id, event.authenticator) for event in added) == [
        (str(member.pk), "recovery_codes"),
        (str(member.pk), "totp"),
    ]


def test_role_change_writes_event_once_committed(caplog, django_capture_on_commit_callbacks):
    facilitator = UserFactory()
    membership = MembershipFactory(role=MembershipRole.MEMBER)

    with django_capture_on_commit_callbacks(execute=True):
        change_member_role(membership, by=facilitator, role=MembershipRole.FACILITATOR)

    [event] = events(caplog)
    assert event.event == "role_changed"
    assert event.subject_user_id == str(membership.user.pk)
    assert event.actor_user_id == str(facilitator.pk)
    assert event.forum == membership.forum.slug
    assert event.role == MembershipRole.FACILITATOR


def test_refused_role_change_writes_no_event(caplog, django_capture_on_commit_callbacks):
    membership = MembershipFactory(role=MembershipRole.MEMBER)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017, PT011 - the refusal's type is the forums app's business
        change_member_role(membership, by=UserFactory(), role=MembershipRole.EXECUTIVE)

    assert events(caplog) == []


def test_register_asked_for_and_downloaded_writes_an_event_each(
    caplog, client, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("insights:export"), {"kind": "issues", "file_format": "csv"})
    response = client.get(reverse("insights:download", args=[Export.objects.get().pk]))
    b"".join(response.streaming_content)

    [asked] = [event for event in events(caplog) if event.event == "export_requested"]
    [downloaded] = [event for event in events(caplog) if event.event == "export_downloaded"]
    assert asked.subject_user_id == downloaded.subject_user_id == str(admin.pk)
    assert asked.export == downloaded.export
    assert downloaded.export.startswith("issues-register-")


def test_admin_change_writes_admin_change_event(caplog, client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    region = RegionFactory(name="Northern")

    client.post(
        reverse("admin:members_region_change", args=[region.pk]),
        {"name": "Northern and Hume", "slug": region.slug},
    )

    [event] = [event for event in events(caplog) if event.event == "admin_change"]
    assert event.subject_user_id == str(admin.pk)
    assert event.action == "changed"
    assert event.content_type == "members.region"
    assert event.object_id == str(region.pk)
