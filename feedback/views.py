from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from forums.models import AgendaItem
from forums.views.mixins import ForumPermissionMixin

from . import selectors
from .choices import IssueStatus, ReferralPurpose
from .exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from .forms import (
    CommentForm,
    DiscussedForm,
    ExecutiveFilterForm,
    IssueFilterForm,
    IssueForm,
    MergeForm,
    OutcomeForm,
    PlaceOnAgendaForm,
    ProvideInformationForm,
    ReasonForm,
    ResponseForm,
)
from .models import PracticeIssue, Referral
from .rules import is_awaiting_response
from .services import issues as issue_services
from .services import responses, routing


def refused(form, exc: Exception) -> None:
    """Show a refused service call next to the form, keeping everything typed."""
    form.add_error(None, str(exc))


class IssuePermissionMixin(PermissionRequiredMixin):
    """Loads the issue named by the URL and checks permission_required against it."""

    @cached_property
    def issue(self) -> PracticeIssue:
        return get_object_or_404(
            PracticeIssue.objects.select_related("current_forum", "origin_forum", "raised_by"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.issue

    def get_context_data(self, **kwargs):
        return super().get_context_data(issue=self.issue, **kwargs)

    def get_success_url(self) -> str:
        return self.issue.get_absolute_url()


# --- Browse and raise ---------------------------------------------------------------


class IssueListView(LoginRequiredMixin, ListView):
    template_name = "feedback/practiceissue_list.html"
    context_object_name = "issues"
    paginate_by = 20
    mine = False

    def get_queryset(self):
        self.filter_form = IssueFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.issue_list(
            self.request.user,
            status=filters.get("status", ""),
            tier=filters.get("tier", ""),
            forum=filters.get("forum"),
            region=filters.get("region"),
            practice_area=filters.get("practice_area"),
            age_days=filters.get("age"),
            text=filters.get("q", ""),
            mine=self.mine,
        )

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form,
            mine=self.mine,
            query_string=query.urlencode(),
            **kwargs,
        )


class IssueCreateView(LoginRequiredMixin, FormView):
    form_class = IssueForm
    template_name = "feedback/practiceissue_form.html"
    draft = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.draft}

    def form_valid(self, form):
        data = form.cleaned_data
        values = {
            "by": self.request.user,
            "title": data["title"],
            "description": data["description"],
            "practice_areas": data["practice_areas"],
            "forum": data["origin_forum"],
            "restricted": data["restricted"],
        }
        try:
            if self.request.POST.get("action") == "draft":
                issue = issue_services.save_draft(issue=self.draft, **values)
                messages.success(self.request, "Your draft has been saved.")
            else:
                if not form.require_attestation():
                    return self.form_invalid(form)
                issue = issue_services.raise_issue(draft=self.draft, attested=True, **values)
                messages.success(
                    self.request,
                    f"Your issue has been raised at {issue.origin_forum}. You will be told "
                    "about every step.",
                )
        except (IdentifyingDetailsFound, TransitionNotAllowed) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        return redirect(issue)


class IssueDraftEditView(IssuePermissionMixin, IssueCreateView):
    permission_required = "feedback.change_draft"

    @property
    def draft(self):
        return self.issue


class IssueDetailView(IssuePermissionMixin, DetailView):
    permission_required = "feedback.view_issue"
    template_name = "feedback/practiceissue_detail.html"
    context_object_name = "issue"

    @cached_property
    def issue(self) -> PracticeIssue:
        try:
            return selectors.issue_detail(self.kwargs["pk"])
        except PracticeIssue.DoesNotExist as exc:
            raise Http404("No such issue.") from exc

    def get_object(self, queryset=None):
        return self.issue

    def get_context_data(self, **kwargs):
        user = self.request.user
        issue = self.issue
        referrals = list(issue.referrals.all())
        open_referrals = [r for r in referrals if r.left_at is None]
        return super().get_context_data(
            timeline=selectors.timeline(issue),
            referrals=referrals,
            open_referrals=open_referrals,
            comments=issue.comments.select_related("author"),
            comment_form=CommentForm(),
            endorsed=issue.endorsements.filter(user=user).exists(),
            watching=issue.watches.filter(user=user).exists(),
            **kwargs,
        )


class EndorseView(IssuePermissionMixin, FormView):
    permission_required = "feedback.endorse_issue"
    form_class = forms.Form
    http_method_names = ["post"]

    def form_valid(self, form):
        try:
            issue_services.endorse_issue(self.issue, by=self.request.user)
            messages.success(self.request, "Thank you: your endorsement has been added.")
        except TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
        return redirect(self.issue)


