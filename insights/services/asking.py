"""Asking for an export: one waiting per person and request, told to the worker after commit."""

from functools import partial

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext

from forums.models import Forum, Meeting
from forums.papers import PAPERS
from members.models import User
from members.tasks import enqueue
from operations.security import security_event

from ..choices import FORMATS_OF, PAPER_KINDS, PENDING, ExportFormat, ExportKind
from ..models import Export
from ..registers import REGISTERS
from ..report import filters_in_words, report_filename, report_title
from ..selectors import InsightFilters, filters_query
from ..tasks import prepare_export as prepare_export_task


class ExportRefused(Exception):
    """An export that cannot be asked for, with a sentence for the person asking."""


# --- What an export is called ------------------------------------------------------------


def _title_and_filename(kind: str, file_format: str, filters, forum) -> tuple[str, str]:
    if kind == ExportKind.REPORT:
        return report_title(filters), report_filename(filters)
    register = str(REGISTERS[kind].title)
    if forum is not None:
        register = gettext("%(register)s of %(forum)s") % {
            "register": register,
            "forum": forum.name,
        }
    title = f"{register}, {filters.period_label}"
    where = f"{forum.slug}-" if forum is not None else ""
    filename = f"{kind}-register-{where}{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{file_format}"
    return title, filename


def permitted(user, export: Export) -> bool:
    """Whether this person may still have the export: the page's permission, and for a report
    to attach, adding papers to the meeting's forum."""
    if not user.is_active:
        return False
    if export.kind in PAPER_KINDS:
        if export.meeting is None:
            return False
        paper = PAPERS[export.kind]
        return paper.may_read(user, export.meeting) and (
            not export.holds_draft or paper.keeps(user, export.meeting)
        )
    if export.forum is not None:
        allowed = user.has_perm("insights.view_forum_insights", export.forum)
    else:
        allowed = user.has_perm("insights.view_insights")
    if allowed and export.attach_to is not None:
        allowed = user.has_perm("forums.add_resource", export.attach_to.forum)
    return allowed


# --- Asking ---------------------------------------------------------------------------------


@transaction.atomic
def request_export(
    user: User,
    *,
    kind: str,
    file_format: str,
    filters: InsightFilters,
    forum: Forum | None = None,
    attach_to: Meeting | None = None,
) -> Export:
    """Queue a register or the report for this person with these filters; asked again while
    the same one waits, the waiting one is returned. The worker is told after commit."""
    if file_format not in FORMATS_OF.get(kind, ()) or kind in PAPER_KINDS:
        raise ExportRefused(gettext("That download is not offered."))
    if kind == ExportKind.REPORT and forum is not None:
        # The report is of the whole loop, for those who see it.
        raise ExportRefused(gettext("That download is not offered."))
    if attach_to is not None and kind != ExportKind.REPORT:
        raise ExportRefused(gettext("Only the report can be attached to a meeting."))
    # One person's requests one at a time, so a double click queues one export (the
    # constraint on waiting exports holds where rows cannot be locked).
    User.objects.select_for_update().filter(pk=user.pk).first()
    query = filters_query(filters, forum_fixed=forum is not None)
    same = {
        "requested_by": user,
        "kind": kind,
        "file_format": file_format,
        "forum": forum,
        "attach_to": attach_to,
        "attaching": attach_to is not None,
        "query": query,
    }
    title, filename = _title_and_filename(kind, file_format, filters, forum)
    return _queue(
        user,
        same,
        title=title,
        filters_text=filters_in_words(filters, forum_fixed=forum is not None),
        filename=filename,
    )


@transaction.atomic
def request_paper(user: User, *, kind: str, meeting: Meeting) -> Export:
    """Queue a meeting's paper (agenda pack, minutes) as PDF for this person, to read what
    they may read of it when it is prepared; asked again while it waits, the waiting one is
    returned."""
    paper = PAPERS.get(kind)
    if paper is None:
        raise ExportRefused(gettext("That download is not offered."))
    if not paper.may_read(user, meeting):
        raise ExportRefused(gettext("You may not read that paper."))
    User.objects.select_for_update().filter(pk=user.pk).first()
    same = {
        "requested_by": user,
        "kind": kind,
        "file_format": ExportFormat.PDF,
        "forum": None,
        "attach_to": None,
        "attaching": False,
        "meeting": meeting,
        # Names the meeting for the constraint that keeps one waiting per request.
        "query": f"meeting={meeting.pk}",
    }
    return _queue(
        user,
        same,
        title=paper.title(meeting),
        filters_text=gettext("%(forum)s, %(date)s")
        % {
            "forum": meeting.forum.name,
            "date": formats.date_format(timezone.localtime(meeting.start), "DATE_FORMAT"),
        },
        filename=paper.filename(meeting),
    )


def _queue(user: User, same: dict, *, title: str, filters_text: str, filename: str) -> Export:
    """The waiting export asked for just so, or a new one, told to the worker after commit.
    Called inside the transaction that locked the person's row."""
    waiting = Export.objects.filter(**same, status__in=PENDING).first()
    if waiting is not None:
        return waiting
    now = timezone.now()
    try:
        with transaction.atomic():
            export = Export.objects.create(
                **same,
                title=title,
                filters_text=filters_text,
                filename=filename,
                created_at=now,
                queued_at=now,
            )
    except IntegrityError:
        return Export.objects.get(**same, status__in=PENDING)
    security_event("export_requested", user=user, export=filename)
    transaction.on_commit(partial(enqueue, prepare_export_task, export.pk), robust=True)
    return export
