"""Meeting papers, the agenda pack and the minutes, laid out as PDF for one reader: they show
what that person may read, and say whom they were prepared for.

A paper of a short agenda is laid out while the reader waits. Laying out takes WeasyPrint about
30 ms an item, so a paper of more than PAPER_ITEMS_IN_REQUEST items is prepared by the worker
instead (insights.services.asking.request_paper) and found in the reader's downloads."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .pdf import html_to_pdf
from .selectors.actions import actions_for_meeting, with_issue_links
from .selectors.agenda import meeting_attendees, meeting_resources, minutes_total, timed_agenda
from .selectors.minutes import minutes_revisions, minutes_to_read


def _agenda_pack_context(meeting, reader) -> dict:
    timed = timed_agenda(meeting)
    return {
        "timed_agenda": timed,
        "minutes_total": minutes_total(timed),
        "resources": meeting_resources(meeting),
    }


def _minutes_context(meeting, reader) -> dict:
    keeps_minutes = MINUTES.keeps(reader, meeting)
    return {
        "minutes": minutes_to_read(
            meeting, keeps_minutes=keeps_minutes, revisions=minutes_revisions(meeting)
        ),
        "attendees": list(meeting_attendees(meeting)) if meeting.attendance_recorded_at else [],
        "actions": with_issue_links(list(actions_for_meeting(meeting))),
    }


@dataclass(frozen=True)
class Paper:
    kind: str  # as in file names: "agenda-pack", "minutes"
    name: str  # (lazily translated) what it is called, as in "Agenda pack: <meeting>"
    permission: str  # who may read it, of the meeting
    # Who keeps it, of the meeting: they read its draft (an agenda not yet published,
    # minutes changed since they were published) where others read what is published.
    keeper_permission: str
    prepare_label: str  # (lazily translated) the button that asks the worker for it
    template_name: str
    context: Callable[..., dict]  # (meeting, reader) -> the template's own context

    def title(self, meeting) -> str:
        return gettext("%(paper)s: %(meeting)s") % {"paper": self.name, "meeting": meeting.title}

    def filename(self, meeting) -> str:
        """ "agenda-pack-northern-cfsn-2025-03-11.pdf": what it is, whose, and when."""
        return f"{self.kind}-{meeting.forum.slug}-{timezone.localtime(meeting.start):%Y-%m-%d}.pdf"

    def may_read(self, reader, meeting) -> bool:
        return reader.is_active and reader.has_perm(self.permission, meeting)

    def keeps(self, reader, meeting) -> bool:
        return reader.has_perm(self.keeper_permission, meeting)

    def pdf(self, meeting, reader) -> bytes:
        html = render_to_string(
            self.template_name,
            {
                "meeting": meeting,
                "forum": meeting.forum,
                "prepared_for": reader,
                "prepared_at": timezone.localtime(),
                **self.context(meeting, reader),
            },
        )
        return html_to_pdf(html)


AGENDA_PACK = Paper(
    kind="agenda-pack",
    name=_("Agenda pack"),
    permission="forums.view_meeting",
    keeper_permission="forums.build_agenda",
    prepare_label=_("Prepare agenda pack (PDF)"),
    template_name="forums/pdf/agenda_pack.html",
    context=_agenda_pack_context,
)
MINUTES = Paper(
    kind="minutes",
    name=_("Minutes"),
    permission="forums.view_minutes",
    keeper_permission="forums.record_minutes",
    prepare_label=_("Prepare minutes (PDF)"),
    template_name="forums/pdf/minutes.html",
    context=_minutes_context,
)
PAPERS = {paper.kind: paper for paper in (AGENDA_PACK, MINUTES)}


def prepared_in_background(item_count: int) -> bool:
    """Whether a paper of a meeting with this many agenda items is prepared by the worker
    rather than while the reader waits."""
    return item_count > settings.PAPER_ITEMS_IN_REQUEST
