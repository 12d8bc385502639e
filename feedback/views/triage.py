"""A forum's queue and its triage actions: place, merge, ask for information, decline."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from cop_portal.dates import LocalTimes
from cop_portal.db import plans_for_these_values
from cop_portal.kept import FORUM, asked_pages, kept, pages_of
from cop_portal.views import KeptPlansMixin, moved_on_meanwhile
from forums.choices import Tier
from forums.selectors.meetings import addresses_of
from forums.views.mixins import ForumPermissionMixin

from .. import selectors
from ..choices import IssueStatus
from ..exceptions import TransitionNotAllowed
from ..forms import (
    MergeForm,
    PlaceOnAgendaForm,
    ReasonForm,
)
from ..rules import has_been_at_a_forum_i_run
from ..services import merging, routing
from .common import IssuePermissionMixin, refused


class QueuesView(LoginRequiredMixin, TemplateView):
    """The forums this person runs, with how much waits in each queue."""

    template_name = "feedback/queue_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            forums=selectors.forums_to_triage(self.request.user), **kwargs
        )


class ForumQueueView(KeptPlansMixin, ForumPermissionMixin, TemplateView):
    """A forum's queue, oldest first, and what sits on its coming agendas, a page of each;
    the State-wide Forum also sees its open issues counted per practice area."""

    permission_required = "feedback.view_queue"
    template_name = "feedback/forum_queue.html"
    # A facilitator triages a few at a time; short pages keep the queue quick to draw.
    paginate_by = 25
    scheduled_per_page = 10
    # The State-wide view's patterns run over every open issue at the forum and are the same
    # for every facilitator: their drawing is kept this long, and the page says when it was made.
    patterns_cache_seconds = 120

    def planned_for_values(self) -> bool:
        # A later page is read past an OFFSET, and how best to depends on how many wait at
        # the forum: the State-wide queue's second page took twice as long on a plan made
        # for an average forum.
        return self.request.GET.get("page", "1") not in ("", "1")

    def page_of(self, referrals, param: str, per_page: int):
        return Paginator(referrals, per_page).get_page(self.drawn_request.GET.get(param))

    @cached_property
    def patterns(self) -> list[selectors.AreaPattern]:
        """Counted only when the kept drawing of them has expired."""
        return selectors.patterns_across_regions(self.forum)

    def drawn_lists(self) -> dict:
        """The queue and the coming agendas' issues, drawn, and when a meeting among them
        starts (its row then offers to record the outcome)."""
        forum = self.forum_read_again()
        queue = self.page_of(selectors.triage_queue(forum), "page", self.paginate_by)
        # Ordered and counted from the index; the page's rows are read by its ids. How best
        # to gather a forum's coming agenda items turns on how many it has: a plan kept for
        # any forum looked each open stay's item up in turn, 9 ms for each of these two
        # queries at the State-wide Forum, against 1 ms for a plan made for its values.
        with plans_for_these_values():
            scheduled = self.page_of(
                selectors.scheduled_referrals(forum).values_list("pk", flat=True),
                "scheduled_page",
                self.scheduled_per_page,
            )
            scheduled.object_list = list(selectors.scheduled_at(scheduled.object_list))
        with_row_links(queue, scheduled)
        now = timezone.now()
        starts = [
            referral.agenda_item.meeting.start
            for referral in scheduled
            if referral.agenda_item.meeting.start > now
        ]
        html = render_to_string(
            "feedback/_forum_queue_lists.html",
            {"forum": forum, "queue": queue, "scheduled": scheduled},
            request=self.drawn_request,
        )
        return {"html": html, "until": min(starts, default=None)}

    def get_context_data(self, **kwargs):
        forum = self.forum
        self.drawn_request = asked_pages(self.request, "page", "scheduled_page")
        # The same for everyone who runs the forum: kept once drawn, until anything in the
        # forum changes or a meeting listed starts.
        lists = kept(
            "forum-queue",
            (FORUM, forum.pk),
            pages_of(self.drawn_request),
            self.drawn_lists,
            good_until=lambda drawn: drawn["until"],
        )
        return super().get_context_data(
            lists=lists["html"],
            shows_patterns=forum.tier == Tier.STATEWIDE,
            patterns_cache_seconds=self.patterns_cache_seconds,
            patterns_cache_minutes=self.patterns_cache_seconds // 60,
            systemic_threshold=settings.SYSTEMIC_REGION_THRESHOLD,
            **kwargs,
        )


# Where a queue row's links go: one reverse each per page, not one per row.
ROW_LINKS = {
    "issue_url": "feedback:issue-detail",
    "place_url": "feedback:issue-place",
    "merge_url": "feedback:issue-merge",
    "ask_url": "feedback:issue-request-info",
    "decline_url": "feedback:issue-decline",
}
# What a waiting row's actions say, each naming its issue for screen readers: translated
# once per page, then filled in with each row's title.
ROW_ACTIONS = {
    "place_label": _('Place<span class="visually-hidden"> “{title}”</span> on an agenda'),
    "merge_label": _('Merge<span class="visually-hidden"> “{title}”</span>'),
    "ask_label": _('Ask for information<span class="visually-hidden"> about “{title}”</span>'),
    "decline_label": _('Decline<span class="visually-hidden"> “{title}”</span>'),
}


def with_row_links(*pages) -> None:
    """Give each stay on the pages its issue's status label, the links its row offers and
    what those links and its support column say."""
    links = {name: addresses_of(url_name) for name, url_name in ROW_LINKS.items()}
    actions = {name: str(label) for name, label in ROW_ACTIONS.items()}
    labels = {value: str(label) for value, label in IssueStatus.choices}
    outcome = addresses_of("feedback:outcome-record")
    meeting_url = addresses_of("forums:meeting-detail")
    times = LocalTimes()
    for page in pages:
        for referral in page:
            issue = referral.issue
            referral.status_label = labels.get(issue.status, issue.status)
            for name, address in links.items():
                setattr(referral, name, address(referral.issue_id))
            if issue.status == IssueStatus.QUEUED:
                for name, label in actions.items():
                    setattr(referral, name, format_html(label, title=issue.title))
            referral.support = support_of(issue)
            referral.entered_label = times.date(referral.entered_at)
            if referral.agenda_item_id:
                referral.outcome_url = outcome(referral.agenda_item_id)
                meeting = referral.agenda_item.meeting
                referral.meeting_url = meeting_url(meeting.pk)
                referral.meeting_date = times.date(meeting.start)
                referral.meeting_clock = times.clock(meeting.start)


def support_of(issue) -> str:
    """ "3 endorsements, 2 regions", from the issue's counters."""
    endorsements = ngettext(
        "%(endorsements)s endorsement", "%(endorsements)s endorsements", issue.endorsement_count
    ) % {"endorsements": issue.endorsement_count}
    regions = ngettext("%(regions)s region", "%(regions)s regions", issue.region_count) % {
        "regions": issue.region_count
    }
    return f"{endorsements}, {regions}"


