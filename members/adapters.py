import logging
import re
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.utils import user_field
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.requests import RequestSite
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .outbox import loggable
from .services import forget_password
from .sso import domain_allowed, provider_did_mfa

logger = logging.getLogger(__name__)

# Set on a request whose account email the mail server did not take.
EMAIL_NOT_SENT = "account_email_not_sent"
# The tag of the message saying so, which the pages after it read (sign_in.says_email_not_sent).
EMAIL_NOT_SENT_TAG = "email-not-sent"

# Set at sign-in when the identity provider reports a second factor; read by
# MFARequiredMiddleware when SSO_MFA_FROM_PROVIDER is on.
PROVIDER_MFA_SESSION_KEY = "members_provider_mfa"
LOCAL_ACCOUNTS_OFF_MESSAGE = _(
    "Signing in with a password is turned off. Use your organisation's account instead."
)


def email_domain_allowed(email: str) -> bool:
    # A single sign-on provider's domains are participating services too; without them its
    # members' addresses would be dropped before the provider's own check could see them.
    sso_domains = [
        domain
        for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
        for domain in app["settings"].get("email_domains", [])
    ]
    return domain_allowed(email, [*settings.SIGNUP_EMAIL_DOMAINS, *sso_domains])


def provider_email_domains(provider) -> list[str]:
    return provider.app.settings.get("email_domains") or settings.SIGNUP_EMAIL_DOMAINS


def sign_in_refusal(sociallogin) -> str | None:
    """Why a provider's account that matches no linked member may not sign in, or None: its
    email must be verified and in that provider's domains."""
    provider = sociallogin.provider
    # An address outside every participating domain was dropped as invalid, so the claim
    # itself names it in the refusal.
    claimed = provider.extract_common_fields(sociallogin.account.extra_data).get("email")
    if not sociallogin.email_addresses and not claimed:
        return gettext(
            "Your organisation's account (%(provider)s) did not share an email address, "
            "so the portal cannot tell which member you are. Ask your IT team to release "
            "the email claim to the portal."
        ) % {"provider": provider.name}
    domains = provider_email_domains(provider)
    address = sociallogin.email_addresses[0] if sociallogin.email_addresses else None
    if address is None or not domain_allowed(address.email, domains):
        accepted = ", ".join(f"@{d}" for d in domains)
        return gettext(
            "Your organisation's account (%(email)s) is not from a participating service, "
            "so it cannot be used to sign in here. %(provider)s accepts addresses at "
            "%(accepted)s."
        ) % {
            "email": address.email if address else claimed,
            "provider": provider.name,
            "accepted": accepted,
        }
    if not address.verified:
        return gettext(
            "Your organisation's account (%(provider)s) did not confirm that %(email)s is "
            "yours, so it cannot be used to sign in here."
        ) % {"provider": provider.name, "email": address.email}
    return None


def on_portal(url: str) -> str:
    """The same link on PORTAL_BASE_URL: the request's Host header is chosen by whoever
    sends the request, so it never decides where an emailed link points."""
    bits = urlsplit(url)
    return f"{settings.PORTAL_BASE_URL}{bits.path}" + (f"?{bits.query}" if bits.query else "")


class PortalSite(RequestSite):
    """The site named in emails: the portal at PORTAL_BASE_URL, whatever host was asked for."""

    def __init__(self) -> None:
        self.domain = urlsplit(settings.PORTAL_BASE_URL).netloc
        self.name = settings.PORTAL_NAME


