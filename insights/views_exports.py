"""Downloads from the loop-health page: the registers (CSV, XLSX), the "State of the loop"
PDF, and attaching that PDF to a Strategic meeting as a paper."""

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View
from rules.contrib.views import PermissionRequiredMixin

from forums.choices import MeetingStatus
from forums.exceptions import ForumActionRefused
from forums.models import Forum, Meeting
from forums.services.resources import add_resource
from forums.views.mixins import ForumPermissionMixin
from members.fields import ModelChoiceField
from operations.security import security_event

from .registers import FORMATS, REGISTERS, register_rows, strategic_forums_run_by
from .report import render_report, report_filename, report_title
from .views import FilteredMixin
from .writers import csv_lines, xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _register_response(request, *, kind: str, fmt: str, filters, forum=None):
    if kind not in REGISTERS or fmt not in FORMATS:
        raise Http404(gettext("No such register."))
    register = REGISTERS[kind]
    rows = register_rows(request.user, filters, kind)
    where = f"{forum.slug}-" if forum is not None else ""
    filename = f"{kind}-register-{where}{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(register.columns, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            xlsx_bytes(register.title, register.columns, rows), content_type=XLSX_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    security_event("export_downloaded", request=request, export=filename)
    return response


class RegisterView(PermissionRequiredMixin, FilteredMixin, View):
    """A register of the whole loop, filtered like the page."""

    permission_required = "insights.view_insights"

    def get(self, request, kind: str, fmt: str):
        return _register_response(request, kind=kind, fmt=fmt, filters=self.filter_form().filters())


class ForumRegisterView(ForumPermissionMixin, FilteredMixin, View):
    """A register of one forum, for those who may open its own view."""

    permission_required = "insights.view_forum_insights"

    @property
    def fixed_forum(self):
        return self.forum

    def get(self, request, slug: str, kind: str, fmt: str):
        filters = self.filter_form().filters()
        return _register_response(request, kind=kind, fmt=fmt, filters=filters, forum=self.forum)


class ReportPdfView(PermissionRequiredMixin, FilteredMixin, View):
    """The "State of the loop" report for the page's period and filters."""

    permission_required = "insights.view_insights"

    def get(self, request):
        filters = self.filter_form().filters()
        response = HttpResponse(
            render_report(request.user, filters), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{report_filename(filters)}"'
        response["Cache-Control"] = "private, no-store"
        security_event("export_downloaded", request=request, export=report_filename(filters))
        return response


def meetings_taking_papers(forums: list[Forum]):
    """Coming meetings of these forums, draft or published (not held, not cancelled)."""
    return (
        Meeting.objects.filter(
            forum__in=forums, status__in=[MeetingStatus.DRAFT, MeetingStatus.PUBLISHED]
        )
        .upcoming()
        .select_related("forum")
    )


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

    def get_context_data(self, **kwargs):
        filters = self.filter_form().filters()
        return super().get_context_data(
            filters=filters,
            title=report_title(filters),
            query=self.request.GET.urlencode(),
            **kwargs,
        )

    def form_valid(self, form):
        meeting = form.cleaned_data["meeting"]
        filters = self.filter_form().filters()
        paper = ContentFile(
            render_report(self.request.user, filters), name=report_filename(filters)
        )
        try:
            resource = add_resource(
                meeting.forum,
                by=self.request.user,
                title=report_title(filters),
                file=paper,
                meeting=meeting,
            )
        except ForumActionRefused as refused:
            form.add_error("meeting", str(refused))
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Attached '%(title)s' to %(meeting)s.")
            % {"title": resource.title, "meeting": meeting},
        )
        return redirect(meeting.get_absolute_url())