class TriageActionMixin(IssuePermissionMixin):
    permission_required = "feedback.triage_issue"

    def dispatch(self, request, *args, **kwargs):
        # Drafts and finished issues sit with no forum: there is nothing to triage. Said only
        # to those who may triage: to anyone else it would tell what state an issue is in.
        if self.issue.current_forum_id is None and self.has_permission():
            raise Http404(gettext("This issue is not with a forum."))
        return super().dispatch(request, *args, **kwargs)

    def handle_no_permission(self):
        # Moved on by a colleague (escalated, declined, placed) since the form was opened:
        # one who ran a forum it was at is told so, and keeps what they typed.
        user = self.request.user
        if (
            user.is_authenticated
            and has_been_at_a_forum_i_run(user, self.issue)
            and user.has_perm("feedback.view_issue", self.issue)
        ):
            return moved_on_meanwhile(
                self,
                gettext(
                    "This issue has moved on meanwhile and is no longer in your forum's queue: "
                    "see where it is now on its page."
                ),
                back_to=self.issue,
                shows_form=self.shows_form_when_moved_on,
            )
        return super().handle_no_permission()

    # Drawn again with what was typed, once the issue has moved on.
    shows_form_when_moved_on = True

    def get_success_url(self) -> str:
        forum = self.issue.current_forum
        return reverse("feedback:forum-queue", kwargs={"slug": forum.slug})


