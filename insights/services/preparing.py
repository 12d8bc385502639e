"""Preparing an export in the worker: built for its person, finished once, failed with a reason."""

import contextlib
import logging
import os
import posixpath
import tempfile
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forums.exceptions import ForumActionRefused
from forums.models import Forum, Meeting
from forums.papers import PAPERS
from forums.services.resources import add_resource
from members.choices import NotificationKind
from members.models import PracticeArea, Region
from members.services import notify

from ..choices import PAPER_KINDS, ExportFormat, ExportKind, ExportStatus
from ..models import Export
from ..registers import REGISTERS, meetings_taking_papers, register_rows
from ..report import render_report
from ..selectors import InsightFilters, filters_of
from ..writers import write_csv, write_xlsx
from .asking import permitted

logger = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = _("Something went wrong while preparing it. Ask for it again.")
TOO_LONG = _("It took too long to prepare. Ask for a shorter period.")
PAPER_TOO_LONG = _("It took too long to prepare. Ask for it again later.")


def too_long_problem(export: Export) -> str:
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
        fail_export(export, too_long_problem(export))
    except Exception:
        logger.exception("Export %s could not be prepared", export.pk)
        fail_export(export, str(SOMETHING_WENT_WRONG))
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
        fail_export(export, refusal)
        return False
    try:
        filters = (
            None if export.kind in PAPER_KINDS else filters_of(export.query, forum=export.forum)
        )
    except (Forum.DoesNotExist, Region.DoesNotExist, PracticeArea.DoesNotExist):
        fail_export(
            export, gettext("A forum, region or practice area it was filtered by was removed.")
        )
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
            delete_prepared_file(storage, name)
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
        fail_export(export, refusal)
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
            fail_export(
                export,
                gettext(
                    "%(meeting)s has started, been held or been cancelled since; attach the "
                    "report to a coming meeting."
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
            fail_export(export, str(refused))
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
def fail_export(export: Export, problem: str) -> None:
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


def delete_prepared_file(storage, name: str) -> None:
    """Delete a prepared file and, on a file system, the folder made for it; either may be
    gone already (a restored database, a run stopped half way)."""
    storage.delete(name)
    folder = posixpath.dirname(name)
    # Only a file system has folders to remove.
    with contextlib.suppress(OSError, NotImplementedError):
        if not any(storage.listdir(folder)):
            os.rmdir(storage.path(folder))
