"""Members in the admin: added and changed by email address, one member per address whatever
its case, and, with local accounts off, with no password to keep."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forums.choices import RegistrationStatus
from members.choices import Delivery, NotificationKind
from members.models import Notification, NotificationPreference, User
from tests.factories.forums import LearningSessionFactory, RegistrationFactory
from tests.factories.members import (
    NotificationFactory,
    NotificationPreferenceFactory,
    UserFactory,
)


@pytest.fixture
def admin_client(client, settings):
    settings.MFA_REQUIRED = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def change_form(member: User, **changes) -> dict:
    """What the admin's change form posts for the member, with `changes`."""
    return {
        "email": member.email,
        "display_name": member.display_name,
        "is_active": "on",
        "date_joined_0": member.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": member.date_joined.strftime("%H:%M:%S"),
        **changes,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("admin:password_change", []),
        ("admin:password_change_done", []),
        ("admin:auth_user_password_change", ["member"]),
    ],
)
def test_admin_password_pages_local_accounts_off_say_the_portal_keeps_none(
    client, settings, name, args
):
    settings.LOCAL_ACCOUNTS_ENABLED = False
    settings.MFA_REQUIRED = False
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get(reverse(name, args=[admin.pk if a == "member" else a for a in args]))

    assert response.status_code == 404
    assert "<h1>No password here</h1>" in response.content.decode()


@pytest.mark.django_db
def test_admin_adds_a_member_local_accounts_off_by_email_alone_with_no_password(client, settings):
    settings.LOCAL_ACCOUNTS_ENABLED = False
    settings.MFA_REQUIRED = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:members_user_add")).content.decode()
    response = client.post(
        reverse("admin:members_user_add"), {"email": "new.member@agency.example.gov.au"}
    )

    added = User.objects.get(email="new.member@agency.example.gov.au")
    assert 'name="password1"' not in page
    assert response.status_code == 302
    assert added.has_usable_password() is False


@pytest.mark.django_db
def test_admin_adds_a_member_local_accounts_off_refuses_an_address_taken_in_another_case(
    client, settings
):
    settings.LOCAL_ACCOUNTS_ENABLED = False
    settings.MFA_REQUIRED = False
    UserFactory(email="sam@agency.example.gov.au")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:members_user_add"), {"email": "Sam@Agency.example.gov.au"}
    )

    assert response.status_code == 200
    assert "A member with this email address already exists." in response.content.decode()
    assert User.objects.filter(email__iexact="sam@agency.example.gov.au").count() == 1


