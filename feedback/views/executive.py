"""The executive queue and the Strategic Leadership Forum's response."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import FormView
from rules.contrib.views import PermissionRequiredMixin

from cop_portal.filters import FILTERS_CACHE_SECONDS, choices_stamp, filters_key
from cop_portal.views import KeptPlansMixin, PagedListView, moved_on_meanwhile
from forums.models import meeting_vectors
from forums.rules import is_executive
from members.models import PracticeArea, Region

from .. import selectors
from ..exceptions import IdentifyingDetailsFound, OwnerRefused, TransitionNotAllowed
from ..forms import (
    ExecutiveFilterForm,
    ResponseForm,
)
from ..models import Referral
from ..rules import is_awaiting_response
from ..services import responses, routing
from .common import IssuePermissionMixin, refused
from .outcomes import where_now


class ExecutiveQueueView(KeptPlansMixin, PermissionRequiredMixin, PagedListView):
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
            filter_form=self.filter_form,
            filters_key=filters_key(self.filter_form, choices_stamp(Region, PracticeArea)),
            filters_cache_seconds=FILTERS_CACHE_SECONDS,
            query_string=query.urlencode(),
            **kwargs,
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
        if self.issue.is_draft:
            raise Http404(gettext("This issue is not waiting for a response."))
        return is_awaiting_response(self.request.user, self.issue)

    def handle_no_permission(self):
        # Answered meanwhile, or sent elsewhere, by a colleague: an executive who can still
        # read the issue is told so, and keeps the decision they were typing.
        user = self.request.user
        if (
            user.is_authenticated
            and (user.is_superuser or is_executive(user))
            and not self.issue.is_draft
            and user.has_perm("feedback.view_issue", self.issue)
            and not is_awaiting_response(user, self.issue)
        ):
            return moved_on_meanwhile(
                self,
                gettext(
                    "This issue is no longer waiting for a response: one has been recorded "
                    "meanwhile, or it has moved on. See where it is now on its page."
                ),
                back_to=self.issue,
            )
        return super().handle_no_permission()

    @cached_property
    def meeting(self):
        """The Strategic meeting holding the issue, if any."""
        referral = (
            Referral.objects.select_related("agenda_item__meeting")
            .defer(*meeting_vectors("agenda_item__meeting"))
            .filter(issue=self.issue, forum=self.issue.current_forum, left_at__isnull=True)
            .first()
        )
        return referral.agenda_item.meeting if referral and referral.agenda_item else None

    @property
    def out_of_session(self) -> bool:
        return self.meeting is None or not self.meeting.takes_outcomes

    def dispatch(self, request, *args, **kwargs):
        # Between meetings only the chair or facilitator responds, out of session; everyone
        # else is told when the response can be recorded instead of being shown a form.
        if (
            request.user.is_authenticated
            and self.has_permission()
            and self.out_of_session
            and not request.user.has_perm("feedback.decide_out_of_session", self.issue)
        ):
            if self.meeting is None:
                messages.error(
                    request,
                    gettext(
                        "This issue waits for the Strategic Leadership Forum's next meeting: the "
                        "response is recorded there once it has started, or out of session by the "
                        "forum's chair or facilitator."
                    ),
                )
            else:
                try:
                    routing.refuse_before_start(self.meeting)
                except TransitionNotAllowed as exc:
                    messages.error(request, str(exc))
            return redirect(self.issue)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "out_of_session": self.out_of_session}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            meeting=self.meeting, out_of_session=self.out_of_session, **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            responses.respond(
                self.issue,
                by=self.request.user,
                decision=data["decision"],
                owner=data["owner"],
                due_date=data["due_date"],
                review_date=data["review_date"],
                scope=data["scope"],
                out_of_session_reason=data.get("out_of_session_reason", ""),
                related_guidance=data.get("related_guidance") or (),
            )
        except OwnerRefused as exc:
            form.add_error("owner", str(exc))
            return self.form_invalid(form)
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        self.issue.refresh_from_db(fields=["status"])
        done = (
            gettext("The response has been recorded out of session and sent back down. %(where)s")
            if self.out_of_session
            else gettext("The response has been recorded and sent back down. %(where)s")
        )
        messages.success(self.request, done % {"where": where_now(self.issue)})
        return redirect(self.issue)
