"""The executive queue and the Strategic Leadership Forum's response."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import FormView, ListView
from rules.contrib.views import PermissionRequiredMixin

from .. import selectors
from ..exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from ..forms import (
    ExecutiveFilterForm,
    ResponseForm,
)
from ..rules import is_awaiting_response
from ..services import responses
from .common import IssuePermissionMixin, refused


class ExecutiveQueueView(PermissionRequiredMixin, ListView):
    permission_required = "feedback.view_executive_queue"
    template_name = "feedback/executive_queue.html"
    context_object_name = "referrals"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = ExecutiveFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.executive_queue(
            practice_area=data.get("practice_area"),
            region=data.get("region"),
            sort=data.get("sort") or "age",
        )

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form, query_string=query.urlencode(), **kwargs
        )


class RespondView(IssuePermissionMixin, FormView):
    permission_required = "feedback.respond_issue"
    form_class = ResponseForm
    template_name = "feedback/response_form.html"

    def has_permission(self) -> bool:
        # Superusers pass every has_perm, so the issue's state is checked here as well: only
        # an issue waiting at the Strategic Leadership Forum has a response page at all.
        if not super().has_permission():
            return False
        if not is_awaiting_response(self.request.user, self.issue):
            raise Http404("This issue is not waiting for a response.")
        return True

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            responses.respond(
                self.issue,
                by=self.request.user,
                decision=data["decision"],
                owner=data["owner"],
                due_date=data["due_date"],
                scope=data["scope"],
            )
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "The response has been recorded and sent back down.")
        return redirect(self.issue)
