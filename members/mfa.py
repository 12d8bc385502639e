"""Two-factor secrets at rest: the keys of authenticator apps and the seeds of recovery codes
are stored encrypted, so a copy of the database (a backup, say) cannot produce a member's
codes without the server's SECRET_KEY."""

import base64
import secrets

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.crypto import salted_hmac

from operations.security import security_event

KEY_SALT = "cop_portal.members.mfa.secrets"
# Every Fernet token starts with these characters (its version byte and a timestamp); no
# base32 key or hex seed stored before encryption does.
FERNET_PREFIX = "gAAAAA"
# The authenticators that keep a secret (passkeys keep only public keys).
SECRET_TYPES = ("totp", "recovery_codes")


def _fernet(secret: str) -> Fernet:
    digest = salted_hmac(KEY_SALT, "two-factor secrets", secret=secret, algorithm="sha256")
    return Fernet(base64.urlsafe_b64encode(digest.digest()))


def secrets_box() -> MultiFernet:
    """Encrypts with SECRET_KEY; decrypts with it or any of SECRET_KEY_FALLBACKS, so the key
    can be rotated (`python manage.py encrypt_mfa_secrets` then re-encrypts with the new one)."""
    return MultiFernet([_fernet(settings.SECRET_KEY), *map(_fernet, settings.SECRET_KEY_FALLBACKS)])


def is_encrypted(value: str) -> bool:
    return value.startswith(FERNET_PREFIX)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return secrets_box().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return _opened(secrets_box(), encrypted_text)
        except InvalidToken:
            # Encrypted with a key no longer in SECRET_KEY or SECRET_KEY_FALLBACKS: no code
            # can match it, so the person is told their code is wrong (and can use another
            # method, or be helped by an administrator), rather than meeting an error page.
            security_event("mfa_secret_unreadable")
            return base64.b32encode(secrets.token_bytes(20)).decode()


def _sealed(box: MultiFernet, value: str) -> str:
    token = value.encode()
    return (box.rotate(token) if is_encrypted(value) else box.encrypt(token)).decode()


def _opened(box: MultiFernet, value: str) -> str:
    # One stored before secrets were encrypted is read as it is (encrypt_mfa_secrets
    # encrypts it).
    return box.decrypt(value.encode()).decode() if is_encrypted(value) else value


def _rewrite(data: dict, change) -> dict:
    data = dict(data)
    for name in ("secret", "seed"):
        if isinstance(data.get(name), str):
            data[name] = change(data[name])
    if isinstance(data.get("migrated_codes"), list):
        data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
    return data


def rewrite_stored_secrets(authenticators: QuerySet, *, seal: bool = True) -> int:
    """Encrypt (or, with seal=False, decrypt) the secrets of these authenticators with
    SECRET_KEY, each under its row's lock, as a sign-in may record a recovery code used
    meanwhile; returns how many were rewritten. Secrets encrypted with a key of
    SECRET_KEY_FALLBACKS are re-encrypted with SECRET_KEY."""
    box = secrets_box()
    change = (lambda value: _sealed(box, value)) if seal else (lambda value: _opened(box, value))
    rewritten = 0
    for pk in list(authenticators.filter(type__in=SECRET_TYPES).values_list("pk", flat=True)):
        with transaction.atomic():
            authenticator = authenticators.select_for_update().filter(pk=pk).first()
            if authenticator is None:  # removed meanwhile
                continue
            authenticator.data = _rewrite(authenticator.data, change)
            authenticator.save(update_fields=["data"])
            rewritten += 1
    return rewritten


def encrypt_mfa_secrets() -> int:
    """Every stored two-factor secret encrypted with SECRET_KEY; returns how many."""
    from allauth.mfa.models import Authenticator

    rewritten = rewrite_stored_secrets(Authenticator.objects.all())
    security_event("mfa_secrets_encrypted", count=rewritten)
    return rewritten
