"""Two-factor secrets are stored encrypted, and can be re-encrypted when SECRET_KEY changes."""

import logging
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import call_command
from django.urls import reverse

from members.mfa import encrypt_mfa_secrets, is_encrypted
from tests.members.test_accounts import _activate_totp, totp_code


def stored_secret(member) -> str:
    return Authenticator.objects.get(user=member, type="totp").data["secret"]


@pytest.mark.django_db
def test_an_authenticator_apps_key_is_stored_encrypted_and_still_signs_in(client, member, password):
    secret = _activate_totp(client, member, password)
    client.post(reverse("account_logout"))

    assert secret not in str(Authenticator.objects.filter(user=member).values("data"))
    assert is_encrypted(stored_secret(member))
    client.post(reverse("account_login"), {"login": member.email, "password": password})
    signed_in = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(secret, time.time() + 30)}
    )
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_recovery_codes_seed_is_stored_encrypted_and_a_code_still_signs_in(
    client, member, password
):
    _activate_totp(client, member, password)
    recovery = Authenticator.objects.get(user=member, type="recovery_codes")
    assert is_encrypted(recovery.data["seed"])
    code = RecoveryCodes(recovery).get_unused_codes()[0]
    client.post(reverse("account_logout"))

    client.post(reverse("account_login"), {"login": member.email, "password": password})
    signed_in = client.post(reverse("mfa_authenticate"), {"code": code})

    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_a_key_stored_in_clear_before_is_encrypted_by_the_command_and_still_signs_in(
    client, member, password
):
    secret = _activate_totp(client, member, password)
    Authenticator.objects.filter(user=member, type="totp").update(data={"secret": secret})
    client.post(reverse("account_logout"))

    call_command("encrypt_mfa_secrets")

    assert is_encrypted(stored_secret(member))
    client.post(reverse("account_login"), {"login": member.email, "password": password})
    signed_in = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(secret, time.time() + 30)}
    )
    assert signed_in.status_code == 302


@pytest.mark.django_db
def test_after_secret_key_is_replaced_codes_work_and_the_command_moves_secrets_to_it(
    client, member, password, settings
):
    secret = _activate_totp(client, member, password)
    client.post(reverse("account_logout"))
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "n" * 60, [old_key]

    client.post(reverse("account_login"), {"login": member.email, "password": password})
    first = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, time.time() + 30)})
    assert first.status_code == 302
    client.post(reverse("account_logout"))
    assert encrypt_mfa_secrets() == 2  # the app's key and the recovery codes' seed
    settings.SECRET_KEY_FALLBACKS = []

    client.post(reverse("account_login"), {"login": member.email, "password": password})
    second = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, time.time() - 30)})
    assert second.status_code == 302


@pytest.mark.django_db
def test_the_admin_lists_authenticators_without_their_secrets(client, member, password, settings):
    secret = _activate_totp(client, member, password)
    settings.MFA_REQUIRED = False
    admin = type(member).objects.create_superuser(email="root@example.org", password=password)
    client.force_login(admin)
    totp = Authenticator.objects.get(user=member, type="totp")
    stored = totp.data

    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    changed = client.post(reverse("admin:mfa_authenticator_change", args=[totp.pk]), {"data": "{}"})

    assert page.status_code == 200
    assert stored_secret(member) not in page.content.decode()
    assert secret not in page.content.decode()
    assert changed.status_code == 403
    totp.refresh_from_db()
    assert totp.data == stored


@pytest.mark.django_db
def test_after_secret_key_is_replaced_without_the_old_one_a_code_is_wrong_not_an_error(
    client, member, password, settings, caplog
):
    secret = _activate_totp(client, member, password)
    client.post(reverse("account_logout"))
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "n" * 60, []

    client.post(reverse("account_login"), {"login": member.email, "password": password})
    with caplog.at_level(logging.INFO, logger="cop_portal.security"):
        response = client.post(
            reverse("mfa_authenticate"), {"code": totp_code(secret, time.time() + 30)}
        )

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "mfa_secret_unreadable" in caplog.text
