"""Meeting papers as PDF: the agenda pack and the minutes, for those who may read them."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View

from ..pdf import html_to_pdf
from ..selectors.actions import actions_for_meeting, with_issue_links
from ..selectors.agenda import meeting_attendees, meeting_resources, minutes_total, timed_agenda
from ..selectors.minutes import minutes_revisions, minutes_to_read
from .mixins import MeetingPermissionMixin


def paper_filename(kind: str, meeting) -> str:
    """ "agenda-pack-northern-cfsn-2025-03-11.pdf": what it is, whose, and when."""
    return f"{kind}-{meeting.forum.slug}-{timezone.localtime(meeting.start):%Y-%m-%d}.pdf"


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Papers may hold what only forum members may read: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


class PaperView(MeetingPermissionMixin, View):
    template_name = ""
    kind = ""

    def paper_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        html = render_to_string(
            self.template_name,
            {
                "meeting": self.meeting,
                "forum": self.meeting.forum,
                "prepared_for": request.user,
                "prepared_at": timezone.localtime(),
                **self.paper_context(),
            },
        )
        return pdf_response(html_to_pdf(html), paper_filename(self.kind, self.meeting))


class AgendaPackPdfView(PaperView):
    """The agenda pack to print or read on a tablet: the meeting, the items with their start
    times, presenters and issue summaries, and the papers attached."""

    permission_required = "forums.view_meeting"
    template_name = "forums/pdf/agenda_pack.html"
    kind = "agenda-pack"

    def paper_context(self) -> dict:
        timed = timed_agenda(self.meeting)
        return {
            "timed_agenda": timed,
            "minutes_total": minutes_total(timed),
            "resources": meeting_resources(self.meeting),
        }


class MinutesPdfView(PaperView):
    """The minutes as published (the draft to those who keep them): attendance, each item's
    notes and decisions, and the actions arising."""

    permission_required = "forums.view_minutes"
    template_name = "forums/pdf/minutes.html"
    kind = "minutes"

    def paper_context(self) -> dict:
        meeting = self.meeting
        keeps_minutes = self.request.user.has_perm("forums.record_minutes", meeting)
        return {
            "minutes": minutes_to_read(
                meeting, keeps_minutes=keeps_minutes, revisions=minutes_revisions(meeting)
            ),
            "attendees": list(meeting_attendees(meeting)) if meeting.attendance_recorded_at else [],
            "actions": with_issue_links(list(actions_for_meeting(meeting))),
        }
