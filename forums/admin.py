from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdmin

from members.admin import AuditTrailAdmin

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Decision,
    Forum,
    ForumAgendaDefault,
    ForumEvent,
    Meeting,
    MeetingReminder,
    MeetingSeries,
    Membership,
    MinutesRevision,
    Resource,
    Rsvp,
)


class ForumAgendaDefaultInline(admin.TabularInline):
    model = ForumAgendaDefault
    extra = 0
    verbose_name_plural = _("default minutes per kind of agenda item")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Forum)
class ForumAdmin(ObjectPermissionsModelAdmin):
    list_display = ["name", "tier", "region"]
    list_filter = ["tier"]
    list_select_related = ["region"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [MembershipInline, ForumAgendaDefaultInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "forum", "role", "joined_at"]
    list_filter = ["role", "forum__tier", "forum"]
    list_select_related = ["user", "forum"]
    autocomplete_fields = ["user", "forum"]
    search_fields = ["user__email", "user__display_name", "forum__name"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fk_name = "meeting"
    extra = 0
    fields = ["position", "title", "kind", "minutes_allotted", "presenter"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "forum", "start", "status"]
    list_filter = ["status", "forum__tier", "forum"]
    list_select_related = ["forum"]
    date_hierarchy = "start"
    search_fields = ["title", "forum__name"]
    # Times and status change through the portal, which raises the calendar SEQUENCE,
    # writes the audit event and tells members; here they can only be read.
    readonly_fields = [
        "uid",
        "start",
        "end",
        "status",
        "sequence",
        "published_at",
        "created_at",
        "updated_at",
    ]
    inlines = [AgendaItemInline]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "forum", "created_at"]
    list_select_related = ["forum"]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "position", "kind", "minutes_allotted"]
    list_filter = ["kind"]
    list_select_related = ["meeting", "meeting__forum"]
    search_fields = ["title"]


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "response", "updated_at"]
    list_filter = ["response"]
    list_select_related = ["meeting", "user"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "recorded_at"]
    list_select_related = ["meeting", "user"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "created_at"]
    list_select_related = ["meeting"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "due_date", "status", "forum"]
    list_filter = ["status", "forum"]
    list_select_related = ["owner", "forum"]
    search_fields = ["title"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "forum", "meeting", "created_at"]
    list_filter = ["kind", "forum"]
    list_select_related = ["forum", "meeting"]
    # Files are added in the portal, where their content is checked; here they are only
    # downloaded, through the same permission-checked view.
    exclude = ["file"]
    readonly_fields = ["download"]

    @admin.display(description=_("File"))
    def download(self, resource):
        if not resource.file:
            return "—"
        return format_html('<a href="{}">{}</a>', resource.href, resource.file.name)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    list_select_related = ["user"]
    exclude = ["token"]


@admin.register(MeetingReminder)
class MeetingReminderAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "sent_at"]
    list_select_related = ["meeting", "user"]


@admin.register(ForumEvent)
class ForumEventAdmin(AuditTrailAdmin):
    list_display = ["created_at", "forum", "meeting", "kind", "actor"]
    list_filter = ["kind", "forum"]
    list_select_related = ["forum", "meeting", "actor"]


@admin.register(MinutesRevision)
class MinutesRevisionAdmin(AuditTrailAdmin):
    """Each saved state of a meeting's minutes: the record of who changed what, and when."""

    list_display = ["meeting", "number", "author", "created_at", "published_at"]
    list_filter = ["meeting__forum"]
    list_select_related = ["meeting", "author"]
