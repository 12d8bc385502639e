import pytest
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import reverse

from members.adapters import PROVIDER_MFA_SESSION_KEY
from members.models import User
from members.sso import domain_allowed, openid_connect_apps, provider_did_mfa
from tests.factories.members import PASSWORD, UserFactory

AGENCY_ENV = {
    "SSO_AGENCY_NAME": "Agency account",
    "SSO_AGENCY_SERVER_URL": "https://login.agency.example.gov.au/realms/staff/",
    "SSO_AGENCY_CLIENT_ID": "cop-portal",
    "SSO_AGENCY_CLIENT_SECRET": "s3cret",
    "SSO_AGENCY_EMAIL_DOMAINS": "agency.example.gov.au, @Partner.example.org",
}


# --- Settings from the environment ---------------------------------------------------------


def test_openid_connect_apps_full_provider_builds_allauth_app():
    apps = openid_connect_apps(["agency"], AGENCY_ENV, default_email_domains=["example.org"])

    assert apps == [
        {
            "provider_id": "agency",
            "name": "Agency account",
            "client_id": "cop-portal",
            "secret": "s3cret",
            "settings": {
                "server_url": "https://login.agency.example.gov.au/realms/staff",
                "oauth_pkce_enabled": True,
                "email_domains": ["agency.example.gov.au", "partner.example.org"],
                "verified_email": False,
            },
        }
    ]


def test_openid_connect_apps_without_domains_or_name_uses_defaults():
    environ = {
        "SSO_OKTA_SERVER_URL": "https://agency.okta.com",
        "SSO_OKTA_CLIENT_ID": "abc",
        "SSO_OKTA_CLIENT_SECRET": "xyz",
        "SSO_OKTA_TRUST_EMAIL": "true",
    }

    [app] = openid_connect_apps(["okta"], environ, default_email_domains=["example.org"])

    assert app["name"] == "okta"
    assert app["settings"]["email_domains"] == ["example.org"]
    assert app["settings"]["verified_email"] is True


def test_openid_connect_apps_hyphenated_id_reads_underscored_variables():
    environ = {
        "SSO_HEALTH_SA_SERVER_URL": "https://sso.health.example.gov.au",
        "SSO_HEALTH_SA_CLIENT_ID": "portal",
        "SSO_HEALTH_SA_CLIENT_SECRET": "secret",
    }

    [app] = openid_connect_apps(["health-sa"], environ, default_email_domains=["example.org"])

    assert app["provider_id"] == "health-sa"
    assert app["client_id"] == "portal"


def test_openid_connect_apps_no_providers_is_empty_list():
    assert openid_connect_apps([""], {}, default_email_domains=["example.org"]) == []


def test_openid_connect_apps_missing_client_secret_names_the_variable():
    environ = {k: v for k, v in AGENCY_ENV.items() if k != "SSO_AGENCY_CLIENT_SECRET"}

    with pytest.raises(ImproperlyConfigured, match="SSO_AGENCY_CLIENT_SECRET is needed"):
        openid_connect_apps(["agency"], environ, default_email_domains=["example.org"])


@pytest.mark.parametrize("provider_id", ["Agency", "agency/1", "1agency"])
def test_openid_connect_apps_id_unfit_for_a_url_is_refused(provider_id):
    with pytest.raises(ImproperlyConfigured, match="is not a provider id"):
        openid_connect_apps([provider_id], AGENCY_ENV, default_email_domains=["example.org"])


def test_openid_connect_apps_trust_email_not_a_boolean_is_refused():
    environ = {**AGENCY_ENV, "SSO_AGENCY_TRUST_EMAIL": "maybe"}

    with pytest.raises(ImproperlyConfigured, match="SSO_AGENCY_TRUST_EMAIL must be true or false"):
        openid_connect_apps(["agency"], environ, default_email_domains=["example.org"])


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("a@agency.example.gov.au", True),
        ("a@north.agency.example.gov.au", True),
        ("a@AGENCY.example.gov.au", True),
        ("a@notagency.example.gov.au", False),
        ("a@agency.example.gov.au.evil.net", False),
    ],
)
def test_domain_allowed_matches_domain_and_subdomains_only(email, expected):
    assert domain_allowed(email, ["agency.example.gov.au"]) is expected


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": ["pwd", "otp"]}, True),
        ({"amr": ["hwk"]}, True),
        ({"amr": ["pwd"]}, False),
        ({"amr": "mfa"}, True),
        ({}, False),
        ({"acr": "urn:agency:loa:2"}, True),
        ({"acr": "urn:agency:loa:1"}, False),
    ],
)
def test_provider_did_mfa_reads_amr_and_configured_acr(claims, expected):
    assert provider_did_mfa(claims, acr_values=["urn:agency:loa:2"]) is expected


