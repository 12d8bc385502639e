"""What the portal holds about one member, as one JSON document they can download.

Each app that keeps something about a person registers a section in its AppConfig.ready(),
so this app never imports the apps that build on it.
"""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from .models import Notification, NotificationPreference, User

Section = Callable[[User], Any]
_sections: dict[str, Section] = {}


def register_section(name: str, collect: Section) -> None:
    _sections[name] = collect


def stamp(value) -> str | None:
    return value.isoformat() if value is not None else None


def _profile(user: User) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "job_title": user.job_title,
        "organisation": user.organisation.name if user.organisation else None,
        "region": user.region.name if user.region else None,
        "practice_areas": [area.name for area in user.practice_areas.all()],
        "joined": stamp(user.date_joined),
        "last_signed_in": stamp(user.last_login),
    }


def _notifications(user: User) -> list[dict]:
    return [
        {
            "subject": notification.subject,
            "body": notification.body,
            "link": notification.url,
            "created": stamp(notification.created_at),
            "read": stamp(notification.read_at),
            "emailed": stamp(notification.sent_at),
        }
        for notification in Notification.objects.filter(recipient=user).order_by("created_at")
    ]


def _notification_preferences(user: User) -> list[dict]:
    """How they chose to hear of each kind of notice; a kind not listed comes at once."""
    return [
        {
            "kind": preference.get_kind_display(),
            "email": preference.get_delivery_display(),
            "chosen": stamp(preference.updated_at),
        }
        for preference in NotificationPreference.objects.filter(user=user).order_by("kind")
    ]


def _sign_in(user: User) -> dict:
    """How they sign in: their addresses, the organisation accounts linked to them (with what
    the organisation said of them), and their two-factor methods. No secret is included."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    return {
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "organisation_accounts": [
            {
                "provider": account.provider,
                "account_id": account.uid,
                "linked": stamp(account.date_joined),
                "last_signed_in": stamp(account.last_login),
                "details_from_the_organisation": account.extra_data,
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_methods": [
            {
                "kind": authenticator.get_type_display(),
                "name": authenticator.data.get("name", "")
                if authenticator.type == Authenticator.Type.WEBAUTHN
                else "",
                "added": stamp(authenticator.created_at),
                "last_used": stamp(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def personal_data(user: User) -> dict:
    """The whole document: profile, notifications and how they come, how they sign in, then
    each registered app's section."""
    user = (
        User.objects.select_related("organisation", "region")
        .prefetch_related("practice_areas")
        .get(pk=user.pk)
    )
    return {
        "exported_at": stamp(timezone.now()),
        "profile": _profile(user),
        "notifications": _notifications(user),
        "notification_preferences": _notification_preferences(user),
        "sign_in": _sign_in(user),
        **{name: collect(user) for name, collect in sorted(_sections.items())},
    }
