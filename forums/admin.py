from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdmin

from cop_portal.admin import (
    GuardedText,
    LargeTableAdmin,
    MadeInThePortal,
    SeenAsInThePortal,
    list_link,
)
from members.admin import AuditTrailAdmin
from members.validators import (
    no_contact_details,
    no_identifying_details,
    no_identifying_details_in_link,
)

from .exceptions import ForumActionRefused
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
from .rules import forums_run_by
from .selectors.meetings import (
    kept_minutes,
    readable_agenda,
    readable_minutes,
    run_by,
    visible_meeting,
)
from .services.agenda import brought_by_another_app
from .services.membership import (
    add_member,
    change_member_role,
    refuse_role_outside_its_tier,
    remove_member,
)
from .services.search import refresh_meeting_search


class OfVisibleMeetings(SeenAsInThePortal):
    """Rows of a meeting (or of none): seen as their meeting is."""

    def visible_rows(self, user):
        return visible_meeting(user, "meeting")


class OfReadableMinutes(SeenAsInThePortal):
    """What a meeting's minutes hold: seen by those who may read those minutes."""

    def visible_rows(self, user):
        return readable_minutes(user)


class OfKeptMinutes(SeenAsInThePortal):
    """Minutes as they are being written: seen by those who keep them (in the portal, others
    read the version last published)."""

    def visible_rows(self, user):
        return kept_minutes(user)


class ForumAgendaDefaultInline(admin.TabularInline):
    model = ForumAgendaDefault
    extra = 0
    verbose_name_plural = _("default minutes per kind of agenda item")


