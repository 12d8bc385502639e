"""Consultations down the tiers: the list, opening one, answering, the sender's page with
answers side by side by region, its CSV, the summary and closing."""

from defusedcsv import csv
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views import View
from django.views.generic import DetailView, FormView
from rules.contrib.views import PermissionRequiredMixin

from cop_portal.views import KeptPlansMixin, PagedListView, moved_on_meanwhile
from forums.choices import Tier
from forums.models import Forum
from forums.rules import is_forum_member
from operations.security import security_event

from ..exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from ..forms import (
    CloseConsultationForm,
    ConsultationAnswersForm,
    ConsultationForm,
    ConsultationSummaryForm,
)
from ..models import Consultation, ConsultationTarget
from ..selectors import (
    answerable_targets,
    answers_by_question,
    consultation_detail,
    consultation_targets,
    consultations_of_mine,
    export_rows,
    member_answers_of,
)
from ..services import consultations as services
from .common import refused

EXPORT_COLUMNS = (
    "region",
    "forum",
    "question_number",
    "question",
    "forum_answer",
    "answered_at",
    "late",
    "member_answers",
)


class ConsultationListView(KeptPlansMixin, LoginRequiredMixin, PagedListView):
    """Open consultations sent to or from the member's forums, then closed ones."""

    template_name = "feedback/consultation_list.html"
    context_object_name = "consultations"
    paginate_by = 25

    def get_queryset(self):
        return consultations_of_mine(self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        senders = Forum.objects.filter(tier__in=(Tier.STATEWIDE, Tier.STRATEGIC)).order_by(
            "-tier", "name"
        )
        return super().get_context_data(
            can_open_from=[f for f in senders if user.has_perm("feedback.open_consultation", f)],
            **kwargs,
        )


class ConsultationCreateView(PermissionRequiredMixin, FormView):
    permission_required = "feedback.open_consultation"
    template_name = "feedback/consultation_form.html"
    form_class = ConsultationForm

    @cached_property
    def forum(self) -> Forum:
        return get_object_or_404(Forum, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.forum

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "choices": services.target_choices(self.forum)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(forum=self.forum, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            consultation = services.open_consultation(
                self.forum,
                by=self.request.user,
                title=data["title"],
                brief=data["brief"],
                questions=form.questions(),
                closes_on=data["closes_on"],
                forums=data["forums"],
            )
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Consultation opened: sent to %(count)s forums.")
            % {"count": len(data["forums"])},
        )
        return redirect(consultation)


class ConsultationPermissionMixin(PermissionRequiredMixin):
    """Loads the consultation named by the URL and checks permission_required against it."""

    @cached_property
    def consultation(self) -> Consultation:
        try:
            return consultation_detail(self.kwargs["pk"])
        except Consultation.DoesNotExist:
            raise Http404(gettext("No such consultation.")) from None

    def get_permission_object(self):
        return self.consultation

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, **kwargs)

    def get_success_url(self) -> str:
        return self.consultation.get_absolute_url()


class ConsultationDetailView(ConsultationPermissionMixin, DetailView):
    """The brief and questions, where each forum is with it and the answers by region: all
    of them for the sender's people, executives and administrators; a target forum's
    members see their own forum's."""

    permission_required = "feedback.view_consultation"
    template_name = "feedback/consultation_detail.html"
    context_object_name = "consultation"

    def get_object(self, queryset=None):
        return self.consultation

    def get_context_data(self, **kwargs):
        user = self.request.user
        consultation = self.consultation
        sees_all = user.has_perm("feedback.view_consultation_answers", consultation)
        mine = answerable_targets(user, consultation)
        member_of = {target.forum_id for target in mine}
        targets = consultation_targets(
            consultation, forum_ids=None if sees_all else {t.forum_id for t in mine}
        )
        for target in targets:
            target.can_record = user.has_perm("feedback.record_consultation_answers", target)
            target.can_answer_own = target.forum_id in member_of and user.has_perm(
                "feedback.answer_consultation", target
            )
        return super().get_context_data(
            sees_all=sees_all,
            questions=list(consultation.questions.all()),
            targets=targets,
            answers=answers_by_question(consultation, targets),
            own_targets=[t for t in targets if t.can_record or t.can_answer_own],
            can_summarise=user.has_perm("feedback.summarise_consultation", consultation),
            can_export=user.has_perm("feedback.export_consultation", consultation),
            **kwargs,
        )


class ConsultationExportView(ConsultationPermissionMixin, View):
    """Every forum's answer to every question, one row each, streamed as CSV."""

    permission_required = "feedback.export_consultation"

    def get(self, request, *args, **kwargs):
        consultation = self.consultation

        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())
        lines = (writer.writerow(row) for row in (EXPORT_COLUMNS, *export_rows(consultation)))
        filename = f"consultation-{consultation.pk}.csv"
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        security_event("export_downloaded", request=request, export=filename)
        return response


