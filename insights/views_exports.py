"""Downloads from the loop-health page: asking for a register (CSV, XLSX) or the "State of
the loop" PDF, which the worker prepares; a long agenda's meeting papers, asked for on the
meeting's page; the person's prepared downloads; and attaching the report to a Strategic
meeting as a paper once it is prepared."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View
from rules.contrib.views import PermissionRequiredMixin

from cop_portal.views import ButtonTargetMixin, PagedListView
from forums.models import Forum, Meeting
from forums.papers import AGENDA_PACK, MINUTES
from forums.views.mixins import ForumPermissionMixin
from forums.views.papers import PaperMixin
from members.fields import ModelChoiceField
from members.files import CONTENT_TYPES, download_response
from operations.security import security_event

from .choices import ExportFormat, ExportKind, ExportStatus
from .forms import ExportRequestForm, InsightFilterForm
from .models import Export
from .registers import meetings_taking_papers, strategic_forums_run_by
from .report import report_title
from .services.asking import ExportRefused, permitted, request_export, request_paper
from .views import FilteredMixin

DOWNLOAD_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: CONTENT_TYPES["xlsx"],
    ExportFormat.PDF: CONTENT_TYPES["pdf"],
}


class ExportRequestView(ButtonTargetMixin, PermissionRequiredMixin, View):
    """Ask for a register or the report with the page's filters; the worker prepares it and
    the person finds it on their downloads page."""

    permission_required = "insights.view_insights"
    fixed_forum = None

    def button_page_url(self) -> str:
        if self.fixed_forum is not None:
            return reverse("insights:forum-insights", kwargs={"slug": self.fixed_forum.slug})
        return reverse("insights:loop-health")

    def post(self, request, **kwargs):
        choice = ExportRequestForm(request.POST)
        if not choice.is_valid():
            return HttpResponseBadRequest(gettext("That download is not offered."))
        filter_form = InsightFilterForm(request.POST, forum=self.fixed_forum)
        if not filter_form.is_valid():
            # Back to the page with what was typed, where each refused filter says why.
            typed = {name: request.POST.get(name, "") for name in filter_form.fields}
            return redirect(f"{self.button_page_url()}?{urlencode(typed)}")
        try:
            export = request_export(
                request.user,
                kind=choice.cleaned_data["kind"],
                file_format=choice.cleaned_data["file_format"],
                filters=filter_form.filters(),
                forum=self.fixed_forum,
            )
        except ExportRefused as refused:
            messages.error(request, str(refused))
            return redirect(self.button_page_url())
        say_what_became_of(request, export)
        return redirect("insights:downloads")


class ForumExportRequestView(ForumPermissionMixin, ExportRequestView):
    """A register of one forum, for those who may open its own view."""

    permission_required = "insights.view_forum_insights"

    @property
    def fixed_forum(self):
        return self.forum


class PaperRequestView(ButtonTargetMixin, PaperMixin, View):
    """Ask the worker for a long agenda's paper (forums.papers); it is listed in the person's
    downloads."""

    def button_page_url(self) -> str:
        return reverse(f"forums:{self.paper.kind}-pdf", kwargs={"pk": self.meeting.pk})

    def post(self, request, *args, **kwargs):
        try:
            export = request_paper(request.user, kind=self.paper.kind, meeting=self.meeting)
        except ExportRefused as refused:
            messages.error(request, str(refused))
            return redirect(self.meeting.get_absolute_url())
        say_what_became_of(request, export)
        return redirect("insights:downloads")


class AgendaPackRequestView(PaperRequestView):
    paper = AGENDA_PACK


class MinutesRequestView(PaperRequestView):
    paper = MINUTES


def say_what_became_of(request, export: Export) -> None:
    """One message: ready already (where tasks run in-process), or being prepared."""
    export.refresh_from_db(fields=["status", "problem"])
    if export.status == ExportStatus.READY and export.attach_to is not None:
        messages.success(
            request,
            gettext("Attached '%(title)s' to %(meeting)s.")
            % {"title": export, "meeting": export.attach_to},
        )
    elif export.status == ExportStatus.READY:
        messages.success(request, gettext("Ready to download: %(title)s.") % {"title": export})
    elif export.status == ExportStatus.FAILED:
        messages.error(
            request,
            gettext("%(title)s could not be prepared: %(problem)s")
            % {"title": export, "problem": export.problem},
        )
    elif export.attach_to is not None:
        messages.info(
            request,
            gettext(
                "Preparing %(title)s. It will be attached to %(meeting)s, and you will be notified."
            )
            % {"title": export, "meeting": export.attach_to},
        )
    else:
        messages.info(
            request,
            gettext("Preparing %(title)s. You will be notified when it is ready to download.")
            % {"title": export},
        )


class DownloadsView(LoginRequiredMixin, PagedListView):
    """The registers and reports this person asked for in the last few days."""

    template_name = "insights/downloads.html"
    context_object_name = "exports"
    paginate_by = 20

    def get_queryset(self):
        return (
            Export.objects.filter(requested_by=self.request.user)
            .select_related("forum", "attach_to__forum", "meeting__forum")
            .defer("query")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retention_days"] = settings.EXPORT_RETENTION_DAYS
        exports = context["exports"]
        context["any_pending"] = any(export.is_pending for export in exports)
        user = self.request.user
        for export in exports:
            # Offered only while the download would be sent.
            export.may_download = export.is_ready and permitted(user, export)
        return context


class DownloadView(LoginRequiredMixin, View):
    """A prepared export, sent only to the person who asked for it, while they may still see
    what it holds."""

    def get(self, request, pk: int):
        export = get_object_or_404(
            Export.objects.select_related("forum", "attach_to__forum", "meeting__forum"),
            pk=pk,
            requested_by=request.user,
            status=ExportStatus.READY,
        )
        if not permitted(request.user, export):
            raise PermissionDenied
        response = download_response(export.file, content_type=DOWNLOAD_TYPES[export.file_format])
        security_event("export_downloaded", request=request, export=export.filename)
        return response


class AttachReportForm(forms.Form):
    meeting = ModelChoiceField(
        queryset=Meeting.objects.none(),
        label=_("Strategic meeting"),
        empty_label=_("Choose a meeting"),
        help_text=_("Coming meetings of the Strategic Leadership Forum, draft or published."),
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.forum.name}: {m}"


class ReportAttachView(PermissionRequiredMixin, FilteredMixin, FormView):
    """Attach the report for the page's period and filters to a coming Strategic meeting as
    a paper; the forums app adds the resource and records it."""

    permission_required = "insights.view_insights"
    form_class = AttachReportForm
    template_name = "insights/report_attach_form.html"

    @cached_property
    def forums(self) -> list[Forum]:
        return strategic_forums_run_by(self.request.user)

    def has_permission(self) -> bool:
        # Those who see the whole loop and run the Strategic Leadership Forum.
        return super().has_permission() and bool(self.forums)

    @cached_property
    def meetings(self):
        return meetings_taking_papers(self.forums)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meetings": self.meetings}

    def post(self, request, *args, **kwargs):
        if "meeting" not in request.POST:
            # From the loop-health page's report form: this page, for the period chosen there.
            typed = InsightFilterForm(request.POST)
            values = {name: request.POST[name] for name in typed.fields if request.POST.get(name)}
            page = "insights:report-attach" if typed.is_valid() else "insights:loop-health"
            return redirect(f"{reverse(page)}?{urlencode(values)}")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        filters = self.filter_form().filters()
        return super().get_context_data(
            filters=filters,
            title=report_title(filters),
            query=self.request.GET.urlencode(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            export = request_export(
                self.request.user,
                kind=ExportKind.REPORT,
                file_format=ExportFormat.PDF,
                filters=self.filter_form().filters(),
                attach_to=form.cleaned_data["meeting"],
            )
        except ExportRefused as refused:
            form.add_error("meeting", str(refused))
            return self.form_invalid(form)
        say_what_became_of(self.request, export)
        return redirect("insights:downloads")
