"""Single sign-on through OpenID Connect: the providers named in the environment, and what an
ID token says about how its holder signed in.

Settings import this module, so it reads only what it is given and imports no models.
"""

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# RFC 8176 methods that show the provider asked for more than a password: "mfa" itself, a
# one-time code, a hardware or software key, a smart card; "fido" is what some providers
# send for a security key.
MFA_AMR_VALUES = frozenset({"mfa", "otp", "hwk", "swk", "sc", "fido"})

# The id is part of the redirect URI (/accounts/oidc/<id>/login/callback/) and, upper-cased,
# of its environment variables.
PROVIDER_ID = re.compile(r"^[a-z][a-z0-9-]*$")
TRUE_WORDS = frozenset({"true", "on", "yes", "1"})
FALSE_WORDS = frozenset({"false", "off", "no", "0", ""})


def provider_env_prefix(provider_id: str) -> str:
    return f"SSO_{provider_id.upper().replace('-', '_')}_"


def openid_connect_apps(
    provider_ids: Iterable[str],
    environ: Mapping[str, str],
    *,
    default_email_domains: Iterable[str],
) -> list[dict]:
    """The allauth `openid_connect` apps for these provider ids, each read from SSO_<ID>_NAME,
    _SERVER_URL, _CLIENT_ID, _CLIENT_SECRET, _EMAIL_DOMAINS and _TRUST_EMAIL."""
    apps = []
    for provider_id in [p.strip() for p in provider_ids if p.strip()]:
        if not PROVIDER_ID.match(provider_id):
            raise ImproperlyConfigured(
                f"SSO_PROVIDERS: {provider_id!r} is not a provider id: use lower-case letters, "
                f"digits and hyphens, starting with a letter (e.g. 'entra')."
            )
        prefix = provider_env_prefix(provider_id)

        def read(name: str, default: str | None = None, *, prefix: str = prefix) -> str:
            value = environ.get(prefix + name, "").strip()
            if value:
                return value
            if default is None:
                raise ImproperlyConfigured(f"{prefix}{name} is needed for SSO_PROVIDERS.")
            return default

        domains = [d.strip().lower().lstrip("@") for d in read("EMAIL_DOMAINS", "").split(",")]
        trust_email = read("TRUST_EMAIL", "false").lower()
        if trust_email not in TRUE_WORDS | FALSE_WORDS:
            raise ImproperlyConfigured(f"{prefix}TRUST_EMAIL must be true or false.")
        apps.append(
            {
                "provider_id": provider_id,
                "name": read("NAME", provider_id),
                "client_id": read("CLIENT_ID"),
                "secret": read("CLIENT_SECRET"),
                "settings": {
                    "server_url": read("SERVER_URL").rstrip("/"),
                    "oauth_pkce_enabled": True,
                    "email_domains": [d for d in domains if d] or list(default_email_domains),
                    # Some providers (Entra ID among them) send no email_verified claim for
                    # addresses they manage themselves; trusting them is the operator's call.
                    "verified_email": trust_email in TRUE_WORDS,
                },
            }
        )
    return apps


def provider_origins(apps: Iterable[dict]) -> list[str]:
    """Where the browser is sent to sign in: the Content Security Policy must allow the sign-in
    form to lead there."""
    origins = []
    for app in apps:
        bits = urlsplit(app["settings"]["server_url"])
        if (origin := f"{bits.scheme}://{bits.netloc}") not in origins:
            origins.append(origin)
    return origins


def domain_allowed(email: str, domains: Iterable[str]) -> bool:
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == d or domain.endswith(f".{d}") for d in domains)


def provider_did_mfa(id_token: Mapping, *, acr_values: Iterable[str]) -> bool:
    """Whether the ID token says its holder signed in with a second factor: an `amr` method
    beyond a password, or an `acr` the operator counts as multi-factor."""
    amr = id_token.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    acr = id_token.get("acr")
    return not MFA_AMR_VALUES.isdisjoint(amr) or (bool(acr) and acr in set(acr_values))
