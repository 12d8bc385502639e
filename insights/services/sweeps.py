"""The beat's sweeps: exports whose message was lost or whose worker stopped, and expired ones."""

import contextlib
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from members.tasks import enqueue

from ..choices import ExportStatus
from ..models import Export
from ..tasks import prepare_export as prepare_export_task
from .preparing import delete_prepared_file, fail_export, too_long_problem

# Tries of an export whose worker stopped before it was prepared.
MAX_ATTEMPTS = 3
# A message to the worker not taken this long after it was sent is taken as lost: longer
# than the sweep's five minutes, so that an export waiting behind a long build is not sent
# again at every sweep.
LOST_AFTER = dt.timedelta(minutes=15)


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
                fail_export(export, too_long_problem(export))
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
            delete_prepared_file(storage, name)
    removed = Export.objects.filter(pk__in=[pk for pk, _name in expired]).delete()[0]
    if storage.exists("exports"):
        folders, _files = storage.listdir("exports")
        for folder in folders:
            with contextlib.suppress(FileNotFoundError):
                for name in storage.listdir(f"exports/{folder}")[1]:
                    path = f"exports/{folder}/{name}"
                    if storage.get_modified_time(path) < cutoff:
                        delete_prepared_file(storage, path)
    return removed
