from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from cop_portal.admin import MadeInThePortal

from .exceptions import GuidanceRefused
from .forms import show_refusal
from .models import GuidanceEvent, GuidanceItem, PracticeLead
from .services import change_guidance, check_guidance_change


class GuidanceEventInline(admin.TabularInline):
    """The item's audit trail: read here, never added to, changed or deleted."""

    model = GuidanceEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "note"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GuidanceItemAdminForm(forms.ModelForm):
    """Asks change_guidance's own checks of a change, so a refusal shows beside its field
    before anything is saved."""

    class Meta:
        model = GuidanceItem
        fields = ["title", "summary", "kind", "practice_areas", "version", "owner", "review_by"]

    def clean(self):
        cleaned = super().clean()
        if "title" not in cleaned or "review_by" not in cleaned:
            return cleaned
        try:
            check_guidance_change(
                self.instance,
                title=cleaned["title"],
                summary=cleaned.get("summary", ""),
                review_by=cleaned["review_by"],
            )
        except GuidanceRefused as refused:
            show_refusal(self, refused)
        return cleaned


@admin.register(GuidanceItem)
class GuidanceItemAdmin(MadeInThePortal, admin.ModelAdmin):
    """Items are added, reviewed and superseded in the portal. Here an administrator corrects
    details or hands an item to a new owner, through change_guidance as the portal's edit
    page does: the privacy guard reads the text, an event is written and a new owner told."""

    form = GuidanceItemAdminForm

    list_display = ["title", "version", "kind", "status", "owner", "review_by"]
    list_filter = ["status", "kind", "practice_areas"]
    list_select_related = ["owner"]
    search_fields = ["title", "summary", "version"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["practice_areas"]
    date_hierarchy = "review_by"
    fields = [
        "title",
        "summary",
        "kind",
        "practice_areas",
        "version",
        "owner",
        "review_by",
        "published_on",
        "url",
        "file",
        "status",
        "superseded_by",
        "created_by",
        "created_at",
    ]
    readonly_fields = [
        "published_on",
        "url",
        "file",
        "status",
        "superseded_by",
        "created_by",
        "created_at",
    ]
    inlines = [GuidanceEventInline]

    def has_change_permission(self, request, obj=None):
        # A superseded item is part of the record as it was replaced: its page is read-only.
        if obj is not None and obj.is_superseded:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        details = form.cleaned_data
        try:
            # The link and file are read-only here: no url keeps the item's own.
            change_guidance(
                obj,
                by=request.user,
                title=details["title"],
                summary=details["summary"],
                kind=details["kind"],
                owner=details["owner"],
                version=details["version"],
                review_by=details["review_by"],
                practice_areas=details["practice_areas"],
            )
        except GuidanceRefused as refused:
            # The form asked the same checks: only a change made since (the item superseded
            # meanwhile) is refused here, and nothing is saved.
            raise PermissionDenied(str(refused)) from refused

    def save_related(self, request, form, formsets, change):
        # change_guidance has set the practice areas; only the inlines are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(PracticeLead)
class PracticeLeadAdmin(admin.ModelAdmin):
    """Administrators name each practice area's leads (principal practitioners): a lead is
    told of issues raised or escalated in the area and may add expert advice on them."""

    list_display = ["practice_area", "user", "organisation", "since"]
    list_filter = ["practice_area", "user__organisation__sector"]
    list_select_related = ["practice_area", "user__organisation"]
    autocomplete_fields = ["user", "practice_area"]
    fields = ["practice_area", "user", "since"]
    search_fields = ["user__email", "user__display_name", "practice_area__name"]
    ordering = ["practice_area__name", "user__display_name"]

    @admin.display(description=_("organisation"), ordering="user__organisation__name")
    def organisation(self, lead: PracticeLead) -> str:
        return str(lead.user.organisation or "")
