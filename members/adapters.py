from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings


def email_domain_allowed(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == d or domain.endswith(f".{d}") for d in settings.SIGNUP_EMAIL_DOMAINS)


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only to people whose email is at a participating service."""

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            allowed = ", ".join(f"@{d}" for d in settings.SIGNUP_EMAIL_DOMAINS)
            raise forms.ValidationError(
                f"Sign-up is open to staff of participating services only. Use your work "
                f"email address (accepted domains: {allowed})."
            )
        return email
