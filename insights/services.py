"""Exports prepared in the background: a register or the "State of the loop" report is asked
for on the page, built by the worker with the filters and the visibility of the person who
asked, kept for EXPORT_RETENTION_DAYS, and downloaded only by them. A meeting paper of a long
agenda (forums.papers) is prepared the same way."""

import contextlib
import datetime as dt
import logging
import os
import posixpath
import tempfile
import uuid
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forums.exceptions import ForumActionRefused
from forums.models import Forum, Meeting
from forums.papers import PAPERS
from forums.services.resources import add_resource
from members.choices import NotificationKind
from members.models import PracticeArea, Region, User
from members.services import notify
from members.tasks import enqueue
from operations.security import security_event

from .choices import FORMATS_OF, PAPER_KINDS, PENDING, ExportFormat, ExportKind, ExportStatus
from .models import Export
from .registers import REGISTERS, meetings_taking_papers, register_rows
from .report import filters_in_words, render_report, report_filename, report_title
from .selectors import InsightFilters, filters_of, filters_query
from .tasks import prepare_export as prepare_export_task
from .writers import write_csv, write_xlsx

logger = logging.getLogger(__name__)

# Tries of an export whose worker stopped before it was prepared.
MAX_ATTEMPTS = 3
# A message to the worker not taken this long after it was sent is taken as lost: longer
# than the sweep's five minutes, so that an export waiting behind a long build is not sent
# again at every sweep.
LOST_AFTER = dt.timedelta(minutes=15)


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


# --- Preparing ------------------------------------------------------------------------------

SOMETHING_WENT_WRONG = _("Something went wrong while preparing it. Ask for it again.")
TOO_LONG = _("It took too long to prepare. Ask for a shorter period.")
PAPER_TOO_LONG = _("It took too long to prepare. Ask for it again later.")


def _too_long(export: Export) -> str:
    return str(PAPER_TOO_LONG if export.kind in PAPER_KINDS else TOO_LONG)


def _claim(export_id: int) -> Export | None:
    with transaction.atomic():
        export = (
            Export.objects.select_for_update(of=("self",))
            .select_related("requested_by", "forum", "attach_to__forum", "meeting__forum")
            .filter(pk=export_id, status=ExportStatus.QUEUED)
            .first()
        )
        if export is None:
            return None
        export.status = ExportStatus.PREPARING
        export.started_at = timezone.now()
        export.attempts += 1
        export.save(update_fields=["status", "started_at", "attempts"])
    return export


def _write(export: Export, filters: InsightFilters | None, handle) -> None:
    user = export.requested_by
    if export.kind in PAPER_KINDS:
        handle.write(PAPERS[export.kind].pdf(export.meeting, user))
        return
    if export.kind == ExportKind.REPORT:
        handle.write(render_report(user, filters))
        return
    register = REGISTERS[export.kind]
    rows = register_rows(user, filters, export.kind)
    if export.file_format == ExportFormat.CSV:
        write_csv(handle, register.columns, rows)
    else:
        write_xlsx(handle, register.title, register.columns, rows)


def prepare_export(export_id: int) -> bool:
    """Build a queued export and tell the person who asked, once: a second run, or two at
    once, finds it no longer queued and does nothing. Whatever stops it, the person is told
    it failed. Returns whether it became ready."""
    export = _claim(export_id)
    if export is None:
        return False
    try:
        return _prepare(export)
    except SoftTimeLimitExceeded:
        _fail(export, _too_long(export))
    except Exception:
        logger.exception("Export %s could not be prepared", export.pk)
        _fail(export, str(SOMETHING_WENT_WRONG))
    return False


def _refusal(export: Export) -> str:
    """Why the export may not be finished for its person now, or "": asked before it is
    built and again when it is finished, since either may change meanwhile."""
    if export.attaching and export.attach_to is None:
        return gettext("The meeting was removed before the report could be attached.")
    if not permitted(export.requested_by, export):
        if export.kind in PAPER_KINDS:
            return gettext("You may no longer read this paper.")
        return gettext("You may no longer see these figures.")
    return ""


def _prepare(export: Export) -> bool:
    if refusal := _refusal(export):
        _fail(export, refusal)
        return False
    try:
        filters = (
            None if export.kind in PAPER_KINDS else filters_of(export.query, forum=export.forum)
        )
    except (Forum.DoesNotExist, Region.DoesNotExist, PracticeArea.DoesNotExist):
        _fail(export, gettext("A forum, region or practice area it was filtered by was removed."))
        return False
    # A paper laid out for one who keeps it holds its draft: sent only while they still do.
    holds_draft = export.kind in PAPER_KINDS and PAPERS[export.kind].keeps(
        export.requested_by, export.meeting
    )
    storage = export.file.storage
    # Stored before the row says so, in a folder of its own; removed again, whatever was
    # written of it, unless the row is marked ready.
    name = export.file.field.generate_filename(export, f"{uuid.uuid4().hex}/{export.filename}")
    finished = False
    try:
        with tempfile.TemporaryFile() as handle:
            _write(export, filters, handle)
            handle.seek(0)
            name = storage.save(name, File(handle))
        finished = _finish(export, name, holds_draft=holds_draft)
    finally:
        if not finished:
            _delete_file(storage, name)
    return finished


def _downloads_url() -> str:
    return reverse("insights:downloads")


