"""Learning sessions: the list, scheduling, registration and a member's own record."""

from defusedcsv import csv
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import FormView, TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from cop_portal.views import ButtonTargetMixin, KeptPlansMixin, PagedListView

from ..exceptions import ForumActionRefused
from ..forms.learning import LearningSessionForm, SessionDetailsForm
from ..models import Meeting
from ..selectors.learning import learning_record, total_hours, upcoming_sessions
from ..services import learning as services
from .mixins import ForumPermissionMixin, MeetingPermissionMixin

# The list shows the latest sessions a member attended; the rest are on "My learning".
ATTENDED_ON_LIST = 5


class SessionListView(KeptPlansMixin, LoginRequiredMixin, PagedListView):
    """Learning sessions to come, soonest first, with places left, and those attended."""

    template_name = "forums/learning_list.html"
    context_object_name = "sessions"
    paginate_by = 20

    def get_queryset(self):
        return upcoming_sessions(self.request.user)

    def get_context_data(self, **kwargs):
        attended = list(learning_record(self.request.user))
        return super().get_context_data(
            attended=attended[:ATTENDED_ON_LIST],
            more_attended=len(attended) > ATTENDED_ON_LIST,
            **kwargs,
        )


class SessionCreateView(ForumPermissionMixin, FormView):
    """A forum's facilitators schedule a learning session."""

    permission_required = "forums.schedule_meeting"
    template_name = "forums/learning_form.html"
    form_class = LearningSessionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "forum": self.forum, "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        start, end = form.start_end()
        try:
            session = services.schedule_learning_session(
                self.forum,
                by=self.request.user,
                title=data["title"],
                start=start,
                end=end,
                capacity=data["capacity"],
                place=data["place"],
                online_link=data["online_link"],
                description=data["description"],
                materials=data["materials"],
                publish=data["publish"],
            )
        except ForumActionRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        if data["publish"]:
            done = gettext("The learning session is scheduled and published: members can register.")
        else:
            done = gettext("The learning session is saved as a draft.")
        messages.success(self.request, done)
        return redirect(session)


class SessionDetailsView(MeetingPermissionMixin, FormView):
    """Change a session's places and materials."""

    permission_required = "forums.change_session"
    template_name = "forums/learning_details_form.html"
    form_class = SessionDetailsForm

    @cached_property
    def meeting(self) -> Meeting:
        return get_object_or_404(
            Meeting.objects.learning_sessions().select_related("forum"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_initial(self):
        return {
            "capacity": self.meeting.capacity,
            "materials": list(self.meeting.materials.values_list("pk", flat=True)),
        }

    def form_valid(self, form):
        try:
            services.change_session_details(
                self.meeting,
                by=self.request.user,
                capacity=form.cleaned_data["capacity"],
                materials=form.cleaned_data["materials"],
            )
        except ForumActionRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        messages.success(self.request, gettext("The session's places and materials are saved."))
        return redirect(self.meeting)


class RegistrationActionView(ButtonTargetMixin, MeetingPermissionMixin, FormView):
    """One button on the session page: a POST that calls one service."""

    form_class = forms.Form

    def button_page_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#registration-heading"

    def act(self):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message = self.act()
        except ForumActionRefused as refused:
            messages.error(self.request, str(refused))
        else:
            messages.success(self.request, message)
        return redirect(f"{self.meeting.get_absolute_url()}#registration-heading")


class RegisterView(RegistrationActionView):
    permission_required = "forums.add_registration"

    def act(self) -> str:
        registration = services.register_for_session(self.meeting, user=self.request.user)
        if registration.status == "registered":
            return gettext("You have a place at this session.")
        return gettext(
            "The session is full: you are on the waiting list and will be told if a place "
            "comes free."
        )


class CancelRegistrationView(RegistrationActionView):
    permission_required = "forums.cancel_registration"

    def act(self) -> str:
        registration = services.cancel_registration(self.meeting, user=self.request.user)
        return gettext("Your registration is cancelled (%(when)s).") % {
            "when": timezone.localtime(registration.status_at).strftime("%-d %b %Y, %H:%M")
        }


class MyLearningView(PermissionRequiredMixin, TemplateView):
    """The sessions a person attended: date, title, host, hours and materials."""

    permission_required = "forums.view_learning_record"
    template_name = "forums/learning_record.html"

    def get_context_data(self, **kwargs):
        records = list(learning_record(self.request.user))
        return super().get_context_data(records=records, total_hours=total_hours(records), **kwargs)


class _Echo:
    """A file-like object whose write hands back what it was given, for streaming."""

    def write(self, value: str) -> str:
        return value


def record_lines(user):
    """The record as CSV lines; defusedcsv escapes cells a spreadsheet would run."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(
        [
            gettext("Date"),
            gettext("Session"),
            gettext("Hosted by"),
            gettext("Hours"),
            gettext("Materials"),
        ]
    )
    for record in learning_record(user):
        yield writer.writerow(
            [
                record.date.isoformat(),
                record.title,
                record.forum,
                f"{record.hours}",
                record.materials_text,
            ]
        )


class MyLearningCsvView(PermissionRequiredMixin, View):
    """The same record as a CSV file, streamed, for the person's own records."""

    permission_required = "forums.view_learning_record"

    def get(self, request, *args, **kwargs):
        response = StreamingHttpResponse(
            record_lines(request.user), content_type="text/csv; charset=utf-8"
        )
        day = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="my-learning-{day}.csv"'
        return response
