from django.contrib import admin

from members.admin import AuditTrailAdmin

from .models import Comment, Endorsement, IssueEvent, PracticeIssue, Referral, Response, Watch


class ReferralInline(admin.TabularInline):
    model = Referral
    extra = 0
    can_delete = False
    fields = ["forum", "purpose", "agenda_item", "entered_at", "outcome", "left_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class IssueEventInline(admin.TabularInline):
    model = IssueEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "forum", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PracticeIssue)
class PracticeIssueAdmin(admin.ModelAdmin):
    """Issues change only through the portal's services, so their state is read-only here."""

    list_display = ["title", "status", "origin_forum", "current_forum", "raised_by", "submitted_at"]
    list_filter = ["status", "restricted", "current_forum__tier", "practice_areas"]
    list_select_related = ["origin_forum", "current_forum", "raised_by"]
    search_fields = ["title", "description"]
    # Text passes the privacy guard and every change writes an event only through the
    # portal, so here an issue can be read (and deleted by an administrator), not edited.
    readonly_fields = [
        "title",
        "description",
        "practice_areas",
        "restricted",
        "status",
        "origin_forum",
        "current_forum",
        "raised_by",
        "merged_into",
        "submitted_at",
        "closed_at",
    ]
    inlines = [ReferralInline, IssueEventInline]


@admin.register(IssueEvent)
class IssueEventAdmin(AuditTrailAdmin):
    list_display = ["created_at", "issue", "kind", "actor", "from_status", "to_status"]
    list_filter = ["kind"]
    list_select_related = ["issue", "actor"]
    search_fields = ["issue__title", "note"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["issue", "forum", "purpose", "outcome", "entered_at", "left_at"]
    list_filter = ["purpose", "outcome", "forum"]
    list_select_related = ["issue", "forum"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["issue", "owner", "due_date", "scope", "created_at"]
    list_select_related = ["issue", "owner"]


class ReadAndRemoveAdmin(admin.ModelAdmin):
    """Rows people add in the portal, where the privacy guard reads their text, the issue's
    counters are kept and its watchers are told: here they can be read and, by an
    administrator, removed (the counters follow; see feedback.receivers)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Endorsement)
class EndorsementAdmin(ReadAndRemoveAdmin):
    list_display = ["issue", "user", "created_at"]
    list_select_related = ["issue", "user"]


@admin.register(Watch)
class WatchAdmin(ReadAndRemoveAdmin):
    list_display = ["issue", "user", "created_at"]
    list_select_related = ["issue", "user"]


@admin.register(Comment)
class CommentAdmin(ReadAndRemoveAdmin):
    list_display = ["issue", "author", "created_at"]
    list_select_related = ["issue", "author"]
