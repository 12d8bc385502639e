"""Registers and reports prepared by the worker for the person who asked, kept for a few days."""

import datetime as dt

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from .choices import PAPER_KINDS, PENDING, ExportFormat, ExportKind, ExportStatus


def export_storage():
    """Prepared files sit apart from uploads (STORAGES["exports"]): only their download view,
    which checks who asks, ever sends them."""
    return storages["exports"]


class Export(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports",
        # Led by the person in the index below, which serves every read by them.
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    file_format = models.CharField(max_length=10, choices=ExportFormat.choices)
    # A forum's own register (from its insights view); none for the whole loop's.
    forum = models.ForeignKey(
        "forums.Forum", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The coming meeting the report is to be attached to as a paper, once prepared; a
    # meeting deleted meanwhile leaves `attaching` set, so the person hears it was not.
    attach_to = models.ForeignKey(
        "forums.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attaching = models.BooleanField(default=False)
    # The meeting whose paper (agenda pack, minutes) this is; none for registers and the
    # report. A paper goes with its meeting.
    meeting = models.ForeignKey(
        "forums.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        # Deleting a meeting finds its papers by the partial index below.
        db_index=False,
    )
    # A paper laid out for one who keeps it (forums.papers), holding its draft: sent only
    # while they still do.
    holds_draft = models.BooleanField(default=False, db_default=False)
    # The filters it was asked with, as a query string with the period written out; for a
    # paper, its meeting, which keeps one waiting per person and meeting (the constraint
    # below).
    query = models.TextField(blank=True)
    title = models.CharField(max_length=300)
    # The filters besides the period, in words ("Region: Northern"), or blank for none.
    filters_text = models.CharField(max_length=500, blank=True)
    filename = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    file = models.FileField(
        storage=export_storage, upload_to="exports/", max_length=300, blank=True
    )
    size = models.PositiveBigIntegerField(null=True, blank=True)
    # Why it could not be prepared, in words for the person who asked.
    problem = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    # When the worker was last sent it: a message not taken long after is taken as lost.
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["requested_by", "-created_at", "-id"],
                name="export_requested_by_newest_idx",
            ),
            # The hourly removal of expired files.
            models.Index(fields=["created_at"], name="export_created_idx"),
            # The sweep for exports whose message was lost or whose worker stopped.
            models.Index(
                fields=["queued_at"],
                condition=Q(status__in=PENDING),
                name="export_pending_idx",
            ),
            models.Index(
                fields=["meeting"], condition=Q(meeting__isnull=False), name="export_meeting_idx"
            ),
        ]
        constraints = [
            # One waiting export per person and request: a double click queues one.
            models.UniqueConstraint(
                "requested_by",
                "kind",
                "file_format",
                Coalesce("forum", Value(0)),
                Coalesce("attach_to", Value(0)),
                "query",
                # An attaching export whose meeting was deleted waits only to be failed.
                condition=Q(status__in=PENDING) & (Q(attaching=False) | Q(attach_to__isnull=False)),
                name="export_one_waiting_per_request",
            ),
            models.CheckConstraint(
                condition=Q(status=ExportStatus.READY) | Q(file=""),
                name="export_file_only_when_ready",
            ),
            # A paper is of a meeting; a register or the report is of none.
            models.CheckConstraint(
                condition=Q(kind__in=PAPER_KINDS, meeting__isnull=False)
                | (~Q(kind__in=PAPER_KINDS) & Q(meeting__isnull=True)),
                name="export_meeting_only_for_papers",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("insights:download", kwargs={"pk": self.pk})

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
