"""Recording what a meeting decided about an issue on its agenda."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import FormView
from rules.contrib.views import PermissionRequiredMixin

from forums.models import AgendaItem

from ..choices import ReferralPurpose
from ..exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from ..forms import (
    DiscussedForm,
    OutcomeForm,
)
from ..models import Referral
from ..services import routing
from .common import refused


class OutcomeView(PermissionRequiredMixin, FormView):
    permission_required = "feedback.record_outcome"
    template_name = "feedback/outcome_form.html"

    @cached_property
    def agenda_item(self) -> AgendaItem:
        return get_object_or_404(
            AgendaItem.objects.select_related("meeting__forum"), pk=self.kwargs["item_pk"]
        )

    @cached_property
    def referral(self) -> Referral | None:
        return (
            Referral.objects.select_related("issue", "forum")
            .filter(agenda_item=self.agenda_item, left_at__isnull=True)
            .first()
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.referral is None:
            if not request.user.has_perm(self.permission_required, self.agenda_item):
                raise PermissionDenied
            # Pressed twice, or somebody else was quicker: say so rather than fail.
            messages.info(request, "An outcome has already been recorded for this item.")
            return redirect(self.agenda_item.meeting)
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.agenda_item

    @property
    def reflecting(self) -> bool:
        return self.referral.purpose == ReferralPurpose.REFLECT

    def get_form_class(self):
        return DiscussedForm if self.reflecting else OutcomeForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            item=self.agenda_item,
            referral=self.referral,
            issue=self.referral.issue,
            reflecting=self.reflecting,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if self.reflecting:
                issue = routing.mark_discussed(
                    self.agenda_item, by=self.request.user, note=data["note"]
                )
            else:
                issue = routing.record_outcome(
                    self.agenda_item,
                    outcome=data["outcome"],
                    note=data["note"],
                    by=self.request.user,
                    summary=data["summary"],
                    rationale=data["rationale"],
                )
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Outcome recorded for “{issue.title}”.")
        return redirect(self.agenda_item.meeting)


# --- Executive review -----------------------------------------------------------------
