from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.contrib.sites.requests import RequestSite


def email_domain_allowed(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == d or domain.endswith(f".{d}") for d in settings.SIGNUP_EMAIL_DOMAINS)


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


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only to people whose email is at a participating service, and links
    in account emails always point at PORTAL_BASE_URL."""

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            allowed = ", ".join(f"@{d}" for d in settings.SIGNUP_EMAIL_DOMAINS)
            raise forms.ValidationError(
                f"Sign-up is open to staff of participating services only. Use your work "
                f"email address (accepted domains: {allowed})."
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
        super().send_mail(template_prefix, email, context)
