from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import GuidanceEvent, GuidanceItem, PracticeLead


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


@admin.register(GuidanceItem)
class GuidanceItemAdmin(admin.ModelAdmin):
    """Items are added, reviewed and superseded in the portal, where each change writes its
    event; here an administrator corrects details or hands an item to a new owner."""

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

    def has_add_permission(self, request):
        return False


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
