from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from cop_portal.admin import (
    KeptForTheRecord,
    LargeTableAdmin,
    MadeInThePortal,
    ReadHere,
    SeenAsInThePortal,
    list_link,
)
from members.admin import AuditTrailAdmin

from .exceptions import OwnerRefused
from .forms.issues import REFERENCE_PATTERN
from .models import Comment, Endorsement, IssueEvent, PracticeIssue, Referral, Response, Watch
from .models.issues import reference_of
from .selectors import search_issues, visible_issue
from .services.responses import correct_response_dates, hand_over_response, refuse_owner


def issue_number(search_term: str) -> int | None:
    """The issue a search names by its reference (PI-01234) or number, or None."""
    match = REFERENCE_PATTERN.fullmatch(search_term.strip())
    return int(match["number"]) if match else None


class ByIssueReference(SeenAsInThePortal):
    """A list of an issue's rows, searched by the issue's reference: the issue's own index
    finds them, where a search of their text would read the whole table. A row is seen as
    its issue is."""

    def visible_rows(self, user):
        return visible_issue(user, "issue")

    search_fields = ["issue"]
    search_help_text = _("An issue's reference, such as PI-01234, or its number.")

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        number = issue_number(search_term)
        if number is None:
            return queryset.none(), False
        return queryset.filter(issue_id=number), False


class ReferralInline(admin.TabularInline):
    model = Referral
    extra = 0
    can_delete = False
    fields = ["forum", "purpose", "agenda_item", "entered_at", "outcome", "left_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("issue", "forum", "agenda_item__meeting")
        )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PracticeIssue)
class PracticeIssueAdmin(SeenAsInThePortal, ReadHere, LargeTableAdmin):
    """Issues change only through the portal's services, so their state is read-only here."""

    def visible_rows(self, user):
        return visible_issue(user)

    def get_deleted_objects(self, objs, request):
        # An issue's stays and response, never deleted on their own, go with it.
        deleted, counts, refused, protected = super().get_deleted_objects(objs, request)
        with_the_issue = {str(Referral._meta.verbose_name), str(Response._meta.verbose_name)}
        return deleted, counts, refused - with_the_issue, protected

    list_display = ["title", "status", "origin_forum", "current_forum", "raised_by", "submitted_at"]
    list_filter = ["status", "restricted", "current_forum__tier", "practice_areas"]
    list_select_related = ["origin_forum", "current_forum", "raised_by"]
    search_fields = ["title", "description"]
    search_help_text = _("Words of the title or description, or an issue's reference.")
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
        "merged_into_reference",
        "submitted_at",
        "closed_at",
        "related_guidance",
        "timeline",
    ]
    # Named by reference only (merged_into_reference).
    exclude = ["merged_into"]
    # The timeline can run to a thousand events: it is listed, a page at a time, on its own.
    inlines = [ReferralInline]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        number = issue_number(term)
        # The stored, indexed search vector on PostgreSQL, as the portal's own search.
        if number is None:
            return search_issues(queryset, term), False
        if not term.isdigit():
            return queryset.filter(pk=number), False
        # A bare number is an issue's number, or a word (a year) of its text.
        return queryset.filter(pk=number) | search_issues(queryset, term), False

    @admin.display(description=_("merged into"))
    def merged_into_reference(self, issue: PracticeIssue) -> str:
        # By reference: the primary may be restricted where its duplicate is not.
        return reference_of(issue.merged_into_id) if issue.merged_into_id else "—"

    @admin.display(description=_("timeline"))
    def timeline(self, issue: PracticeIssue) -> str:
        return list_link(IssueEvent, _("Its events"), q=issue.reference)


@admin.register(IssueEvent)
class IssueEventAdmin(ByIssueReference, LargeTableAdmin, AuditTrailAdmin):
    list_display = ["created_at", "issue", "kind", "actor", "from_status", "to_status"]
    list_filter = ["kind"]
    list_select_related = ["issue", "actor"]


@admin.register(Referral)
class ReferralAdmin(KeptForTheRecord, ReadHere, ByIssueReference, LargeTableAdmin):
    list_display = ["issue", "forum", "purpose", "outcome", "entered_at", "left_at"]
    list_filter = ["purpose", "outcome", "forum"]
    list_select_related = ["issue", "forum"]


class ResponseAdminForm(forms.ModelForm):
    """A response is handed only to someone who can carry it out and report on it."""

    class Meta:
        model = Response
        fields = ["owner", "due_date", "review_date", "scope"]

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if owner is not None and owner.pk != self.instance.owner_id:
            try:
                refuse_owner(owner, self.instance.issue)
            except OwnerRefused as exc:
                raise forms.ValidationError(str(exc)) from exc
        return owner


@admin.register(Response)
class ResponseAdmin(KeptForTheRecord, MadeInThePortal, ByIssueReference, LargeTableAdmin):
    list_display = ["issue", "owner", "due_date", "scope", "created_at"]
    list_select_related = ["issue", "owner"]
    # Recorded for an issue in the portal; here an administrator corrects its dates or scope
    # or hands it to a new owner. Its decision (read by the privacy guard) and how far it
    # has been carried out (each step an event and a progress note) change only there.
    readonly_fields = [
        "issue",
        "decision",
        "action_item",
        "delivery_status",
        "delivered_at",
        "last_progress_at",
        "review_reminded_at",
        "recorded_by",
        "created_at",
        "related_guidance",
    ]
    autocomplete_fields = ["owner"]
    form = ResponseAdminForm

    def save_model(self, request, obj, form, change):
        # Through the services, under the locks they take, writing only what changed: a whole
        # row saved as the form read it would undo what happened meanwhile (progress posted,
        # a review reminder sent). A new owner takes the action that carries it out too.
        changed = set(form.changed_data)
        if {"due_date", "review_date"} & changed:
            correct_response_dates(obj, due_date=obj.due_date, review_date=obj.review_date)
        if "scope" in changed:
            Response.objects.filter(pk=obj.pk).update(scope=obj.scope)
        if "owner" in changed:
            try:
                hand_over_response(obj, to=obj.owner, by=request.user)
            except OwnerRefused as exc:
                messages.error(request, str(exc))


class ReadAndRemoveAdmin(ReadHere, ByIssueReference, LargeTableAdmin):
    """Rows people add in the portal, where the privacy guard reads their text, the issue's
    counters are kept and its watchers are told: here they can be read and, by an
    administrator, removed (the counters follow; see feedback.receivers)."""


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