def confirm_provider_email(user, sociallogin) -> None:
    """The member's own address counts as verified once their provider has vouched for it, so
    mandatory email verification does not stop a sign-in the provider has already checked."""
    vouched = {a.email.lower() for a in sociallogin.email_addresses if a.verified}
    if user.email.lower() not in vouched:
        return
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=user.email,
            verified=True,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only to people whose email is at a participating service, and links
    in account emails always point at PORTAL_BASE_URL."""

    def is_open_for_signup(self, request) -> bool:
        return settings.LOCAL_ACCOUNTS_ENABLED

    def pre_authenticate(self, request, **credentials) -> None:
        # The form is not shown when local accounts are off, but a crafted POST still arrives.
        if not settings.LOCAL_ACCOUNTS_ENABLED and "password" in credentials:
            raise forms.ValidationError(LOCAL_ACCOUNTS_OFF_MESSAGE)
        super().pre_authenticate(request, **credentials)

    def pre_login(self, request, user, *, signal_kwargs, **kwargs):
        # allauth's own check first: a member who left is turned away with nothing changed.
        refused = super().pre_login(request, user, signal_kwargs=signal_kwargs, **kwargs)
        if refused is not None:
            return refused
        # After allauth has wiped the password of an account whose address nobody had
        # verified, so whoever set that password cannot sign in with it.
        if sociallogin := (signal_kwargs or {}).get("sociallogin"):
            confirm_provider_email(user, sociallogin)
            if not settings.LOCAL_ACCOUNTS_ENABLED:
                # Before the session records the password's hash, so it stays valid (the
                # member's other sessions, signed in by password, end).
                forget_password(user, request=request)
        return None

    def post_login(self, request, user, *, signal_kwargs, signup, redirect_url, **kwargs):
        sociallogin = (signal_kwargs or {}).get("sociallogin")
        # After the session key has been cycled, so the mark belongs to this sign-in only.
        request.session[PROVIDER_MFA_SESSION_KEY] = bool(
            sociallogin
            and provider_did_mfa(
                sociallogin.account.extra_data.get("id_token") or {},
                acr_values=settings.SSO_MFA_ACR_VALUES,
            )
        )
        if sociallogin and signup and not redirect_url:
            redirect_url = reverse("members:profile-edit")
            messages.info(
                request,
                gettext(
                    "Welcome to the portal. Add your organisation and region so forums and "
                    "issues can be matched to you."
                ),
            )
        return super().post_login(
            request,
            user,
            signal_kwargs=signal_kwargs,
            signup=signup,
            redirect_url=redirect_url,
            **kwargs,
        )

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            allowed = ", ".join(f"@{d}" for d in settings.SIGNUP_EMAIL_DOMAINS)
            raise forms.ValidationError(
                gettext(
                    "Sign-up is open to staff of participating services only. Use your work "
                    "email address (accepted domains: %(allowed)s)."
                )
                % {"allowed": allowed}
            )
        return email

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_portal(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_portal(super().get_email_confirmation_url(request, emailconfirmation))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Other links allauth puts in its emails (sign-up, password reset for an unknown or
        # existing account) are built from the request, so they are moved onto the portal too.
        request = allauth_context.request
        origin = request.build_absolute_uri("/") if request is not None else None
        context = {
            name: on_portal(value)
            if origin and isinstance(value, str) and value.startswith(origin)
            else value
            for name, value in context.items()
        }
        context["current_site"] = PortalSite()
        try:
            super().send_mail(template_prefix, email, context)
        except Exception as exc:
            # The mail server is down or refused the address: the person is told, and can
            # ask again, instead of meeting an error page after their change was made.
            logger.error("Account email %s not sent: %s", template_prefix, loggable(exc))
            if request is None:
                raise
            setattr(request, EMAIL_NOT_SENT, True)
            messages.error(
                request,
                gettext(
                    "We could not send you the email just now. Please try again in a few minutes."
                ),
                extra_tags=EMAIL_NOT_SENT_TAG,
            )

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        # "We have sent you an email" is not said of an email that could not be sent.
        if getattr(request, EMAIL_NOT_SENT, False) and (message_template or "").endswith(
            "_sent.txt"
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A provider's account signs in as the member it was linked to; the first time, it links
    to the member with the same verified email, or creates one, when that email is in the
    provider's domains. Anything else is refused on the sign-in page."""

    def list_apps(self, request, provider=None, client_id=None):
        # A provider id in an address is an identifier; anything else (a NUL byte, say) names
        # no provider and never reaches the database.
        if provider is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", provider):
            return []
        return super().list_apps(request, provider=provider, client_id=client_id)

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Local sign-up may be off; pre_social_login has already checked the domain.
        return True

    def can_authenticate_by_email(self, login, email: str) -> bool:
        # A provider only speaks for its own domains, so it cannot take over a member of
        # another service by sending their address.
        return domain_allowed(email, provider_email_domains(login.provider))

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.account.pk is not None:
            return
        if refusal := sign_in_refusal(sociallogin):
            messages.error(request, refusal)
            raise ImmediateHttpResponse(redirect("account_login"))

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user_field(user, "display_name", (data.get("name") or "").strip())
        return user
