"""Practice issues: list, raise, drafts, the issue page, endorsing, watching, comments."""

import copy
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import DetailView, FormView, TemplateView

from cop_portal.filters import FILTERS_CACHE_SECONDS, choices_stamp, filters_key
from cop_portal.kept import ISSUE, asked_pages, kept, pages_of
from cop_portal.views import ButtonTargetMixin, KeptPlansMixin, moved_on_meanwhile
from forums.models import Forum
from forums.rules import forums_run_by, sees_meeting
from members.models import PracticeArea, Region
from members.rules import is_administrator
from practice.models import PracticeLead

from .. import selectors
from ..exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from ..forms import (
    CommentForm,
    IssueFilterForm,
    IssueForm,
    ProvideInformationForm,
)
from ..models import PracticeIssue
from ..pagination import issue_page
from ..path import loop_steps
from ..selectors.advice import issue_leads
from ..selectors.issues import issue_cards
from ..services import issues as issue_services
from .common import IssuePermissionMixin, refused


class IssueListView(KeptPlansMixin, LoginRequiredMixin, TemplateView):
    """Issues newest first, a page at a time from a cursor (`after`/`before`), so a deep
    page costs what the first does; filters and search travel with the page links."""

    template_name = "feedback/practiceissue_list.html"
    per_page = 20
    count_cap = 1000
    # A word's matches are counted no further than the portal search counts them: each
    # issue is read to be matched, and a common word would read thousands to reach 1,000.
    search_count_cap = 200
    mine = False

    @cached_property
    def filter_form(self) -> IssueFilterForm:
        return IssueFilterForm(self.request.GET or None)

    @cached_property
    def filters(self) -> dict:
        """The filters the list applies: none while any of them does not clean."""
        return self.filter_form.cleaned_data if self.filter_form.is_valid() else {}

    def planned_for_values(self) -> bool:
        # A word or a filter may match most issues or a handful: each is planned for itself.
        return any(value not in ("", None) for value in self.filters.values())

    def get_context_data(self, **kwargs):
        filters = self.filters
        issues = selectors.issue_list(
            self.request.user,
            status=filters.get("status", ""),
            tier=filters.get("tier", ""),
            forum=filters.get("forum"),
            region=filters.get("region"),
            practice_area=filters.get("practice_area"),
            age_days=filters.get("age"),
            delivery=filters.get("delivery", ""),
            text=filters.get("q", ""),
            mine=self.mine,
        )
        page = issue_page(
            issues,
            after=self.request.GET.get("after"),
            before=self.request.GET.get("before"),
            per_page=self.per_page,
            count_cap=self.search_count_cap if filters.get("q") else self.count_cap,
            with_drafts=self.mine,
        )
        return super().get_context_data(
            filter_form=self.filter_form,
            filters_key=filters_key(self.filter_form, choices_stamp(Forum, Region, PracticeArea)),
            filters_cache_seconds=FILTERS_CACHE_SECONDS,
            mine=self.mine,
            issues=page.issues,
            cards=issue_cards(page.issues),
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
                messages.success(self.request, gettext("Your draft has been saved."))
            else:
                if not form.require_attestation():
                    return self.form_invalid(form)
                issue = issue_services.raise_issue(draft=self.draft, attested=True, **values)
                messages.success(
                    self.request,
                    gettext(
                        "Your issue has been raised at %(forum)s. You will be told about every "
                        "step."
                    )
                    % {"forum": issue.origin_forum},
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

    def handle_no_permission(self):
        # Raised meanwhile (from another tab, say): for the person who raised it, its page,
        # not a refusal; or, when they were sending changes, the form again with what they
        # typed, to copy into a comment.
        issue, user = self.issue, self.request.user
        if user.is_authenticated and issue.raised_by_id == user.pk and not issue.is_draft:
            return moved_on_meanwhile(
                self,
                gettext(
                    "This issue has been raised already, so it is no longer a draft to change: "
                    "add anything more as a comment."
                ),
                back_to=self.issue,
            )
        return super().handle_no_permission()


class IssueDetailView(KeptPlansMixin, IssuePermissionMixin, DetailView):
    permission_required = "feedback.view_issue"
    template_name = "feedback/practiceissue_detail.html"
    context_object_name = "issue"
    # The latest of each, with links to earlier pages: a long-running issue's page stays as
    # quick to draw as a new one's.
    events_per_page = 20
    comments_per_page = 20

    @cached_property
    def issue(self) -> PracticeIssue:
        try:
            issue = selectors.issue_detail(self.kwargs["pk"], viewer=self.request.user)
        except PracticeIssue.DoesNotExist as exc:
            raise Http404(gettext("No such issue.")) from exc
        # Its path changes only when one of its stays, or a meeting or library item a stay
        # names, does: kept once read (cop_portal.kept), as the same for every reader.
        issue.path = kept(
            "issue-path", (ISSUE, issue.pk), (), partial(selectors.issue_path, issue.pk)
        )
        # Who may see a restricted issue turns on the forums it has been with.
        issue.visited_forum_ids = {referral.forum_id for referral in issue.path}
        return issue

    def get_object(self, queryset=None):
        return self.issue

    def page_number(self, key: str) -> int:
        """The page asked for, 1 (the latest) for anything that is not a page number."""
        value = self.drawn_request.GET.get(key, "")
        if value.isascii() and value.isdigit() and 0 < len(value) < 6:
            return max(int(value), 1)
        return 1

    def page_query(self, key: str, number: int) -> str:
        query = self.drawn_request.GET.copy()
        if number > 1:
            query[key] = str(number)
        else:
            query.pop(key, None)
        return f"?{query.urlencode()}" if query else "?"

    def leads_line(self) -> str:
        """“Practice leads: Name (area), …”, kept until the issue or any area's leads change."""
        issue = self.issue
        return kept(
            "issue-leads",
            (ISSUE, issue.pk),
            (choices_stamp(PracticeLead),),
            lambda: render_to_string("feedback/_issue_leads.html", {"leads": issue_leads(issue)}),
        )

    def drawn_history(self) -> dict:
        """The issue's path through the forums, a page of its timeline and a page of its
        comments, drawn from its stays and its count of comments read again: a part kept
        for others is drawn from rows read after its stamps, never from those read as the
        request began (forums.views.mixins.ForumPermissionMixin.forum_read_again)."""
        user, issue = self.request.user, copy.copy(self.issue)
        counts = PracticeIssue.objects.values_list("comment_count", flat=True)
        try:
            issue.comment_count = counts.get(pk=issue.pk)
        except PracticeIssue.DoesNotExist as exc:  # a draft its writer deleted meanwhile
            raise Http404(gettext("No such issue.")) from exc
        referrals = selectors.issue_path(issue.pk)
        for referral in referrals:
            referral.meeting_shown = bool(
                referral.agenda_item and sees_meeting(user, referral.agenda_item.meeting)
            )
        events = selectors.timeline(
            issue, viewer=user, page=self.page_number("events"), per_page=self.events_per_page
        )
        comments = selectors.issue_comments(
            issue, page=self.page_number("comments"), per_page=self.comments_per_page
        )
        drawn = {
            "issue": issue,
            "referrals": referrals,
            "timeline": events.items,
            "events_page": events,
            "earlier_events_query": self.page_query("events", events.number + 1),
            "later_events_query": self.page_query("events", events.number - 1),
            "comments": comments.items,
            "comments_page": comments,
            "earlier_comments_query": self.page_query("comments", comments.number + 1),
            "later_comments_query": self.page_query("comments", comments.number - 1),
        }
        return {
            "history": render_to_string("feedback/_issue_history.html", drawn),
            "comments": render_to_string("feedback/_issue_comments.html", drawn),
        }

    def get_context_data(self, **kwargs):
        user = self.request.user
        issue = self.issue
        referrals = issue.path
        open_referrals = [r for r in referrals if r.left_at is None]
        # Only the stays at forums this person runs offer them the forum's tools.
        runnable_referrals = [
            r for r in open_referrals if user.has_perm("feedback.record_outcome", r.forum)
        ]
        # The same for everyone who may see the issue, but for the meetings being prepared
        # it names: those are named to whoever runs their forum.
        self.drawn_request = asked_pages(self.request, "events", "comments")
        history = kept(
            "issue-history",
            (ISSUE, issue.pk),
            (
                pages_of(self.drawn_request),
                is_administrator(user),
                tuple(sorted(forums_run_by(user))),
            ),
            self.drawn_history,
        )
        return super().get_context_data(
            kept_history=history,
            leads_line=self.leads_line() if not issue.is_draft else "",
            referrals=referrals,
            open_referrals=open_referrals,
            runnable_referrals=runnable_referrals,
            loop_steps=loop_steps(issue, referrals),
            comment_form=CommentForm(),
            filters_cache_seconds=FILTERS_CACHE_SECONDS,
            endorsed=issue.endorsed,
            watching=issue.watching,
            **kwargs,
        )


class EndorseView(ButtonTargetMixin, IssuePermissionMixin, FormView):
    permission_required = "feedback.endorse_issue"
    form_class = forms.Form

    def button_page_url(self) -> str:
        return self.issue.get_absolute_url()

    def form_valid(self, form):
        try:
            issue_services.endorse_issue(self.issue, by=self.request.user)
            messages.success(self.request, gettext("Thank you: your endorsement has been added."))
        except TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
        return redirect(self.issue)


class WatchView(ButtonTargetMixin, IssuePermissionMixin, FormView):
    permission_required = "feedback.view_issue"
    form_class = forms.Form

    def button_page_url(self) -> str:
        return self.issue.get_absolute_url()

    def form_valid(self, form):
        watching = self.request.POST.get("watch") == "on"
        issue_services.set_watching(self.issue, by=self.request.user, watching=watching)
        messages.success(
            self.request,
            gettext("You will be told about every step.")
            if watching
            else gettext("You will no longer be told."),
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
        messages.success(self.request, gettext("Your comment has been added."))
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
        messages.success(
            self.request, gettext("Thank you: the forum's facilitators have been told.")
        )
        return redirect(self.issue)


# --- Triage -------------------------------------------------------------------------