@admin.register(Forum)
class ForumAdmin(ObjectPermissionsModelAdmin):
    list_display = ["name", "tier", "region"]
    list_filter = ["tier"]
    list_select_related = ["region"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    # A State-wide forum has hundreds of members: they are listed, a page at a time, under
    # memberships, and managed there or on the forum's members page in the portal.
    readonly_fields = ["memberships"]
    inlines = [ForumAgendaDefaultInline]

    @admin.display(description=_("members"))
    def memberships(self, forum: Forum) -> str:
        if forum.pk is None:
            return "—"
        return list_link(Membership, _("Its memberships"), forum__id__exact=forum.pk)


class MembershipAdminForm(forms.ModelForm):
    """A membership's role is checked against its forum's tier here, as in the portal."""

    class Meta:
        model = Membership
        fields = ["user", "forum", "role"]

    def clean(self):
        cleaned = super().clean()
        forum = cleaned.get("forum") or getattr(self.instance, "forum", None)
        if forum is not None and cleaned.get("role"):
            try:
                refuse_role_outside_its_tier(forum, cleaned["role"])
            except ForumActionRefused as exc:
                self.add_error("role", str(exc))
        return cleaned


@admin.register(Membership)
class MembershipAdmin(LargeTableAdmin):
    """People are added to forums, given roles and taken out through the portal's services,
    as on a forum's members page: each change is a forum event and a security event."""

    form = MembershipAdminForm
    list_display = ["user", "forum", "role", "joined_at"]
    list_filter = ["role", "forum__tier", "forum"]
    list_select_related = ["user", "forum"]
    autocomplete_fields = ["user", "forum"]

    def get_readonly_fields(self, request, obj=None):
        # Someone else, or another forum, is another membership: only the role changes.
        return ["user", "forum"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            # Saved as it was: nothing changed, and no event says it did.
            if "role" in form.changed_data:
                change_member_role(obj, by=request.user, role=obj.role)
            return
        obj.pk = add_member(obj.forum, by=request.user, email=obj.user.email, role=obj.role).pk

    def delete_model(self, request, obj):
        remove_member(obj, by=request.user)

    search_fields = ["user__email", "user__display_name", "forum__name"]


@admin.register(Meeting)
class MeetingAdmin(SeenAsInThePortal, GuardedText, MadeInThePortal, admin.ModelAdmin):
    list_display = ["title", "forum", "start", "status"]
    # As the scheduling form reads it: names pass (a session names its presenter).
    guarded = {"title": no_contact_details}
    list_filter = ["status", "forum__tier", "forum"]
    list_select_related = ["forum"]
    date_hierarchy = "start"
    search_fields = ["title", "forum__name"]
    # Times and status change through the portal, which raises the calendar SEQUENCE,
    # writes the audit event and tells members; here they can only be read.
    readonly_fields = [
        "uid",
        "forum",
        "kind",
        "start",
        "end",
        "place",
        "online_link",
        "capacity",
        "status",
        "sequence",
        "published_at",
        "agenda_published_at",
        "minutes_published_at",
        "created_by",
        "created_at",
        "updated_at",
        "agenda",
    ]

    def visible_rows(self, user):
        return visible_meeting(user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Portal search finds a meeting by its title.
        refresh_meeting_search(obj)

    @admin.display(description=_("agenda"))
    def agenda(self, meeting: Meeting) -> str:
        # A State-wide agenda can run to hundreds of items: listed a page at a time.
        if meeting.pk is None:
            return "—"
        return list_link(AgendaItem, _("Its agenda items"), meeting__id__exact=meeting.pk)


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "forum", "created_at"]
    list_select_related = ["forum"]
    readonly_fields = ["created_by"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SeenAsInThePortal, GuardedText, MadeInThePortal, LargeTableAdmin):
    """Items are found through their meeting (its page here lists its agenda); an item's
    meeting and where it came from change only as the portal moves it."""

    guarded = {
        "title": no_identifying_details,
        "description": no_identifying_details,
        "presenter": no_contact_details,
        "notes": no_identifying_details,
    }
    list_display = ["title", "meeting", "position", "kind", "minutes_allotted"]
    list_filter = ["kind"]
    list_select_related = ["meeting", "meeting__forum"]
    readonly_fields = ["meeting", "carried_over_from", "matters_from"]

    def visible_rows(self, user):
        return readable_agenda(user)

    def get_exclude(self, request, obj=None):
        # An item's notes are its minutes as they are being written: only for those who keep
        # them.
        exclude = list(super().get_exclude(request, obj) or [])
        user = request.user
        if (
            obj is not None
            and not user.is_superuser
            and obj.meeting.forum_id not in forums_run_by(user)
        ):
            exclude.append("notes")
        return exclude

    def has_delete_permission(self, request, obj=None):
        # An item another app brought is taken off in the portal, which lets that app send
        # it back and write its event.
        if obj is not None and brought_by_another_app(obj):
            return False
        return super().has_delete_permission(request, obj)

    # Portal search finds a meeting by its published agenda's words.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_meeting_search([obj.meeting_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        refresh_meeting_search([obj.meeting_id])


@admin.register(Rsvp)
class RsvpAdmin(OfVisibleMeetings, MadeInThePortal, LargeTableAdmin):
    list_display = ["meeting", "user", "response", "updated_at"]
    list_filter = ["response"]
    list_select_related = ["meeting", "user"]
    readonly_fields = ["meeting", "user"]


@admin.register(Attendance)
class AttendanceAdmin(OfVisibleMeetings, MadeInThePortal, LargeTableAdmin):
    list_display = ["meeting", "user", "recorded_at"]
    list_select_related = ["meeting", "user"]
    readonly_fields = ["meeting", "user", "recorded_by"]


@admin.register(Decision)
class DecisionAdmin(OfKeptMinutes, GuardedText, MadeInThePortal, LargeTableAdmin):
    list_display = ["__str__", "meeting", "created_at"]
    guarded = {"text": no_identifying_details}
    list_select_related = ["meeting"]
    readonly_fields = ["meeting", "agenda_item", "recorded_by"]


class ActionItemAdminForm(forms.ModelForm):
    """An action is handed only to a current member of its forum, as in the portal."""

    class Meta:
        model = ActionItem
        # What the admin may change; the rest is read-only there (ActionItemAdmin).
        fields = ["owner", "due_date"]

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        forum_id = self.instance.forum_id
        if owner is not None and owner.pk != self.instance.owner_id:
            if not owner.is_active:
                raise forms.ValidationError(
                    gettext("That person has left the portal: give the action to a current member.")
                )
            if not Membership.objects.filter(forum_id=forum_id, user=owner).exists():
                raise forms.ValidationError(
                    gettext("An action's owner must be a member of the forum.")
                )
        return owner


@admin.register(ActionItem)
class ActionItemAdmin(OfReadableMinutes, admin.ModelAdmin):
    form = ActionItemAdminForm
    list_display = ["title", "owner", "due_date", "status", "forum"]
    list_filter = ["status", "forum"]
    list_select_related = ["owner", "forum"]
    search_fields = ["title"]
    # What it is, whose forum and how far it has got change in the portal, where the privacy
    # guard reads its title, each change is an event, and an action that follows a
    # response's progress moves only with that progress.
    readonly_fields = [
        "title",
        "forum",
        "meeting",
        "agenda_item",
        "status",
        "completed_at",
        "follows_progress",
        "created_by",
    ]
    autocomplete_fields = ["owner"]

    def has_add_permission(self, request):
        # Given at a meeting or out of session in the portal, which tells the owner.
        return False

    def get_readonly_fields(self, request, obj=None):
        # One that carries out a response is the response's: handed over, and falling due,
        # with it.
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.follows_progress:
            return [*readonly, "owner", "due_date"]
        return readonly


@admin.register(Resource)
class ResourceAdmin(OfVisibleMeetings, GuardedText, admin.ModelAdmin):
    list_display = ["title", "kind", "forum", "meeting", "created_at"]
    # A link typed without its scheme is taken as https, as in the portal's form.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    guarded = {"title": no_identifying_details, "url": no_identifying_details_in_link}
    list_filter = ["kind", "forum"]
    list_select_related = ["forum", "meeting"]
    # Files are added in the portal, where their content is checked; here they are only
    # downloaded, through the same permission-checked view.
    exclude = ["file"]
    readonly_fields = ["download", "added_by"]
    autocomplete_fields = ["meeting"]

    @admin.display(description=_("File"))
    def download(self, resource):
        if not resource.file:
            return "—"
        return format_html('<a href="{}">{}</a>', resource.href, resource.file.name)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(MadeInThePortal, admin.ModelAdmin):
    list_display = ["user", "created_at"]
    list_select_related = ["user"]
    exclude = ["token"]
    readonly_fields = ["user"]


@admin.register(MeetingReminder)
class MeetingReminderAdmin(OfVisibleMeetings, MadeInThePortal, LargeTableAdmin):
    list_display = ["meeting", "user", "sent_at"]
    list_select_related = ["meeting", "user"]
    readonly_fields = ["meeting", "user"]


@admin.register(ForumEvent)
class ForumEventAdmin(SeenAsInThePortal, LargeTableAdmin, AuditTrailAdmin):
    """A forum's record of what was done in it; its notes quote decisions and actions as
    they were recorded, before any minutes were published: read by those who run the forum."""

    list_display = ["created_at", "forum", "meeting", "kind", "actor"]
    list_filter = ["kind", "forum"]
    list_select_related = ["forum", "meeting", "actor"]

    def visible_rows(self, user):
        return run_by(user)


@admin.register(MinutesRevision)
class MinutesRevisionAdmin(SeenAsInThePortal, LargeTableAdmin, AuditTrailAdmin):
    """Each saved state of a meeting's minutes: the record of who changed what, and when.
    One published is read by those who may read the minutes; one not (yet) published only
    by those who keep them."""

    def visible_rows(self, user):
        if user.is_superuser:
            return Q()
        published = Q(published_at__isnull=False) & readable_minutes(user)
        return published | kept_minutes(user)

    list_display = ["meeting", "number", "author", "created_at", "published_at"]
    list_filter = ["meeting__forum"]
    list_select_related = ["meeting", "author"]
