from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View

from ..calendar import meetings_calendar
from ..exceptions import ForumActionRefused
from ..forms.scheduling import MeetingCancelForm, MeetingEditForm, MeetingScheduleForm
from ..services import meetings as services
from .mixins import ForumPermissionMixin, MeetingPermissionMixin


class MeetingCreateView(ForumPermissionMixin, FormView):
    """Schedule one meeting or a series; overlaps are shown and must be confirmed."""

    permission_required = "forums.schedule_meeting"
    template_name = "forums/meeting_form.html"
    form_class = MeetingScheduleForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "forum": self.forum, "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meetings = services.schedule_meetings(
                self.forum,
                by=self.request.user,
                title=data["title"],
                spans=form.spans,
                place=data["place"],
                online_link=data["online_link"],
                rule=form.rule(),
                publish=data["publish"],
            )
        except ForumActionRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        if data["publish"]:
            done = ngettext(
                "Scheduled 1 meeting of %(forum)s: published.",
                "Scheduled %(count)s meetings of %(forum)s: published.",
                len(meetings),
            )
        else:
            done = ngettext(
                "Scheduled 1 meeting of %(forum)s: saved as drafts.",
                "Scheduled %(count)s meetings of %(forum)s: saved as drafts.",
                len(meetings),
            )
        messages.success(self.request, done % {"count": len(meetings), "forum": self.forum})
        return redirect(meetings[0])


class MeetingEditView(MeetingPermissionMixin, FormView):
    permission_required = "forums.change_meeting"
    template_name = "forums/meeting_form.html"
    form_class = MeetingEditForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting, "user": self.request.user}

    def get_initial(self):
        meeting = self.meeting
        start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
        return {
            "title": meeting.title,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "place": meeting.place,
            "online_link": meeting.online_link,
        }

    def form_valid(self, form):
        start, end = form.start_end()
        data = form.cleaned_data
        try:
            changed = services.update_meeting(
                self.meeting,
                by=self.request.user,
                title=data["title"],
                start=start,
                end=end,
                place=data["place"],
                online_link=data["online_link"],
                following=form.following,
            )
        except ForumActionRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        if len(changed) == 1:
            messages.success(self.request, gettext("The meeting has been changed."))
        else:
            messages.success(
                self.request,
                gettext("%(count)s meetings have been changed.") % {"count": len(changed)},
            )
        return redirect(changed[0])


class MeetingCancelView(MeetingPermissionMixin, FormView):
    permission_required = "forums.change_meeting"
    template_name = "forums/meeting_confirm_cancel.html"
    form_class = MeetingCancelForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def form_valid(self, form):
        try:
            cancelled = services.cancel_meeting(
                self.meeting,
                by=self.request.user,
                following=form.cleaned_data["scope"] == "following",
            )
        except ForumActionRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        # Members hear of a meeting they could see: a published one.
        if any(meeting.published_at is not None for meeting in cancelled):
            said = ngettext(
                "The meeting is cancelled; its members have been told.",
                "%(count)s meetings are cancelled; their members have been told.",
                len(cancelled),
            )
        else:
            said = ngettext(
                "The meeting is cancelled.", "%(count)s meetings are cancelled.", len(cancelled)
            )
        messages.success(self.request, said % {"count": len(cancelled)})
        return redirect(self.meeting.forum)


class MeetingStatusView(MeetingPermissionMixin, FormView):
    """Confirm, then move the meeting on by one service call."""

    permission_required = "forums.change_meeting"
    form_class = forms.Form
    service = None
    done = ""

    def form_valid(self, form):
        try:
            type(self).service(self.meeting, by=self.request.user)
        except ForumActionRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        messages.success(self.request, self.done)
        return redirect(self.meeting)


class MeetingPublishView(MeetingStatusView):
    template_name = "forums/meeting_confirm_publish.html"
    service = services.publish_meeting
    done = _("The meeting is published: members can see it now.")


class MeetingCompleteView(MeetingStatusView):
    template_name = "forums/meeting_confirm_complete.html"
    service = services.complete_meeting
    done = _("The meeting is marked as held.")


class MeetingIcsView(MeetingPermissionMixin, View):
    permission_required = "forums.view_meeting"

    def get(self, request, *args, **kwargs):
        body = meetings_calendar([self.meeting], name=self.meeting.title)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{self.meeting.pk}.ics"'
        return response
