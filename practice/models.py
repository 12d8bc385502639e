from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.files import upload_path
from members.models import AppendOnlyModel, PracticeArea

from .choices import GuidanceEventKind, GuidanceStatus, GuidanceType


def guidance_upload_to(instance, filename: str) -> str:
    return upload_path("library", filename)


class GuidanceItem(models.Model):
    """One item of the practice guidance library: a file or a link, with its review cycle."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=GuidanceType.choices)
    practice_areas = models.ManyToManyField(
        PracticeArea, blank=True, related_name="guidance", verbose_name=_("practice areas")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_guidance",
        verbose_name=_("owner"),
    )
    version = models.CharField(_("version"), max_length=30)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=guidance_upload_to, blank=True)
    published_on = models.DateField(_("published"))
    review_by = models.DateField(_("review by"))
    status = models.CharField(
        _("status"), max_length=20, choices=GuidanceStatus.choices, default=GuidanceStatus.CURRENT
    )
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Title (weight A) and summary (weight B) as PostgreSQL's english text search sees them,
    # kept by a trigger and GIN-indexed (migration 0001); empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        indexes = [
            models.Index(fields=["status", "title", "id"], name="guidance_status_title_idx"),
            # Items past their review date, for their owner and for the library's filter.
            models.Index(fields=["owner", "review_by"], name="guidance_owner_review_idx"),
            models.Index(fields=["review_by"], name="guidance_review_idx"),
        ]
        constraints = [
            # Superseded exactly when it names its successor.
            models.CheckConstraint(
                condition=(
                    Q(status=GuidanceStatus.SUPERSEDED, superseded_by__isnull=False)
                    | (~Q(status=GuidanceStatus.SUPERSEDED) & Q(superseded_by__isnull=True))
                ),
                name="guidance_superseded_names_successor",
            ),
            models.CheckConstraint(
                condition=~Q(superseded_by=models.F("id")),
                name="guidance_not_superseded_by_itself",
            ),
            # A file or a link, never both and never neither.
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="guidance_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    def get_absolute_url(self) -> str:
        return reverse("practice:guidance-detail", kwargs={"pk": self.pk})

    @property
    def is_superseded(self) -> bool:
        return self.status == GuidanceStatus.SUPERSEDED

    @property
    def is_review_overdue(self) -> bool:
        return not self.is_superseded and self.review_by < timezone.localdate()


class GuidanceEvent(AppendOnlyModel):
    """Append-only audit of every change to a library item."""

    item = models.ForeignKey(GuidanceItem, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=GuidanceEventKind.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["item", "created_at", "id"], name="guidance_event_item_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.item}"


class PracticeLead(models.Model):
    """A principal practitioner who leads one practice area."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_leads"
    )
    practice_area = models.ForeignKey(PracticeArea, on_delete=models.CASCADE, related_name="leads")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice_area__name", "user__display_name", "id"]
        verbose_name = _("practice lead")
        verbose_name_plural = _("practice leads")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "practice_area"], name="practice_lead_once_per_area"
            ),
        ]
        indexes = [models.Index(fields=["practice_area", "user"], name="practice_lead_area_idx")]

    def __str__(self) -> str:
        return f"{self.user} leads {self.practice_area}"