class ConsultationSummaryView(ConsultationPermissionMixin, FormView):
    permission_required = "feedback.summarise_consultation"
    template_name = "feedback/consultation_summary_form.html"
    form_class = ConsultationSummaryForm

    def get_initial(self):
        return {"summary": self.consultation.summary}

    def form_valid(self, form):
        try:
            services.publish_consultation_summary(
                self.consultation, summary=form.cleaned_data["summary"], by=self.request.user
            )
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Summary published; the members of every forum consulted are told."),
        )
        return redirect(self.get_success_url())


class ConsultationCloseView(ConsultationPermissionMixin, FormView):
    permission_required = "feedback.summarise_consultation"
    template_name = "feedback/consultation_close_form.html"
    form_class = CloseConsultationForm

    def form_valid(self, form):
        try:
            services.close_consultation(
                self.consultation, by=self.request.user, note=form.cleaned_data["note"]
            )
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Consultation closed without a summary."))
        return redirect(self.get_success_url())


class TargetPermissionMixin(PermissionRequiredMixin):
    @cached_property
    def target(self) -> ConsultationTarget:
        return get_object_or_404(
            ConsultationTarget.objects.select_related(
                "consultation__from_forum", "forum", "agenda_item__meeting"
            ),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.target

    @cached_property
    def questions(self):
        return list(self.target.consultation.questions.all())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            target=self.target, consultation=self.target.consultation, **kwargs
        )

    def get_success_url(self) -> str:
        return self.target.consultation.get_absolute_url()


class RecordAnswersView(TargetPermissionMixin, FormView):
    """At or after its meeting, the forum's chair or facilitator records its answers, with
    the members' own answers beside each question."""

    permission_required = "feedback.record_consultation_answers"
    template_name = "feedback/consultation_answers_form.html"

    def get_form(self, form_class=None):
        existing = {
            block.question.pk: row.text
            for block in answers_by_question(self.target.consultation, [self.target])
            for row in block.rows
            if row.text
        }
        return ConsultationAnswersForm(
            **self.get_form_kwargs(), questions=self.questions, existing=existing
        )

    def get_context_data(self, **kwargs):
        blocks = answers_by_question(self.target.consultation, [self.target])
        return super().get_context_data(
            member_answers=[block for block in blocks if block.rows[0].member_answers],
            recording=True,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.record_consultation_answers(
                self.target, answers=form.answers(), by=self.request.user
            )
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("The answers of %(forum)s are recorded.") % {"forum": self.target.forum.name},
        )
        return redirect(self.get_success_url())


class MemberAnswersView(TargetPermissionMixin, FormView):
    """Before the forum's meeting, a member adds their own answers for the facilitator."""

    permission_required = "feedback.answer_consultation"
    template_name = "feedback/consultation_answers_form.html"

    def handle_no_permission(self):
        user = self.request.user
        # Someone who may read the consultation but not (or no longer) answer is shown why,
        # and keeps what they typed when they were sending it.
        if (
            user.is_authenticated
            and is_forum_member(user, self.target)
            and user.has_perm("feedback.view_consultation", self.target.consultation)
        ):
            return moved_on_meanwhile(
                self,
                gettext("Members' own answers are closed: the forum's meeting has started."),
                back_to=self.get_success_url(),
            )
        if user.is_authenticated:
            raise PermissionDenied
        return super().handle_no_permission()

    def get_form(self, form_class=None):
        existing = {
            pk: answer.text
            for pk, answer in member_answers_of(self.request.user, self.target).items()
        }
        return ConsultationAnswersForm(
            **self.get_form_kwargs(), questions=self.questions, existing=existing, required=False
        )

    def form_valid(self, form):
        try:
            services.save_member_answers(self.target, answers=form.answers(), by=self.request.user)
        except (TransitionNotAllowed, IdentifyingDetailsFound) as exc:
            refused(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Your answers are saved; you can change them until the meeting starts."),
        )
        return redirect(self.get_success_url())
