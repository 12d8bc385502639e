from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from cop_portal.admin import LargeTableAdmin, ReadHere

from .choices import Delivery
from .models import (
    Notification,
    NotificationPreference,
    Organisation,
    PracticeArea,
    Region,
    User,
)
from .services import deactivate_account, reactivate_account, set_notification_preferences


class AuditTrailAdmin(ReadHere, admin.ModelAdmin):
    """An append-only audit trail: it can be read here, never added to, changed or deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


class OneMemberPerAddress:
    """A member's email address, as the portal keeps it (lower case), taken by no other
    member in any case: sign-in, single sign-on and sign-up all find a member by address
    whatever its case, so two addresses differing only in case would be one person twice."""

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A member with this email address already exists."))
        return email


class MemberCreationForm(OneMemberPerAddress, AdminUserCreationForm):
    pass


class MemberChangeForm(OneMemberPerAddress, UserChangeForm):
    pass


class SingleSignOnUserCreationForm(OneMemberPerAddress, AdminUserCreationForm):
    """With local accounts off, a member is added by their email address alone: they sign in
    through their organisation, and a password could never be used."""

    def validate_passwords(self, *args, **kwargs):
        self.cleaned_data["set_usable_password"] = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "organisation", "region", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "region", "organisation__sector"]
    list_select_related = ["organisation", "region"]
    search_fields = ["email", "display_name", "job_title"]
    filter_horizontal = ["groups", "user_permissions", "practice_areas"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["display_name", "job_title", "organisation", "region", "practice_areas"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    def save_model(self, request, obj, form, change):
        # A member made inactive here leaves as they would themselves: what is owed to them
        # and held for them goes (deactivate_account), not only the flag.
        # One made active again returns through reactivate_account, which records it.
        toggled = change and "is_active" in form.changed_data
        leaving, returning = toggled and not obj.is_active, toggled and obj.is_active
        if toggled:
            obj.is_active = not obj.is_active
        super().save_model(request, obj, form, change)
        if leaving:
            deactivate_account(obj, by=request.user)
            obj.is_active = False
        if returning:
            reactivate_account(obj, by=request.user)
            obj.is_active = True

    # Who may do everything, and be granted what: only an administrator decides.
    granting_fields = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return [*readonly, *self.granting_fields]

    @staticmethod
    def _kept_for_administrators(request, obj) -> bool:
        """A member of staff allowed to change members changes no account of staff (their
        own included) or of an administrator, nor its password: taking over one would give
        them what that account may do."""
        return (
            obj is not None and not request.user.is_superuser and (obj.is_staff or obj.is_superuser)
        )

    def has_change_permission(self, request, obj=None):
        if self._kept_for_administrators(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._kept_for_administrators(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is None and not settings.LOCAL_ACCOUNTS_ENABLED:
            return [(None, {"classes": ["wide"], "fields": ["email"]})]
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not settings.LOCAL_ACCOUNTS_ENABLED:
            kwargs["form"] = SingleSignOnUserCreationForm
        return super().get_form(request, obj, **kwargs)


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(BaseAuthenticatorAdmin):
    """A member's authenticators can be listed, and removed when a phone is lost; their secrets
    are never shown or changed here."""

    exclude = ["data"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Removing a second factor of staff or an administrator lets whoever holds their
        # password set up their own: only an administrator may, as with their accounts.
        if obj is not None and UserAdmin._kept_for_administrators(request, obj.user):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector"]
    list_filter = ["sector"]
    search_fields = ["name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(PracticeArea)
class PracticeAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Notification)
class NotificationAdmin(ReadHere, LargeTableAdmin):
    """Notices are written by the services that send them; one still to be emailed is never
    rewritten here."""

    list_display = ["subject", "recipient", "kind", "delivery", "created_at", "read_at", "sent_at"]
    list_filter = ["kind", "delivery"]
    list_select_related = ["recipient"]
    # A person's notifications are read from their own index; their subjects from none.
    search_fields = ["=recipient__email"]
    search_help_text = _("The recipient's email address.")
    readonly_fields = ["recipient", "created_at", "sent_at"]

    # What a notice says (its subject is its name everywhere here) can name a restricted
    # issue or a draft meeting: only administrators read notices here, whatever other staff
    # may be granted.
    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """How someone hears of each kind of notice, set as on their own settings page: the
    notices still owed an email follow the new choice."""

    list_display = ["user", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # Another person or kind is another preference: only the delivery changes.
        return ["user", "kind"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        set_notification_preferences(obj.user, {obj.kind: obj.delivery})
        obj.pk = NotificationPreference.objects.get(user=obj.user, kind=obj.kind).pk

    def delete_model(self, request, obj):
        # Without a preference a kind is emailed at once, and so are the notices it owes.
        set_notification_preferences(obj.user, {obj.kind: Delivery.IMMEDIATE})
        NotificationPreference.objects.filter(pk=obj.pk).delete()

    def get_actions(self, request):
        # One at a time, as delete_model keeps the owed notices in step.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
