"""Practice leads: expert advice on an issue, and the queue of open issues in their areas."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from practice.rules import areas_led_by

from ..exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from ..forms import AdviceForm, LeadQueueFilterForm
from ..pagination import issue_page
from ..selectors.advice import advisable_areas, issue_advice, lead_queue
from ..services import advice as advice_services
from .common import IssuePermissionMixin, refused


class AdviceView(IssuePermissionMixin, FormView):
    """The advice form on its own page (the issue page carries it too)."""

    permission_required = "feedback.give_advice"
    form_class = AdviceForm
    template_name = "feedback/advice_form.html"

    def has_permission(self) -> bool:
        # Advice is given as the lead of an area: an administrator who leads none has none.
        return super().has_permission() and bool(advisable_areas(self.request.user, self.issue))

    def get_form_kwargs(self):
        areas = advisable_areas(self.request.user, self.issue)
        return {
            **super().get_form_kwargs(),
            "areas": areas,
            "initial": {"area": areas[0] if areas else None},
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(advice=issue_advice(self.issue), **kwargs)

    def form_valid(self, form):
        try:
            advice = advice_services.give_advice(
                self.issue,
                area=form.cleaned_data["area"],
                body=form.cleaned_data["body"],
                by=self.request.user,
            )
        except (IdentifyingDetailsFound, TransitionNotAllowed) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Your advice has been added."))
        return redirect(f"{self.issue.get_absolute_url()}#advice-{advice.pk}")


class LeadQueueView(PermissionRequiredMixin, TemplateView):
    """“My practice area”: open issues in the areas this person leads, newest first, a page
    at a time from a cursor, filtered by area and by whether anyone has advised yet."""

    permission_required = "feedback.view_lead_queue"
    template_name = "feedback/lead_queue.html"
    per_page = 20
    count_cap = 1000

    def has_permission(self) -> bool:
        # The page is the lead's own: an administrator who leads no area has no queue.
        return super().has_permission() and bool(areas_led_by(self.request.user))

    def get_context_data(self, **kwargs):
        user = self.request.user
        areas = sorted(areas_led_by(user))
        form = LeadQueueFilterForm(self.request.GET or None, areas=areas)
        filters = form.cleaned_data if form.is_valid() else {}
        issues = lead_queue(
            user, area=filters.get("area"), no_advice=bool(filters.get("no_advice"))
        )
        page = issue_page(
            issues,
            after=self.request.GET.get("after"),
            before=self.request.GET.get("before"),
            per_page=self.per_page,
            count_cap=self.count_cap,
        )
        return super().get_context_data(
            filter_form=form,
            issues=page.issues,
            page=page,
            newer_query=self.page_query("before", page.newer),
            older_query=self.page_query("after", page.older),
            **kwargs,
        )

    def page_query(self, key: str, cursor) -> str:
        if cursor is None:
            return ""
        query = self.request.GET.copy()
        query.pop("after", None)
        query.pop("before", None)
        query[key] = str(cursor)
        return f"?{query.urlencode()}"