@pytest.mark.django_db
def test_admin_adds_a_member_local_accounts_on_with_a_password(client, settings):
    settings.MFA_REQUIRED = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:members_user_add"),
        {
            "email": "new.member@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    added = User.objects.get(email="new.member@example.org")
    assert added.check_password("a-long-enough-passphrase") is True


@pytest.mark.django_db
def test_admin_password_change_local_accounts_on_is_offered(client, settings):
    settings.MFA_REQUIRED = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:password_change"))

    assert response.status_code == 200
    assert 'name="new_password1"' in response.content.decode()


@pytest.mark.django_db
def test_admin_adds_a_member_local_accounts_on_refuses_an_address_taken_in_another_case(
    admin_client,
):
    UserFactory(email="sam@example.org")

    response = admin_client.post(
        reverse("admin:members_user_add"),
        {
            "email": "Sam@Example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "A member with this email address already exists." in page
    assert 'value="Sam@Example.org"' in page
    assert User.objects.filter(email__iexact="sam@example.org").count() == 1


@pytest.mark.django_db
def test_admin_adds_a_member_keeps_their_address_in_lower_case(admin_client):
    admin_client.post(
        reverse("admin:members_user_add"),
        {
            "email": "New.Member@Example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    assert User.objects.filter(email="new.member@example.org").exists()


@pytest.mark.django_db
def test_admin_changing_a_members_address_to_another_members_in_another_case_is_refused(
    admin_client,
):
    UserFactory(email="sam@example.org")
    member = UserFactory(email="alex@example.org")

    response = admin_client.post(
        reverse("admin:members_user_change", args=[member.pk]),
        change_form(member, email="SAM@example.org"),
    )

    assert response.status_code == 200
    assert "A member with this email address already exists." in response.content.decode()
    member.refresh_from_db()
    assert member.email == "alex@example.org"


@pytest.mark.django_db
def test_admin_changing_a_member_keeps_their_own_address(admin_client):
    member = UserFactory(email="alex@example.org", display_name="Alex")

    response = admin_client.post(
        reverse("admin:members_user_change", args=[member.pk]),
        change_form(member, email="Alex@Example.org", display_name="Alex Chen"),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.email, member.display_name) == ("alex@example.org", "Alex Chen")


@pytest.mark.django_db
def test_admin_making_a_member_inactive_gives_up_what_was_owed_and_held_for_them(admin_client):
    member = UserFactory(email="alex@example.org", display_name="Alex")
    session = LearningSessionFactory(capacity=1)
    RegistrationFactory(meeting=session, user=member)
    waiting = RegistrationFactory(
        meeting=session, user=UserFactory(), status=RegistrationStatus.WAITLISTED
    )
    owed = Notification.objects.create(
        recipient=member, subject="Reminder", next_attempt_at=timezone.now()
    )
    data = change_form(member)
    del data["is_active"]

    response = admin_client.post(reverse("admin:members_user_change", args=[member.pk]), data)

    member.refresh_from_db()
    waiting.refresh_from_db()
    owed.refresh_from_db()
    assert response.status_code == 302
    assert member.is_active is False
    assert waiting.status == RegistrationStatus.REGISTERED
    assert owed.next_attempt_at is None


@pytest.fixture
def member_keeper(client, settings):
    """A member of staff allowed to look after members, who is not an administrator."""
    settings.MFA_REQUIRED = False
    keeper = UserFactory(is_staff=True)
    keeper.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="members", codename__in=["view_user", "change_user"]
        )
    )
    client.force_login(keeper)
    return keeper


@pytest.mark.django_db
def test_admin_making_a_former_member_active_again_records_it_as_a_security_event(
    admin_client, caplog, django_capture_on_commit_callbacks
):
    member = UserFactory(email="alex@example.org", display_name="Alex", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:members_user_change", args=[member.pk]), change_form(member)
        )

    member.refresh_from_db()
    assert response.status_code == 302
    assert member.is_active is True
    returned = [r for r in caplog.records if getattr(r, "event", "") == "account_reactivated"]
    assert [r.subject_user_id for r in returned] == [str(member.pk)]


@pytest.mark.django_db
def test_a_former_member_made_active_again_starts_with_no_session_from_before(admin_client):
    member = UserFactory(email="alex@example.org", display_name="Alex")
    earlier = Client()
    earlier.force_login(member)
    # Left before leaving ended one's sessions: the session is still stored.
    User.objects.filter(pk=member.pk).update(is_active=False)

    admin_client.post(reverse("admin:members_user_change", args=[member.pk]), change_form(member))

    member.refresh_from_db()
    assert member.is_active is True
    assert earlier.get(reverse("feedback:issue-list")).status_code == 302


@pytest.mark.django_db
def test_staff_who_look_after_members_change_a_member_but_cannot_make_them_staff(
    client, member_keeper
):
    member = UserFactory(display_name="Alex")
    everything = Permission.objects.get(codename="delete_user")
    url = reverse("admin:members_user_change", args=[member.pk])

    response = client.post(
        url,
        change_form(
            member,
            display_name="Alex Chen",
            is_staff="on",
            is_superuser="on",
            user_permissions=[everything.pk],
        ),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Alex Chen"
    assert (member.is_staff, member.is_superuser) == (False, False)
    assert not member.user_permissions.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("superuser", [True, False])
def test_staff_who_look_after_members_cannot_change_staff_or_an_administrator_or_their_password(
    client, member_keeper, superuser
):
    administrator = UserFactory(is_staff=True, is_superuser=superuser, display_name="Admin")

    changed = client.post(
        reverse("admin:members_user_change", args=[administrator.pk]),
        change_form(administrator, display_name="Taken over"),
    )
    password = client.post(
        reverse("admin:auth_user_password_change", args=[administrator.pk]),
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )

    assert changed.status_code == 403
    assert password.status_code == 403
    administrator.refresh_from_db()
    assert administrator.display_name == "Admin"
    assert administrator.check_password("a-new-long-passphrase") is False
    own = client.post(
        reverse("admin:members_user_change", args=[member_keeper.pk]),
        change_form(member_keeper, is_superuser="on"),
    )
    assert own.status_code == 403


def _staff_who_may(*codenames: str) -> User:
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return staff


@pytest.mark.django_db
def test_staff_remove_a_members_lost_authenticator_but_not_an_administrators(client, settings):
    settings.MFA_REQUIRED = False
    member = Authenticator.objects.create(user=UserFactory(), type=Authenticator.Type.TOTP, data={})
    kept = Authenticator.objects.create(
        user=UserFactory(is_superuser=True, is_staff=True), type=Authenticator.Type.TOTP, data={}
    )
    client.force_login(_staff_who_may("view_authenticator", "delete_authenticator"))

    refused = client.post(
        reverse("admin:mfa_authenticator_delete", args=[kept.pk]), {"post": "yes"}
    )
    removed = client.post(
        reverse("admin:mfa_authenticator_delete", args=[member.pk]), {"post": "yes"}
    )

    assert refused.status_code == 403
    assert removed.status_code == 302
    assert list(Authenticator.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db
def test_a_notice_still_to_be_emailed_is_not_rewritten_in_the_admin(client, settings):
    settings.MFA_REQUIRED = False
    notice = NotificationFactory(subject="Agenda published")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:members_notification_change", args=[notice.pk]))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="subject"' not in page.content.decode()


@pytest.mark.django_db
def test_what_notices_say_is_read_in_the_admin_only_by_administrators(client, settings):
    settings.MFA_REQUIRED = False
    notice = NotificationFactory(subject="PI-00042: a restricted issue's title")
    client.force_login(
        _staff_who_may("view_notification", "change_notification", "delete_notification")
    )

    listing = client.get(reverse("admin:members_notification_changelist"))
    page = client.get(reverse("admin:members_notification_change", args=[notice.pk]))
    delete = client.get(reverse("admin:members_notification_delete", args=[notice.pk]))
    index = client.get(reverse("admin:index")).content.decode()

    assert (listing.status_code, page.status_code, delete.status_code) == (403, 403, 403)
    assert reverse("admin:members_notification_changelist") not in index


@pytest.mark.django_db
def test_a_preference_changed_in_the_admin_moves_the_notices_it_owes(admin_client):
    preference = NotificationPreferenceFactory(
        kind=NotificationKind.MEETING, delivery=Delivery.DAILY
    )
    waiting = NotificationFactory(
        recipient=preference.user, kind=NotificationKind.MEETING, delivery=Delivery.DAILY
    )

    response = admin_client.post(
        reverse("admin:members_notificationpreference_change", args=[preference.pk]),
        {"delivery": Delivery.IMMEDIATE},
    )

    preference.refresh_from_db()
    waiting.refresh_from_db()
    assert response.status_code == 302
    assert preference.delivery == Delivery.IMMEDIATE
    # Owed to a digest no more: sent at once, by the outbox.
    assert waiting.delivery == Delivery.IMMEDIATE
    assert waiting.next_attempt_at is not None


@pytest.mark.django_db
def test_a_preference_removed_in_the_admin_sends_what_it_held_for_a_digest(admin_client):
    preference = NotificationPreferenceFactory(
        kind=NotificationKind.MEETING, delivery=Delivery.WEEKLY
    )
    waiting = NotificationFactory(
        recipient=preference.user, kind=NotificationKind.MEETING, delivery=Delivery.WEEKLY
    )

    response = admin_client.post(
        reverse("admin:members_notificationpreference_delete", args=[preference.pk]),
        {"post": "yes"},
    )

    waiting.refresh_from_db()
    assert response.status_code == 302
    assert not NotificationPreference.objects.filter(pk=preference.pk).exists()
    assert waiting.delivery == Delivery.IMMEDIATE
    assert waiting.next_attempt_at is not None