class WatchView(IssuePermissionMixin, FormView):
    permission_required = "feedback.view_issue"
    form_class = forms.Form
    http_method_names = ["post"]

    def form_valid(self, form):
        watching = self.request.POST.get("watch") == "on"
        issue_services.set_watching(self.issue, by=self.request.user, watching=watching)
        messages.success(
            self.request,
            "You will be told about every step." if watching else "You will no longer be told.",
        )
        return redirect(self.issue)


class CommentView(IssuePermissionMixin, FormView):
    permission_required = "feedback.comment_issue"
    form_class = CommentForm
    template_name = "feedback/comment_form.html"

    def form_valid(self, form):
        try:
            issue_services.add_comment(
                self.issue, by=self.request.user, body=form.cleaned_data["body"]
            )
        except (IdentifyingDetailsFound, TransitionNotAllowed) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Your comment has been added.")
        return redirect(self.issue)


class ProvideInformationView(IssuePermissionMixin, FormView):
    permission_required = "feedback.provide_information"
    form_class = ProvideInformationForm
    template_name = "feedback/provide_information_form.html"

    def form_valid(self, form):
        try:
            issue_services.provide_information(
                self.issue, by=self.request.user, text=form.cleaned_data["text"]
            )
        except (IdentifyingDetailsFound, TransitionNotAllowed) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Thank you: the forum's facilitators have been told.")
        return redirect(self.issue)


# --- Triage -------------------------------------------------------------------------


class QueuesView(LoginRequiredMixin, TemplateView):
    """The forums this person runs, with how much waits in each queue."""

    template_name = "feedback/queue_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            forums=selectors.forums_to_triage(self.request.user), **kwargs
        )


class ForumQueueView(ForumPermissionMixin, TemplateView):
    permission_required = "feedback.view_queue"
    template_name = "feedback/forum_queue.html"

    def get_context_data(self, **kwargs):
        forum = self.forum
        patterns = selectors.patterns_across_regions(forum) if forum.tier == "statewide" else []
        return super().get_context_data(
            queue=selectors.triage_queue(forum),
            scheduled=selectors.scheduled_at(forum),
            patterns=patterns,
            systemic_threshold=settings.SYSTEMIC_REGION_THRESHOLD,
            **kwargs,
        )


class TriageActionMixin(IssuePermissionMixin):
    permission_required = "feedback.triage_issue"

    def dispatch(self, request, *args, **kwargs):
        # Drafts and finished issues sit with no forum: there is nothing to triage.
        if self.issue.current_forum_id is None:
            raise Http404("This issue is not with a forum.")
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self) -> str:
        forum = self.issue.current_forum
        return reverse("feedback:forum-queue", kwargs={"slug": forum.slug})


class PlaceOnAgendaView(TriageActionMixin, FormView):
    form_class = PlaceOnAgendaForm
    template_name = "feedback/place_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "forum": self.issue.current_forum}

    def form_valid(self, form):
        meeting = form.cleaned_data["meeting"]
        try:
            routing.place_on_agenda(self.issue, meeting=meeting, by=self.request.user)
        except TransitionNotAllowed as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"“{self.issue.title}” is on the agenda of {meeting}.")
        return redirect(self.get_success_url())


class MergeView(TriageActionMixin, FormView):
    form_class = MergeForm
    template_name = "feedback/merge_form.html"

    def get_form_kwargs(self):
        candidates = (
            selectors.issues_visible_to(self.request.user)
            .exclude(status__in=[IssueStatus.DRAFT, IssueStatus.MERGED])
            .order_by("-submitted_at")
        )
        return {**super().get_form_kwargs(), "issue": self.issue, "candidates": candidates}

    def form_valid(self, form):
        primary = form.cleaned_data["primary"]
        try:
            routing.merge_issues(self.issue, into=primary, by=self.request.user)
        except TransitionNotAllowed as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Merged into {primary.reference}.")
        return redirect(self.get_success_url())


class RequestInformationView(TriageActionMixin, FormView):
    form_class = ReasonForm
    template_name = "feedback/reason_form.html"
    heading = "Ask for more information"
    label = "What information is needed"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "label": self.label}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def act(self, note: str) -> str:
        routing.request_information(
            self.issue, forum=self.issue.current_forum, by=self.request.user, note=note
        )
        return "The person who raised the issue has been asked for more information."

    def form_valid(self, form):
        try:
            message = self.act(form.cleaned_data["note"])
        except TransitionNotAllowed as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())


class DeclineView(RequestInformationView):
    heading = "Decline this issue"
    label = "Reason for declining"

    def act(self, note: str) -> str:
        routing.decline_issue(
            self.issue, forum=self.issue.current_forum, by=self.request.user, reason=note
        )
        return "The issue has been declined and the person who raised it told why."


# --- Outcomes at a meeting -------------------------------------------------------------


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
