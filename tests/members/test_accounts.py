import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
import socket
import struct
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.urls import reverse

from members.models import User
from tests.factories.members import UserFactory


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 code, as an authenticator app on a phone computes it."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def sign_up(client, email, password="a-long-new-password-2026"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password},
    )


@pytest.mark.django_db
def test_signup_with_allowed_domain_creates_member_and_signs_in(client):
    response = sign_up(client, "new.worker@example.org")

    assert response.status_code == 302
    user = User.objects.get(email="new.worker@example.org")
    assert user.display_name == "new.worker"
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_signup_with_subdomain_of_allowed_domain_is_accepted(client):
    response = sign_up(client, "lead@north.example.gov.au")

    assert response.status_code == 302
    assert User.objects.filter(email="lead@north.example.gov.au").exists()


@pytest.mark.django_db
def test_signup_with_refused_domain_shows_message_and_keeps_email(client):
    response = sign_up(client, "someone@gmail.com")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign-up is open to staff of participating services only" in html
    assert "@example.org" in html
    assert 'value="someone@gmail.com"' in html
    assert not User.objects.filter(email="someone@gmail.com").exists()


@pytest.mark.django_db
def test_signup_when_verification_mandatory_sends_link_that_verifies(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    response = sign_up(client, "verify.me@example.org")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["verify.me@example.org"]
    link = re.search(
        rf"{re.escape(settings.PORTAL_BASE_URL)}(/accounts/confirm-email/\S+/)", mail.outbox[0].body
    )
    assert link is not None
    assert client.get(reverse("home")).status_code == 302

    confirm = client.post(link.group(1))

    assert confirm.status_code == 302
    assert EmailAddress.objects.get(email="verify.me@example.org").verified is True


@pytest.mark.django_db
def test_login_when_verification_mandatory_and_unverified_is_held_back(client, settings, password):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    user = UserFactory(email="unverified@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = client.post(reverse("account_login"), {"login": user.email, "password": password})

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1


COULD_NOT_SEND = "We could not send you the email just now. Please try again in a few minutes."


@pytest.mark.django_db
def test_login_unverified_with_the_mail_server_down_says_so_instead_of_failing(
    client, settings, password, mail_server_down, caplog
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    user = UserFactory(email="unverified@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    with caplog.at_level(logging.ERROR, logger="members"):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": password}, follow=True
        )

    page = response.content.decode()
    assert response.status_code == 200
    assert COULD_NOT_SEND in page
    assert "Confirmation email sent" not in page
    assert "We have sent an email to you" not in page
    assert "the email with the link could not be sent just now" in page
    assert f'<div class="alert alert-danger">{COULD_NOT_SEND}</div>' in page
    assert "_auth_user_id" not in client.session
    assert "ConnectionRefusedError" in caplog.text
    assert user.email not in caplog.text


@pytest.mark.django_db
def test_password_reset_with_the_mail_server_down_says_so_instead_of_failing(
    client, member, mail_server_down
):
    response = client.post(reverse("account_reset_password"), {"email": member.email}, follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert COULD_NOT_SEND in page
    assert "We have sent you an email" not in page
    assert "Ask for it again" in page


@pytest.fixture
def mail_server_stalled(settings):
    """A mail server that takes the connection and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_TIMEOUT = 1
    yield
    listener.close()


def test_the_portal_waits_on_the_mail_server_for_a_bounded_time(settings):
    assert 0 < settings.EMAIL_TIMEOUT <= 30


@pytest.mark.django_db
def test_password_reset_with_a_stalled_mail_server_says_so_instead_of_hanging(
    client, member, mail_server_stalled
):
    response = client.post(reverse("account_reset_password"), {"email": member.email}, follow=True)

    assert response.status_code == 200
    assert COULD_NOT_SEND in response.content.decode()


@pytest.mark.django_db
def test_login_with_right_password_signs_in(client, member, password):
    response = client.post(reverse("account_login"), {"login": member.email, "password": password})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_login_with_wrong_password_shows_error_and_keeps_email(client, member):
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "wrong-password"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in html
    assert f'value="{member.email}"' in html


@pytest.mark.django_db
def test_login_after_too_many_failures_is_rate_limited(client, member, password):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})

    response = client.post(reverse("account_login"), {"login": member.email, "password": password})

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_signs_out(member_client):
    response = member_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in member_client.session
    assert member_client.get(reverse("home")).status_code == 302


def _sign_in_and_confirm_password(client, member, password) -> None:
    client.post(reverse("account_login"), {"login": member.email, "password": password})
    # Turning on MFA asks for the password again, as it should.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": password})


def _activate_totp(client, member, password) -> str:
    _sign_in_and_confirm_password(client, member, password)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    return secret


@pytest.mark.django_db
def test_mfa_setup_then_login_asks_for_code_and_accepts_right_one(client, member, password):
    secret = _activate_totp(client, member, password)
    client.post(reverse("account_logout"))

    first = client.post(reverse("account_login"), {"login": member.email, "password": password})

    assert first.status_code == 302
    assert first.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    second = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, time.time() + 30)})
    assert second.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_mfa_login_with_wrong_code_shows_error_and_stays_signed_out(client, member, password):
    secret = _activate_totp(client, member, password)
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": member.email, "password": password})
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_mfa_activation_with_wrong_code_shows_error_and_keeps_it(client, member, password):
    _sign_in_and_confirm_password(client, member, password)
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert 'value="000000"' in response.content.decode()


@pytest.mark.django_db
def test_password_reset_emails_link_that_sets_new_password(client, member, settings):
    client.post(reverse("account_reset_password"), {"email": member.email})

    assert len(mail.outbox) == 1
    link = re.search(
        rf"{re.escape(settings.PORTAL_BASE_URL)}(/accounts/password/reset/key/\S+/)",
        mail.outbox[0].body,
    )
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    new_password = "a-brand-new-password-2026"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": new_password, "password2": new_password},
    )

    assert done.status_code == 302
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": new_password}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_mfa_recovery_code_signs_in_when_phone_is_lost(client, member, password):
    _activate_totp(client, member, password)
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    assert codes_page.status_code == 200
    codes = codes_page.context["unused_codes"]
    assert len(codes) == 10
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": member.email, "password": password})

    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_login_with_pbkdf2_hash_upgrades_it_to_argon2(client, settings, password):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(password=make_password(password, hasher="pbkdf2_sha256"))

    response = client.post(reverse("account_login"), {"login": user.email, "password": password})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def _fail_login(client, email: str, address: str):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": "wrong-password"},
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.mark.django_db
def test_login_failures_behind_trusted_proxy_are_limited_per_client_address(
    client, settings, member, password
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        _fail_login(client, f"someone{n}@example.org", "203.0.113.7")

    limited = client.post(
        reverse("account_login"),
        {"login": member.email, "password": password},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    other_address = client.post(
        reverse("account_login"),
        {"login": member.email, "password": password},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )

    assert "Too many failed login attempts" in limited.content.decode()
    assert other_address.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_login_failures_without_trusted_proxy_ignore_forwarded_for(client, settings, member):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        _fail_login(client, f"someone{n}@example.org", f"203.0.113.{n}")

    response = _fail_login(client, member.email, "198.51.100.20")

    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_login_sixth_failure_for_one_account_from_many_addresses_is_refused(
    client, settings, member, password
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        _fail_login(client, member.email, f"203.0.113.{n}")

    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": password},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_when_cache_unreachable_signs_in_and_logs_warning(
    client, settings, member, password, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "cop_portal.cache.ForgivingRedisCache",
            # Nothing listens on port 1: connections are refused at once.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

    with caplog.at_level(logging.WARNING, logger="cop_portal.cache"):
        response = client.post(
            reverse("account_login"), {"login": member.email, "password": password}
        )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    assert [r.getMessage().split(";")[0] for r in caplog.records] == [
        "Cache unreachable (Error 111 connecting to 127.0.0.1:1. Connection refused.)"
    ]


@pytest.mark.django_db
def test_an_authenticator_code_is_not_accepted_twice_while_the_cache_is_unreachable(
    client, member, password, cache_unreachable
):
    secret = _activate_totp(client, member, password)
    code = totp_code(secret, time.time() + 30)
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": member.email, "password": password})
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))

    # Someone who saw the code typed tries it again, with the password.
    client.post(reverse("account_login"), {"login": member.email, "password": password})
    again = client.post(reverse("mfa_authenticate"), {"code": code})

    assert again.status_code == 200
    assert "Incorrect code." in again.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_guesses_at_an_authenticator_code_are_limited_while_the_cache_is_unreachable(
    client, member, password, cache_unreachable
):
    secret = _activate_totp(client, member, password)
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": member.email, "password": password})
    right = totp_code(secret, time.time() + 30)
    for guess in range(5):
        wrong = f"{(int(right) + 7 + guess) % 1_000_000:06d}"
        client.post(reverse("mfa_authenticate"), {"code": wrong})

    response = client.post(reverse("mfa_authenticate"), {"code": right})

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_link_uses_portal_base_url_not_request_host(client, settings, member):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    settings.PORTAL_BASE_URL = "https://portal.example.org"

    client.post(
        reverse("account_reset_password"), {"email": member.email}, HTTP_HOST="evil.example"
    )

    body = mail.outbox[0].body
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", body)
    assert link is not None
    assert link.group(0).startswith("https://portal.example.org/accounts/password/reset/key/")
    assert "evil.example" not in body


@pytest.mark.django_db
def test_password_reset_for_unknown_email_links_to_portal_base_url(client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    settings.PORTAL_BASE_URL = "https://portal.example.org"

    client.post(
        reverse("account_reset_password"), {"email": "nobody@example.org"}, HTTP_HOST="evil.example"
    )

    body = mail.outbox[0].body
    assert "https://portal.example.org/accounts/signup/" in body
    assert "evil.example" not in body


@pytest.mark.django_db
def test_signup_confirmation_link_uses_portal_base_url_not_request_host(client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    client.post(
        reverse("account_signup"),
        {
            "email": "new.lead@example.org",
            "password1": "a-long-new-password-2026",
            "password2": "a-long-new-password-2026",
        },
        HTTP_HOST="evil.example",
    )

    body = mail.outbox[0].body
    assert re.search(r"https://portal\.example\.org/accounts/confirm-email/\S+/", body)
    assert "evil.example" not in body


@pytest.mark.django_db
def test_making_another_address_primary_long_after_signing_in_asks_for_the_password(
    client, member, password, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    EmailAddress.objects.create(user=member, email="taken.over@example.org", verified=True)
    client.post(reverse("account_login"), {"login": member.email, "password": password})
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC), tick=False)

    response = client.post(
        reverse("account_email"), {"action_primary": "", "email": "taken.over@example.org"}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    member.refresh_from_db()
    assert member.email != "taken.over@example.org"
    assert EmailAddress.objects.get(user=member, primary=True).email == member.email