@transaction.atomic
def _finish(export: Export, name: str, *, holds_draft: bool) -> bool:
    export = (
        Export.objects.select_for_update(of=("self",))
        .select_related("requested_by", "attach_to__forum", "meeting__forum")
        .filter(pk=export.pk, status=ExportStatus.PREPARING)
        .first()
    )
    if export is None:  # removed, or given up on, while it was being prepared
        return False
    export.file.name = name
    export.holds_draft = holds_draft
    if refusal := _refusal(export):
        _fail(export, refusal)
        return False
    meeting = export.attach_to
    resource = None
    if meeting is not None:
        still_to_come = (
            meetings_taking_papers([meeting.forum])
            .select_for_update(of=("self",))
            .filter(pk=meeting.pk)
            .first()
        )
        if still_to_come is None:
            _fail(
                export,
                gettext(
                    "%(meeting)s has been held or cancelled since; attach the report to a "
                    "coming meeting."
                )
                % {"meeting": meeting},
            )
            return False
        try:
            with export.file.open("rb") as stored:
                paper = ContentFile(stored.read(), name=export.filename)
            resource = add_resource(
                meeting.forum,
                by=export.requested_by,
                title=export.title,
                file=paper,
                meeting=meeting,
            )
        except ForumActionRefused as refused:
            _fail(export, str(refused))
            return False
    try:
        _mark_ready(export, meeting)
    except BaseException:
        # The paper's row goes with the transaction; its file was stored on saving it.
        if resource is not None:
            resource.file.delete(save=False)
        raise
    return True


def _mark_ready(export: Export, meeting: Meeting | None) -> None:
    export.size = export.file.size
    export.status = ExportStatus.READY
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "size", "status", "finished_at", "holds_draft"])
    kept = formats.date_format(timezone.localtime(export.expires_at), "DATETIME_FORMAT")
    if meeting is not None:
        subject = gettext("Attached to %(meeting)s: %(title)s") % {
            "meeting": meeting,
            "title": export.title,
        }
        body = gettext("A copy is also in your downloads until %(date)s.") % {"date": kept}
        url = meeting.get_absolute_url()
    else:
        subject = gettext("Ready to download: %(title)s") % {"title": export.title}
        body = gettext("It is kept for you until %(date)s.") % {"date": kept}
        url = _downloads_url()
    notify(export.requested_by, subject=subject, body=body, url=url, kind=NotificationKind.OTHER)


@transaction.atomic
def _fail(export: Export, problem: str) -> None:
    updated = Export.objects.filter(pk=export.pk, status=ExportStatus.PREPARING).update(
        status=ExportStatus.FAILED, problem=problem[:500], finished_at=timezone.now()
    )
    if updated:
        notify(
            export.requested_by,
            subject=gettext("Could not be prepared: %(title)s") % {"title": export.title},
            body=problem,
            url=_downloads_url(),
            kind=NotificationKind.OTHER,
        )


# --- Sweeps ---------------------------------------------------------------------------------


def prepare_waiting_exports() -> int:
    """Send the worker again what waits too long: exports whose message was lost (sent long
    ago and not taken), and those whose worker stopped (tried MAX_ATTEMPTS times, then given
    up). Returns how many were sent."""
    now = timezone.now()
    stalled_since = now - dt.timedelta(minutes=settings.EXPORT_STALLED_MINUTES)
    with transaction.atomic():
        stalled = list(
            Export.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(status=ExportStatus.PREPARING, started_at__lt=stalled_since)
            .select_related("requested_by")
        )
        for export in stalled:
            if export.attempts >= MAX_ATTEMPTS:
                _fail(export, _too_long(export))
            else:
                export.status = ExportStatus.QUEUED
                export.queued_at = now - LOST_AFTER  # sent again below
                export.save(update_fields=["status", "queued_at"])
    with transaction.atomic():
        lost = list(
            Export.objects.select_for_update(skip_locked=True)
            .filter(status=ExportStatus.QUEUED, queued_at__lte=now - LOST_AFTER)
            .values_list("pk", flat=True)
        )
        Export.objects.filter(pk__in=lost).update(queued_at=now)
    for export_id in lost:
        if not enqueue(prepare_export_task, export_id):
            break
    return len(lost)


def remove_expired_exports() -> int:
    """Delete exports, and their files, asked for more than EXPORT_RETENTION_DAYS ago, and any
    file left that old without one (its person's account was deleted). Returns how many."""
    cutoff = timezone.now() - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    storage = Export._meta.get_field("file").storage
    expired = list(Export.objects.filter(created_at__lt=cutoff).values_list("pk", "file"))
    for _pk, name in expired:
        if name:
            _delete_file(storage, name)
    removed = Export.objects.filter(pk__in=[pk for pk, _name in expired]).delete()[0]
    if storage.exists("exports"):
        folders, _files = storage.listdir("exports")
        for folder in folders:
            with contextlib.suppress(FileNotFoundError):
                for name in storage.listdir(f"exports/{folder}")[1]:
                    path = f"exports/{folder}/{name}"
                    if storage.get_modified_time(path) < cutoff:
                        _delete_file(storage, path)
    return removed


def _delete_file(storage, name: str) -> None:
    """Delete a prepared file and, on a file system, the folder made for it; either may be
    gone already (a restored database, a run stopped half way)."""
    storage.delete(name)
    folder = posixpath.dirname(name)
    # Only a file system has folders to remove.
    with contextlib.suppress(OSError, NotImplementedError):
        if not any(storage.listdir(folder)):
            os.rmdir(storage.path(folder))
