"""Follow-through after a response: its owner posts progress until it is delivered."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.generic import FormView

from ..exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from ..forms import ProgressForm
from ..services import follow_through
from .common import IssuePermissionMixin, refused


class PostProgressView(IssuePermissionMixin, FormView):
    permission_required = "feedback.post_progress"
    form_class = ProgressForm
    template_name = "feedback/progress_form.html"

    @property
    def response(self):
        return getattr(self.issue, "response", None)

    def has_permission(self) -> bool:
        # Superusers pass every has_perm, so whether there is a response is checked here too.
        if not super().has_permission():
            return False
        if self.response is None:
            raise Http404(gettext("This issue has no response yet."))
        return True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission() and self.response.is_delivered:
            messages.info(
                request,
                gettext("The response is already “%(status)s”: nothing follows that.")
                % {"status": self.response.get_delivery_status_display().lower()},
            )
            return redirect(self.issue)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "current": self.response.delivery_status}

    def get_context_data(self, **kwargs):
        return super().get_context_data(response=self.response, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            update = follow_through.post_progress(
                self.response, status=data["status"], note=data["note"], by=self.request.user
            )
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext(
                "Progress posted: %(status)s. The watchers and %(forum)s's facilitators have "
                "been told."
            )
            % {
                "status": update.get_status_display().lower(),
                "forum": self.issue.origin_forum.name,
            },
        )
        return redirect(self.issue)
