from urllib.parse import urlsplit

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from .adapters import PROVIDER_MFA_SESSION_KEY
from .rules import must_use_mfa

# Pages someone who must set up a second factor can still reach: the set-up pages themselves,
# the password confirmation they ask for, the way out, and their email addresses (allauth
# adds no factor while an address is unverified: it must be confirmed or removed first).
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_list_webauthn",
        "mfa_add_webauthn",
        "mfa_reauthenticate_webauthn",
        "account_reauthenticate",
        "account_logout",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "healthz",
    }
)
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class MFARequiredMiddleware:
    """Sends anyone who must use two-factor authentication (members.rules.must_use_mfa) and
    has no authenticator yet to set one up, before anything else, unless SSO_MFA_FROM_PROVIDER
    lets the identity provider's second factor for this sign-in stand in for one."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_path = urlsplit(settings.STATIC_URL).path

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            not settings.MFA_REQUIRED
            or not request.user.is_authenticated
            or request.resolver_match.url_name in MFA_SETUP_URL_NAMES
            or request.path.startswith(self.static_path)
            or not must_use_mfa(request.user)
            or get_mfa_adapter().is_mfa_enabled(request.user, types=SECOND_FACTORS)
            or (settings.SSO_MFA_FROM_PROVIDER and request.session.get(PROVIDER_MFA_SESSION_KEY))
        ):
            return None
        messages.warning(
            request,
            gettext(
                "Your role in the portal needs two-factor authentication. Set up an "
                "authenticator app or a security key to continue."
            ),
        )
        return redirect("mfa_index")


# allauth's pages for a password of the portal's own.
PASSWORD_URL_NAMES = frozenset(
    {
        "account_change_password",
        "account_set_password",
        "account_reset_password",
        "account_reset_password_done",
        "account_confirm_password_reset_code",
        "account_complete_password_reset",
        "account_password_reset_completed",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
    }
)
# The admin's own: to change one's password, and to set another member's.
ADMIN_PASSWORD_VIEWS = frozenset(
    {
        "admin:password_change",
        "admin:password_change_done",
        "admin:auth_user_password_change",
    }
)


class PasswordsOffMiddleware:
    """Where people sign in only with their organisation's account (LOCAL_ACCOUNTS_ENABLED
    off), the portal keeps no password: its pages to set, change or reset one say so instead
    of taking one that could never be used, and send no reset email."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.LOCAL_ACCOUNTS_ENABLED:
            return None
        match = request.resolver_match
        if match is None or (
            match.url_name not in PASSWORD_URL_NAMES and match.view_name not in ADMIN_PASSWORD_VIEWS
        ):
            return None
        return TemplateResponse(request, "account/passwords_off.html", status=404)
