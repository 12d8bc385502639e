"""Practice library items related to an issue."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.generic import FormView

from ..exceptions import TransitionNotAllowed
from ..forms import CiteGuidanceForm
from ..services.guidance import cite_guidance
from .common import IssuePermissionMixin, refused


class CiteGuidanceView(IssuePermissionMixin, FormView):
    permission_required = "feedback.cite_guidance"
    template_name = "feedback/cite_guidance_form.html"
    form_class = CiteGuidanceForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "issue": self.issue}

    def form_valid(self, form):
        try:
            cite_guidance(self.issue, items=form.cleaned_data["items"], by=self.request.user)
        except TransitionNotAllowed as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("The related guidance has been saved."))
        return redirect(self.issue)
