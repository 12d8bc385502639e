from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from cop_portal.views import ButtonTargetMixin
from members.models import User

from ..choices import ActionStatus
from ..exceptions import ForumActionRefused, MinutesChangedMeanwhile
from ..forms.agenda import RsvpForm
from ..forms.minutes import ActionItemForm, ActionStatusForm, AttendanceForm, MinutesForm
from ..models import ActionItem, Attendance, Decision, Membership, Rsvp
from ..selectors.actions import actions_owned_by
from ..selectors.agenda import agenda_items
from ..selectors.learning import session_registrations
from ..services import minutes as services
from ..services.rsvp import answer_rsvp, record_attendance
from .mixins import MeetingPermissionMixin


class RsvpView(ButtonTargetMixin, MeetingPermissionMixin, FormView):
    permission_required = "forums.rsvp_meeting"
    form_class = RsvpForm

    def button_page_url(self) -> str:
        return self.meeting.get_absolute_url()

    def form_valid(self, form):
        try:
            rsvp = answer_rsvp(
                self.meeting, user=self.request.user, response=form.cleaned_data["response"]
            )
        except ForumActionRefused as exc:
            messages.error(self.request, str(exc))
        else:
            messages.success(
                self.request,
                gettext("Your answer is saved: %(answer)s.")
                % {"answer": rsvp.get_response_display()},
            )
        return redirect(self.meeting.get_absolute_url())

    def form_invalid(self, form):
        messages.error(self.request, gettext("Choose going, maybe or not going."))
        return redirect(self.meeting.get_absolute_url())


def forum_members(meeting):
    return User.objects.filter(memberships__forum_id=meeting.forum_id).order_by(
        "display_name", "email"
    )


def offered_attendance(meeting):
    """The forum's members, and anyone recorded as attending who has left it since."""
    return User.objects.filter(
        Q(pk__in=Membership.objects.filter(forum_id=meeting.forum_id).values("user_id"))
        | Q(pk__in=Attendance.objects.filter(meeting=meeting).values("user_id"))
    ).order_by("display_name", "email")


class AttendanceView(MeetingPermissionMixin, FormView):
    """After the meeting starts, the facilitator ticks who came; RSVPs are shown as a guide."""

    permission_required = "forums.record_attendance"
    form_class = AttendanceForm
    template_name = "forums/attendance_form.html"

    def get_form_kwargs(self):
        attended = Attendance.objects.filter(meeting=self.meeting).values_list("user_id", flat=True)
        if self.meeting.is_learning_session:
            registrations = list(session_registrations(self.meeting))
            return {
                **super().get_form_kwargs(),
                # Those who registered or wait, and anyone recorded who has cancelled since.
                "members": User.objects.filter(
                    Q(pk__in=[registration.user_id for registration in registrations])
                    | Q(pk__in=list(attended))
                ).order_by("display_name", "email"),
                "rsvps": {},
                "registrations": {
                    registration.user_id: registration.get_status_display().lower()
                    for registration in registrations
                },
                "initial": {"attendees": list(attended)},
            }
        rsvps = {
            rsvp.user_id: rsvp.get_response_display()
            for rsvp in Rsvp.objects.filter(meeting=self.meeting)
        }
        return {
            **super().get_form_kwargs(),
            "members": offered_attendance(self.meeting),
            "rsvps": rsvps,
            "initial": {"attendees": list(attended)},
        }

    def get_context_data(self, **kwargs):
        started = self.meeting.start <= timezone.now()
        return super().get_context_data(meeting_started=started, **kwargs)

    def form_valid(self, form):
        try:
            record_attendance(
                self.meeting, by=self.request.user, attendees=form.cleaned_data["attendees"]
            )
        except ForumActionRefused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, gettext("Attendance is recorded."))
        return redirect(self.meeting.get_absolute_url())


class MinutesEditView(MeetingPermissionMixin, FormView):
    """Notes and an optional decision for each agenda item."""

    permission_required = "forums.record_minutes"
    form_class = MinutesForm
    template_name = "forums/minutes_form.html"

    def get_form_kwargs(self):
        decisions = {
            d.agenda_item_id: d.text
            for d in Decision.objects.filter(meeting=self.meeting).order_by("-id")
        }
        return {
            **super().get_form_kwargs(),
            "items": list(agenda_items(self.meeting)),
            "decisions": decisions,
        }

    def form_valid(self, form):
        try:
            services.record_minutes(
                self.meeting,
                by=self.request.user,
                notes=form.notes(),
                decisions=form.decisions(),
                notes_were=form.notes_were(),
                decisions_were=form.decisions_were(),
            )
        except MinutesChangedMeanwhile as exc:
            form.show_changed_meanwhile(exc.changed)
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ForumActionRefused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, gettext("The minutes are saved."))
        return redirect(self.meeting.get_absolute_url())


class MinutesPublishView(ButtonTargetMixin, MeetingPermissionMixin, FormView):
    permission_required = "forums.record_minutes"
    form_class = forms.Form

    def button_page_url(self) -> str:
        return self.meeting.get_absolute_url()

    def form_valid(self, form):
        try:
            services.publish_minutes(self.meeting, by=self.request.user)
        except ForumActionRefused as exc:
            messages.error(self.request, str(exc))
        else:
            messages.success(
                self.request, gettext("The minutes are published and members have been told.")
            )
        return redirect(self.meeting.get_absolute_url())


class ActionCreateView(MeetingPermissionMixin, FormView):
    permission_required = "forums.record_minutes"
    form_class = ActionItemForm
    template_name = "forums/action_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "meeting": self.meeting,
            # Someone who left the portal is told nothing: no action is theirs to own.
            "owners": forum_members(self.meeting).filter(is_active=True),
        }

    def form_valid(self, form):
        try:
            action = services.add_action_item(
                self.meeting, by=self.request.user, **form.cleaned_data
            )
        except ForumActionRefused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Action '%(title)s' given to %(owner)s.")
            % {"title": action.title, "owner": action.owner},
        )
        return redirect(self.meeting.get_absolute_url())


class ActionUpdateView(PermissionRequiredMixin, FormView):
    """The owner or the forum's facilitator changes an action's status."""

    permission_required = "forums.update_action"
    form_class = ActionStatusForm
    template_name = "forums/action_update_form.html"

    @cached_property
    def action(self) -> ActionItem:
        return get_object_or_404(
            ActionItem.objects.select_related("forum", "meeting", "owner"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.action

    def get_initial(self):
        return {"status": self.action.status}

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.action, next=self.next_url(), **kwargs)

    def next_url(self) -> str:
        """A page of this portal to return to: a path, never a name redirect() would look up."""
        wanted = self.request.POST.get("next") or self.request.GET.get("next", "")
        safe = wanted.startswith("/") and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return wanted if safe else ""

    def form_valid(self, form):
        try:
            action = services.update_action_status(
                self.action, by=self.request.user, status=form.cleaned_data["status"]
            )
        except ForumActionRefused as refused:
            form.add_error("status", str(refused))
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("'%(title)s' is now %(status)s.")
            % {"title": action.title, "status": action.get_status_display().lower()},
        )
        return redirect(self.next_url() or "forums:my-actions")


class MyActionsView(LoginRequiredMixin, TemplateView):
    template_name = "forums/action_list_mine.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            actions=actions_owned_by(self.request.user),
            status_choices=ActionStatus.choices,
            **kwargs,
        )
