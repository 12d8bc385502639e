from urllib.parse import urlencode

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.urls import reverse

from forums.choices import MembershipRole
from members.rules import must_use_mfa
from tests.factories.forums import ForumFactory, MembershipFactory, StrategicForumFactory
from tests.factories.members import UserFactory
from tests.members.test_accounts import totp_code


def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


def staff():
    return UserFactory(is_staff=True)


def strategic_member():
    return MembershipFactory(forum=StrategicForumFactory(), role=MembershipRole.MEMBER).user


def cfsn_practitioner():
    return MembershipFactory(forum=ForumFactory(), role=MembershipRole.MEMBER).user


def cfsn_facilitator():
    return MembershipFactory(forum=ForumFactory(), role=MembershipRole.FACILITATOR).user


def no_forum():
    return UserFactory()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_user", "required_roles", "expected"),
    [
        (superuser, [], True),
        (staff, [], True),
        (strategic_member, [], True),
        (cfsn_practitioner, [], False),
        (cfsn_facilitator, [], False),
        (cfsn_facilitator, ["facilitator"], True),
        (cfsn_practitioner, ["facilitator"], False),
        (cfsn_practitioner, ["chair", "member"], True),
        (no_forum, ["member"], False),
    ],
)
def test_must_use_mfa_when_required_follows_role(settings, make_user, required_roles, expected):
    settings.MFA_REQUIRED = True
    settings.MFA_REQUIRED_ROLES = required_roles
    user = make_user()

    assert must_use_mfa(user) is expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_user", [superuser, staff, strategic_member, cfsn_practitioner, cfsn_facilitator]
)
def test_must_use_mfa_when_not_required_is_false_for_every_role(settings, make_user):
    settings.MFA_REQUIRED = False
    settings.MFA_REQUIRED_ROLES = ["facilitator"]
    user = make_user()

    assert must_use_mfa(user) is False


@pytest.mark.django_db
def test_must_use_mfa_for_anonymous_visitor_is_false(settings):
    settings.MFA_REQUIRED = True

    assert must_use_mfa(AnonymousUser()) is False


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [superuser, staff, strategic_member])
def test_required_user_without_authenticator_is_sent_to_set_it_up(client, settings, make_user):
    settings.MFA_REQUIRED = True
    client.force_login(make_user())

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_index")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your role in the portal needs two-factor authentication. Set up an authenticator "
        "app or a security key to continue."
    ]


@pytest.mark.django_db
def test_required_role_from_setting_without_authenticator_is_sent_to_set_it_up(client, settings):
    settings.MFA_REQUIRED = True
    settings.MFA_REQUIRED_ROLES = ["facilitator"]
    client.force_login(cfsn_facilitator())

    response = client.get(reverse("forums:forum-list"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_index")


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [cfsn_practitioner, cfsn_facilitator, no_forum])
def test_user_whose_role_needs_no_mfa_goes_straight_in(client, settings, make_user):
    settings.MFA_REQUIRED = True
    client.force_login(make_user())

    response = client.get(reverse("home"))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [superuser, staff, strategic_member])
def test_required_user_when_mfa_not_required_goes_straight_in(client, settings, make_user):
    settings.MFA_REQUIRED = False
    client.force_login(make_user())

    response = client.get(reverse("home"))

    assert response.status_code == 200


@pytest.mark.django_db
def test_required_user_with_totp_goes_straight_in(client, settings):
    settings.MFA_REQUIRED = True
    user = strategic_member()
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "status", "goes_to"),
    [
        ("mfa_index", 200, None),
        ("account_reauthenticate", 200, None),
        # An unverified address keeps allauth from adding a factor: it is confirmed or
        # removed here first.
        ("account_email", 200, None),
        # Adding a factor asks for the password again first, as it should.
        ("mfa_activate_totp", 302, "account_reauthenticate"),
        ("mfa_add_webauthn", 302, "account_reauthenticate"),
    ],
)
def test_required_user_without_authenticator_still_reaches_setup_pages(
    client, settings, url_name, status, goes_to
):
    settings.MFA_REQUIRED = True
    client.force_login(strategic_member())

    response = client.get(reverse(url_name))

    assert response.status_code == status
    if goes_to:
        assert response.url == f"{reverse(goes_to)}?{urlencode({'next': reverse(url_name)})}"


@pytest.mark.django_db
def test_required_user_without_authenticator_can_sign_out(client, settings):
    settings.MFA_REQUIRED = True
    client.force_login(strategic_member())

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_required_user_signs_in_sets_up_totp_then_uses_portal(client, settings, password):
    settings.MFA_REQUIRED = True
    user = strategic_member()
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert client.get(reverse("home")).url == reverse("mfa_index")
    client.post(reverse("account_reauthenticate"), {"password": password})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert client.get(reverse("home")).status_code == 200