# --- Signing in through a provider ----------------------------------------------------------


@pytest.fixture
def agency(settings):
    """One provider, as an operator would configure it in the environment."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": openid_connect_apps(
                ["agency"],
                {**AGENCY_ENV, "SSO_AGENCY_EMAIL_DOMAINS": "agency.example.gov.au"},
                default_email_domains=["example.org"],
            )
        }
    }
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.MFA_REQUIRED = False
    return "agency"


def claims(email, *, sub=None, verified=True, **more):
    return {
        "iss": "https://login.agency.example.gov.au/realms/staff",
        "sub": sub or f"sub-{email}",
        "email": email,
        "email_verified": verified,
        "name": "Robin Example",
        "amr": ["pwd"],
        **more,
    }


def sign_in_with_provider(rf, client, provider_id, id_token):
    """What the provider's callback does once the ID token is in hand: the portal decides
    (the token's signature and the HTTP round trips are tested in tests/browser/test_sso.py).
    The session it leaves is handed to the test client."""
    request = rf.get(reverse("openid_connect_callback", kwargs={"provider_id": provider_id}))
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    with context.request_context(request):
        provider = get_adapter(request).get_provider(request, provider_id)
        sociallogin = provider.sociallogin_from_response(request, {"id_token": id_token})
        response = complete_social_login(request, sociallogin)
    storage = get_messages(request)
    messages = [str(m) for m in storage]
    # Kept for the next page, as the message middleware would.
    storage.used = False
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies.update(carrier.cookies)
    request.session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = request.session.session_key
    return response, messages


@pytest.mark.django_db
def test_sso_first_sign_in_in_allowed_domain_creates_member_and_asks_for_profile(
    rf, client, agency
):
    response, messages = sign_in_with_provider(
        rf, client, agency, claims("robin@agency.example.gov.au")
    )

    user = User.objects.get(email="robin@agency.example.gov.au")
    assert response.status_code == 302
    assert response.url == reverse("members:profile-edit")
    assert user.display_name == "Robin Example"
    assert user.has_usable_password() is False
    assert list(SocialAccount.objects.values_list("user", "provider")) == [(user.pk, "agency")]
    assert EmailAddress.objects.get(user=user).verified is True
    assert messages[0] == (
        "Welcome to the portal. Add your organisation and region so forums and issues can "
        "be matched to you."
    )
    assert client.get(reverse("home")).context["user"] == user


@pytest.mark.django_db
def test_sso_second_sign_in_same_subject_signs_in_same_member(rf, client, agency):
    sign_in_with_provider(rf, client, agency, claims("robin@agency.example.gov.au"))

    response, _ = sign_in_with_provider(rf, client, agency, claims("robin@agency.example.gov.au"))

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


@pytest.mark.django_db
def test_sso_verified_email_of_existing_member_links_to_that_member(rf, client, agency):
    member = UserFactory(email="sam@agency.example.gov.au")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    response, _ = sign_in_with_provider(rf, client, agency, claims("sam@agency.example.gov.au"))

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert User.objects.count() == 1
    assert SocialAccount.objects.get().user == member
    assert client.get(reverse("home")).context["user"] == member
    member.refresh_from_db()
    assert member.check_password(PASSWORD) is True


@pytest.mark.django_db
def test_sso_unverified_email_of_existing_member_is_refused_and_not_linked(rf, client, agency):
    member = UserFactory(email="sam@agency.example.gov.au")

    response, messages = sign_in_with_provider(
        rf, client, agency, claims("sam@agency.example.gov.au", verified=False)
    )

    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert messages == [
        "Your organisation's account (Agency account) did not confirm that "
        "sam@agency.example.gov.au is yours, so it cannot be used to sign in here."
    ]
    assert SocialAccount.objects.count() == 0
    assert User.objects.get() == member
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_sso_trusted_provider_without_email_verified_claim_links(rf, client, agency, settings):
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"]["verified_email"] = (
        True
    )
    member = UserFactory(email="sam@agency.example.gov.au")
    id_token = claims("sam@agency.example.gov.au")
    del id_token["email_verified"]

    response, _ = sign_in_with_provider(rf, client, agency, id_token)

    assert response.url == reverse("home")
    assert SocialAccount.objects.get().user == member


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["robin@gmail.com", "robin@example.org"])
def test_sso_email_outside_provider_domains_is_refused_with_message(rf, client, agency, email):
    response, messages = sign_in_with_provider(rf, client, agency, claims(email))

    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert messages == [
        f"Your organisation's account ({email}) is not from a participating service, so it "
        f"cannot be used to sign in here. Agency account accepts addresses at "
        f"@agency.example.gov.au."
    ]
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0


@pytest.mark.django_db
def test_sso_verified_email_of_member_outside_provider_domains_does_not_link(rf, client, agency):
    member = UserFactory(email="lee@example.org")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    response, _ = sign_in_with_provider(rf, client, agency, claims("lee@example.org"))

    assert response.url == reverse("account_login")
    assert SocialAccount.objects.count() == 0


@pytest.mark.django_db
def test_sso_refusal_message_shows_on_sign_in_page(rf, client, agency):
    sign_in_with_provider(rf, client, agency, claims("robin@gmail.com"))

    page = client.get(reverse("account_login")).content.decode()

    assert "Your organisation&#x27;s account (robin@gmail.com) is not from a participating" in page
    assert "Sign in with Agency account" in page


# --- The provider's second factor -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_provider", "amr", "expected_status"),
    [(True, ["pwd", "mfa"], 200), (True, ["pwd"], 302), (False, ["pwd", "mfa"], 302)],
)
def test_sso_mfa_from_provider_setting_decides_whether_provider_mfa_counts(
    rf, client, agency, settings, from_provider, amr, expected_status
):
    settings.MFA_REQUIRED = True
    settings.SSO_MFA_FROM_PROVIDER = from_provider
    admin = UserFactory(email="chief@agency.example.gov.au", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)

    sign_in_with_provider(rf, client, agency, claims(admin.email, amr=amr))
    response = client.get(reverse("home"))

    assert response.status_code == expected_status
    if expected_status == 302:
        assert response.url == reverse("mfa_index")


@pytest.mark.django_db
def test_sso_mfa_from_provider_acr_in_configured_list_counts(rf, client, agency, settings):
    settings.MFA_REQUIRED = True
    settings.SSO_MFA_FROM_PROVIDER = True
    settings.SSO_MFA_ACR_VALUES = ["gold"]
    admin = UserFactory(email="chief@agency.example.gov.au", is_staff=True)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)

    sign_in_with_provider(rf, client, agency, claims(admin.email, acr="gold"))

    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_sso_mfa_mark_is_dropped_by_a_later_password_sign_in(rf, client, agency, settings):
    settings.MFA_REQUIRED = True
    settings.SSO_MFA_FROM_PROVIDER = True
    admin = UserFactory(email="chief@agency.example.gov.au", is_staff=True)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    sign_in_with_provider(rf, client, agency, claims(admin.email, amr=["mfa"]))
    client.post(reverse("account_logout"))

    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})

    assert client.session[PROVIDER_MFA_SESSION_KEY] is False
    assert client.get(reverse("home")).url == reverse("mfa_index")


# --- Local accounts turned off --------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_local_accounts_off_shows_only_providers(client, agency, settings):
    settings.LOCAL_ACCOUNTS_ENABLED = False

    page = client.get(reverse("account_login")).content.decode()

    assert "Sign in with Agency account" in page
    assert 'name="password"' not in page
    assert "If you have not created an account yet" not in page
    assert "Use a passkey" not in page


@pytest.mark.django_db
def test_login_page_local_accounts_on_shows_providers_and_password_form(client, agency):
    page = client.get(reverse("account_login")).content.decode()

    assert "Sign in with Agency account" in page
    assert 'name="password"' in page
    assert (
        f'method="post" action="{reverse("openid_connect_login", args=["agency"])}?process=login"'
        in page
    )


@pytest.mark.django_db
def test_password_login_post_local_accounts_off_is_refused(client, settings):
    settings.LOCAL_ACCOUNTS_ENABLED = False
    member = UserFactory()

    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})

    assert response.status_code == 200
    assert (
        "Signing in with a password is turned off. Use your organisation&#x27;s account instead."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_signup_local_accounts_off_is_closed(client, settings):
    settings.LOCAL_ACCOUNTS_ENABLED = False

    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_sso_first_sign_in_local_accounts_off_still_creates_member(rf, client, agency, settings):
    settings.LOCAL_ACCOUNTS_ENABLED = False

    response, _ = sign_in_with_provider(rf, client, agency, claims("robin@agency.example.gov.au"))

    assert response.url == reverse("members:profile-edit")
    assert User.objects.filter(email="robin@agency.example.gov.au").count() == 1


@pytest.mark.django_db
def test_sso_sign_in_local_accounts_off_makes_a_kept_password_unusable(
    rf, client, agency, settings, caplog, django_capture_on_commit_callbacks
):
    settings.LOCAL_ACCOUNTS_ENABLED = False
    member = UserFactory(email="sam@agency.example.gov.au")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    with (
        caplog.at_level("INFO", logger="cop_portal.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response, _ = sign_in_with_provider(rf, client, agency, claims(member.email))

    member.refresh_from_db()
    assert response.url == reverse("home")
    assert member.has_usable_password() is False
    assert sorted(r.event for r in caplog.records if r.name == "cop_portal.security") == [
        "password_removed",
        "signed_in",
    ]
    # The sign-in still holds: the session was made with the changed password.
    assert client.get(reverse("home")).context["user"] == member


@pytest.mark.django_db
def test_sso_sign_in_of_a_member_who_left_local_accounts_off_keeps_their_password(
    rf, client, agency, settings
):
    settings.LOCAL_ACCOUNTS_ENABLED = False
    member = UserFactory(email="sam@agency.example.gov.au", is_active=False)
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    response, _ = sign_in_with_provider(rf, client, agency, claims(member.email))

    member.refresh_from_db()
    assert response.url == reverse("account_inactive")
    assert member.has_usable_password() is True


@pytest.mark.django_db
def test_sso_member_with_a_kept_password_local_accounts_off_sets_up_totp_without_reauth(
    rf, client, agency, settings
):
    settings.LOCAL_ACCOUNTS_ENABLED = False
    settings.MFA_REQUIRED = True
    admin = UserFactory(email="chief@agency.example.gov.au", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    sign_in_with_provider(rf, client, agency, claims(admin.email))

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["account_reset_password", "account_change_password", "account_set_password"],
)
def test_password_pages_local_accounts_off_say_the_portal_keeps_none(client, settings, name):
    settings.LOCAL_ACCOUNTS_ENABLED = False
    client.force_login(UserFactory())

    response = client.get(reverse(name))

    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>No password here</h1>" in page
    assert 'name="password' not in page


@pytest.mark.django_db
def test_password_reset_local_accounts_off_sends_no_email(client, settings, mailoutbox):
    settings.LOCAL_ACCOUNTS_ENABLED = False
    member = UserFactory()

    response = client.post(reverse("account_reset_password"), {"email": member.email})

    assert response.status_code == 404
    assert mailoutbox == []


@pytest.mark.django_db
def test_profile_offers_a_password_change_only_with_local_accounts(client, settings):
    client.force_login(UserFactory())
    change = reverse("account_change_password")

    with_local = client.get(reverse("members:profile")).content.decode()
    settings.LOCAL_ACCOUNTS_ENABLED = False
    without = client.get(reverse("members:profile")).content.decode()

    assert f'href="{change}"' in with_local
    assert f'href="{change}"' not in without
