"""Meeting papers as PDF: the agenda pack and the minutes, for those who may read them. A
long agenda's paper is prepared by the worker instead: its button asks insights for it, and
the reader finds it in their downloads (forums.papers)."""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from ..papers import AGENDA_PACK, MINUTES, Paper, prepared_in_background
from .mixins import MeetingPermissionMixin


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Papers may hold what only forum members may read: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


class PaperMixin(MeetingPermissionMixin):
    paper: Paper

    def get_permission_required(self):
        return (self.paper.permission,)


class PaperView(PaperMixin, View):
    """The paper as PDF; for a long agenda, a page offering to prepare it."""

    def get(self, request, *args, **kwargs):
        item_count = self.meeting.agenda_items.count()
        if prepared_in_background(item_count):
            return TemplateResponse(
                request,
                "forums/paper_prepare.html",
                {
                    "meeting": self.meeting,
                    "forum": self.meeting.forum,
                    "paper": self.paper,
                    "paper_title": self.paper.title(self.meeting),
                    "item_count": item_count,
                    "prepare_url": reverse(
                        f"insights:{self.paper.kind}-prepare", kwargs={"pk": self.meeting.pk}
                    ),
                },
            )
        return pdf_response(
            self.paper.pdf(self.meeting, request.user), self.paper.filename(self.meeting)
        )


class AgendaPackPdfView(PaperView):
    """The agenda pack to print or read on a tablet: the meeting, the items with their start
    times, presenters and issue summaries, and the papers attached."""

    paper = AGENDA_PACK


class MinutesPdfView(PaperView):
    """The minutes as published (the draft to those who keep them): attendance, each item's
    notes and decisions, and the actions arising."""

    paper = MINUTES
