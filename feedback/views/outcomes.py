"""Recording what a meeting decided about an issue on its agenda, or what the forum's chair
decided between meetings; afterwards the facilitator lands where the work continues."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import FormView
from rules.contrib.views import PermissionRequiredMixin

from forums.choices import MeetingStatus
from forums.models import AgendaItem, Meeting

from ..choices import IssueStatus, Outcome, ReferralPurpose
from ..exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from ..forms import (
    DiscussedForm,
    OutcomeForm,
    OutOfSessionForm,
)
from ..models import PracticeIssue, Referral
from ..services import routing
from .common import IssuePermissionMixin, refused


def _on(meeting: Meeting) -> str:
    return gettext("%(meeting)s on %(date)s") % {
        "meeting": meeting.title,
        "date": f"{timezone.localtime(meeting.start):%-d %B %Y}",
    }


def where_now(issue: PracticeIssue) -> str:
    """Where the issue is now, in a sentence a facilitator can act on."""
    if issue.status == IssueStatus.RESOLVED:
        return gettext("Resolved: the issue is finished.")
    if issue.status == IssueStatus.CLOSED:
        return gettext("The loop is closed.")
    if issue.status == IssueStatus.INFO_REQUESTED:
        return gettext("Returned to the submitter, waiting for more information.")
    places = []
    referrals = (
        Referral.objects.filter(issue=issue, left_at__isnull=True)
        .select_related("forum", "agenda_item__meeting")
        .order_by("entered_at", "id")
    )
    for referral in referrals:
        item = referral.agenda_item
        coming = item is not None and item.meeting.status in (
            MeetingStatus.DRAFT,
            MeetingStatus.PUBLISHED,
        )
        places.append(
            gettext("%(forum)s: on the agenda of %(meeting)s")
            % {"forum": referral.forum.name, "meeting": _on(item.meeting)}
            if coming
            else gettext("%(forum)s: waiting for its next meeting") % {"forum": referral.forum.name}
        )
    return "; ".join(places) + "." if places else ""


def outcome_message(issue: PracticeIssue, outcome: str, *, forum_before) -> str:
    """What was recorded and where the issue is now."""
    if outcome == Outcome.ESCALATED and issue.current_forum_id != forum_before.pk:
        referral = (
            Referral.objects.filter(issue=issue, left_at__isnull=True, forum=issue.current_forum)
            .select_related("forum", "agenda_item__meeting")
            .first()
        )
        item = referral.agenda_item if referral else None
        where = (
            gettext("on the agenda of %(meeting)s") % {"meeting": _on(item.meeting)}
            if item is not None and item.meeting.status == MeetingStatus.PUBLISHED
            else gettext("waiting for its next meeting")
        )
        return gettext("Escalated to the %(forum)s: %(where)s.") % {
            "forum": issue.current_forum.name,
            "where": where,
        }
    return (
        gettext("%(outcome)s for “%(title)s”. %(where)s")
        % {"outcome": Outcome(outcome).label, "title": issue.title, "where": where_now(issue)}
    ).strip()


def next_item_needing_outcome(meeting: Meeting, *, after: AgendaItem) -> AgendaItem | None:
    """The meeting's next agenda item whose issue still waits for an outcome."""
    waiting = AgendaItem.objects.filter(
        meeting=meeting, referral__isnull=False, referral__left_at__isnull=True
    ).order_by("position", "id")
    later = waiting.filter(position__gt=after.position).first()
    return later or waiting.exclude(pk=after.pk).first()


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
        if request.user.is_authenticated and (
            self.referral is None or not self.agenda_item.meeting.takes_outcomes
        ):
            if not request.user.has_perm(self.permission_required, self.agenda_item):
                raise PermissionDenied
            if self.referral is None:
                # Pressed twice, or somebody else was quicker: say so rather than fail.
                messages.info(
                    request, gettext("An outcome has already been recorded for this item.")
                )
                return redirect(self.agenda_item.meeting)
            # Before the meeting starts there is no form: say why and when it will be.
            try:
                routing.refuse_before_start(self.agenda_item.meeting)
            except TransitionNotAllowed as exc:
                messages.error(request, str(exc))
            return redirect(self.referral.issue)
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
        forum_before = self.referral.forum
        try:
            if self.reflecting:
                outcome = Outcome.DISCUSSED
                issue = routing.mark_discussed(
                    self.agenda_item, by=self.request.user, note=data["note"]
                )
            else:
                outcome = data["outcome"]
                issue = routing.record_outcome(
                    self.agenda_item,
                    outcome=outcome,
                    note=data["note"],
                    by=self.request.user,
                    summary=data["summary"],
                    rationale=data["rationale"],
                    guidance=data.get("guidance"),
                )
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        issue = PracticeIssue.objects.select_related("current_forum").get(pk=issue.pk)
        message = outcome_message(issue, outcome, forum_before=forum_before)
        following = next_item_needing_outcome(self.agenda_item.meeting, after=self.agenda_item)
        if following is None:
            messages.success(self.request, message)
            return redirect(issue)
        messages.success(
            self.request,
            gettext("%(message)s Next on this agenda: “%(title)s”.")
            % {"message": message, "title": following.title},
        )
        return redirect(reverse("feedback:outcome-record", args=[following.pk]))


class OutOfSessionView(IssuePermissionMixin, FormView):
    """Between meetings the chair or facilitator of the issue's forum decides, with a reason."""

    permission_required = "feedback.decide_out_of_session"
    template_name = "feedback/out_of_session_form.html"
    form_class = OutOfSessionForm

    @cached_property
    def referral(self) -> Referral | None:
        return (
            Referral.objects.select_related("forum", "agenda_item__meeting")
            .filter(issue=self.issue, forum=self.issue.current_forum, left_at__isnull=True)
            .first()
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(
            self.permission_required, self.issue
        ):
            item = self.referral.agenda_item if self.referral else None
            if self.referral is None:
                messages.info(request, gettext("This issue is not waiting for a decision here."))
                return redirect(self.issue)
            if item is not None and item.meeting.takes_outcomes:
                messages.info(
                    request,
                    gettext(
                        "%(meeting)s has started and has this issue on its agenda: "
                        "record the outcome there."
                    )
                    % {"meeting": item.meeting.title},
                )
                return redirect(reverse("feedback:outcome-record", args=[item.pk]))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "purpose": self.referral.purpose}

    def get_context_data(self, **kwargs):
        return super().get_context_data(referral=self.referral, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        forum_before = self.referral.forum
        try:
            issue = routing.decide_out_of_session(
                self.issue,
                forum=forum_before,
                outcome=data["outcome"],
                reason=data["reason"],
                by=self.request.user,
                note=data["note"],
                summary=data.get("summary", ""),
                rationale=data.get("rationale", ""),
                guidance=data.get("guidance"),
            )
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        issue = PracticeIssue.objects.select_related("current_forum").get(pk=issue.pk)
        message = outcome_message(issue, data["outcome"], forum_before=forum_before)
        messages.success(
            self.request,
            gettext("Out-of-session decision recorded. %(message)s") % {"message": message},
        )
        return redirect(issue)
