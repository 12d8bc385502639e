from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums.models import AgendaItem, Forum
from members.models import AppendOnlyModel

from ..choices import AnswerSource, ConsultationEventKind, ConsultationStatus


class Consultation(models.Model):
    """Questions the Strategic or State-wide Forum sends down to other forums' meetings."""

    title = models.CharField(_("title"), max_length=200)
    brief = models.TextField(_("brief"))
    from_forum = models.ForeignKey(
        Forum, on_delete=models.PROTECT, related_name="consultations_sent"
    )
    closes_on = models.DateField(_("closing date"))
    status = models.CharField(
        max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_published_at = models.DateTimeField(null=True, blank=True)
    summary_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Title (weight A), brief (B) and the published summary (C) as PostgreSQL's english
    # text search sees them, kept by a trigger and GIN-indexed; empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["status", "closes_on"], name="consultation_status_close_idx"),
            models.Index(
                fields=["from_forum", "-opened_at", "-id"], name="consultation_sender_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("feedback:consultation-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == ConsultationStatus.OPEN

    @property
    def is_past_closing(self) -> bool:
        return self.closes_on < timezone.localdate()


class ConsultationQuestion(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("question"), max_length=500)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"], name="consultation_question_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class ConsultationTarget(models.Model):
    """A consultation's stay at one forum: its agenda item and when the forum answered."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="targets")
    forum = models.ForeignKey(
        Forum, on_delete=models.PROTECT, related_name="consultations_received"
    )
    agenda_item = models.OneToOneField(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_target",
    )
    # Taken off an agenda by a facilitator: it joins by itself no meeting starting before
    # this (the start of the meeting it was taken off), only a later one.
    kept_off_until = models.DateTimeField(null=True, blank=True)
    entered_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["forum__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "forum"], name="consultation_once_per_forum"
            ),
        ]
        indexes = [
            # A forum's consultations still to answer, oldest first.
            models.Index(
                fields=["forum", "entered_at", "id"],
                condition=Q(answered_at__isnull=True),
                name="consultation_unanswered_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} at {self.forum}"


class ConsultationAnswer(models.Model):
    """An answer to one question: the forum's, recorded at its meeting, or a member's own."""

    target = models.ForeignKey(ConsultationTarget, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        ConsultationQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    source = models.CharField(max_length=10, choices=AnswerSource.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("answer"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question__position", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "question"],
                condition=Q(source=AnswerSource.FORUM),
                name="consultation_one_forum_answer",
            ),
            models.UniqueConstraint(
                fields=["target", "question", "author"],
                condition=Q(source=AnswerSource.MEMBER),
                name="consultation_one_member_answer",
            ),
        ]
        indexes = [
            models.Index(fields=["target", "question", "id"], name="consultation_answer_idx"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question}"


class ConsultationEvent(AppendOnlyModel):
    """Append-only audit of every change to a consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="events")
    forum = models.ForeignKey(
        Forum, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=ConsultationEventKind.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["consultation", "created_at", "id"], name="consultation_event_idx"
            ),
            models.Index(fields=["forum", "created_at"], name="consultation_event_forum_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.consultation}"