class PlaceOnAgendaView(TriageActionMixin, FormView):
    form_class = PlaceOnAgendaForm
    template_name = "feedback/place_form.html"
    # Nothing typed, and its meetings are the issue's forum's: moved on, that may be a forum
    # whose drafts this person may not see.
    shows_form_when_moved_on = False

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "forum": self.issue.current_forum}

    def form_valid(self, form):
        meeting = form.cleaned_data["meeting"]
        try:
            routing.place_on_agenda(self.issue, meeting=meeting, by=self.request.user)
        except TransitionNotAllowed as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("“%(title)s” is on the agenda of %(meeting)s.")
            % {"title": self.issue.title, "meeting": meeting},
        )
        return redirect(self.get_success_url())


class MergeView(TriageActionMixin, FormView):
    form_class = MergeForm
    template_name = "feedback/merge_form.html"

    def get_form_kwargs(self):
        user = self.request.user
        return {
            **super().get_form_kwargs(),
            "mergeable": selectors.mergeable_into(user, self.issue),
            "likely": selectors.likely_primaries(user, self.issue),
        }

    def form_valid(self, form):
        primary = form.cleaned_data["primary"]
        try:
            routing.merge_issues(self.issue, into=primary, by=self.request.user)
        except TransitionNotAllowed as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, gettext("Merged into %(reference)s.") % {"reference": primary.reference}
        )
        return redirect(self.get_success_url())


class UnmergeView(IssuePermissionMixin, FormView):
    """Undo a merge, after a confirmation: the duplicate gets back what it brought."""

    permission_required = "feedback.unmerge_issue"
    form_class = forms.Form
    template_name = "feedback/unmerge_form.html"

    def get_context_data(self, **kwargs):
        # Who runs the primary's forum may undo the merge of a restricted duplicate they
        # may not read: it is named by its reference alone, as on the primary's page.
        readable = self.request.user.has_perm("feedback.view_issue", self.issue)
        return super().get_context_data(
            shows_title=readable or not self.issue.restricted,
            back_to=self.issue if readable else self.issue.merged_into,
            **kwargs,
        )

    def form_valid(self, form):
        into = self.issue.merged_into
        try:
            merging.unmerge_issue(self.issue, by=self.request.user)
        except TransitionNotAllowed as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext(
                "%(reference)s is no longer merged into %(into)s: its endorsements, watchers "
                "and path are back."
            )
            % {"reference": self.issue.reference, "into": into.reference},
        )
        readable = self.request.user.has_perm("feedback.view_issue", self.issue)
        return redirect(self.issue if readable else into)


class RequestInformationView(TriageActionMixin, FormView):
    form_class = ReasonForm
    template_name = "feedback/reason_form.html"
    heading = _("Ask for more information")
    label = _("What information is needed")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "label": self.label}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def act(self, note: str) -> str:
        routing.request_information(
            self.issue, forum=self.issue.current_forum, by=self.request.user, note=note
        )
        return gettext("The person who raised the issue has been asked for more information.")

    def form_valid(self, form):
        try:
            message = self.act(form.cleaned_data["note"])
        except TransitionNotAllowed as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())


class DeclineView(RequestInformationView):
    heading = _("Decline this issue")
    label = _("Reason for declining")

    def act(self, note: str) -> str:
        routing.decline_issue(
            self.issue, forum=self.issue.current_forum, by=self.request.user, reason=note
        )
        return gettext("The issue has been declined and the person who raised it told why.")


# --- Outcomes at a meeting -------------------------------------------------------------
