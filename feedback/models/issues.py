from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums.models import ActionItem, AgendaItem, Forum
from members.models import AppendOnlyModel, PracticeArea

from ..choices import (
    FINAL_DELIVERY_STATUSES,
    DeliveryStatus,
    EventKind,
    IssueStatus,
    Outcome,
    ReferralPurpose,
    ResponseScope,
)


def reference_of(pk: int) -> str:
    """How people cite the issue with this key ("PI-00042"), without loading it."""
    return f"PI-{pk:05d}"


class PracticeIssue(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField()
    practice_areas = models.ManyToManyField(PracticeArea, related_name="issues")
    origin_forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="+")
    # issue_forum_newest_idx leads with it, so it has no index of its own.
    current_forum = models.ForeignKey(
        Forum,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="current_issues",
        db_index=False,
    )
    status = models.CharField(max_length=20, choices=IssueStatus.choices, default=IssueStatus.DRAFT)
    restricted = models.BooleanField(
        default=False,
        help_text=_(
            "Only you, members of the forums it reaches, executives and administrators "
            "can see a restricted issue."
        ),
    )
    # Found by issue_submitter_recent_idx, which leads with it.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="raised_issues",
        db_index=False,
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Watch", related_name="watched_issues"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Kept by feedback.services.counters under the issue's row lock, so that lists sort
    # and show them without counting rows on every request.
    endorsement_count = models.PositiveIntegerField(default=0, editable=False)
    region_count = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("How many regions its endorsers come from.")
    )
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    related_guidance = models.ManyToManyField(
        "practice.GuidanceItem",
        blank=True,
        related_name="issues",
        verbose_name=_("related guidance"),
    )
    # When an Aboriginal community-controlled organisation's member, or a lead of the
    # Aboriginal children and families area, first gave input on the issue.
    acco_input_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Title (weight A) and description (weight B) as PostgreSQL's english text search sees
    # them, kept by a trigger and GIN-indexed (migration 0005); empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "current_forum"]),
            # Newest first, carrying what says whether a reader may see an issue: counting a
            # list reads the index alone, without the table (PostgreSQL; elsewhere the order
            # alone). Not the search vector: a long description's is more than an entry holds.
            models.Index(
                fields=["-submitted_at", "-id"],
                include=("status", "restricted", "raised_by"),
                name="issue_newest_read_idx",
            ),
            # The list filtered by status or by the forum an issue is with, newest first.
            models.Index(fields=["status", "-submitted_at", "-id"], name="issue_status_newest_idx"),
            models.Index(
                fields=["current_forum", "-submitted_at", "-id"], name="issue_forum_newest_idx"
            ),
            # A person's issues, latest changed first: the home page's panel.
            models.Index(
                fields=["raised_by", "-updated_at", "-id"], name="issue_submitter_recent_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("feedback:issue-detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return reference_of(self.pk)

    @property
    def is_draft(self) -> bool:
        return self.status == IssueStatus.DRAFT


class Referral(models.Model):
    """One stay of an issue at one forum: when it entered, its agenda item, the outcome."""

    issue = models.ForeignKey(PracticeIssue, on_delete=models.CASCADE, related_name="referrals")
    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="referrals")
    purpose = models.CharField(
        max_length=10, choices=ReferralPurpose.choices, default=ReferralPurpose.CONSIDER
    )
    # Escalations and responses join the next open meeting by themselves; newly raised
    # issues wait for a facilitator's triage.
    auto_place = models.BooleanField(default=False)
    # Taken off an agenda by a facilitator: it joins by itself no meeting starting before
    # this (the start of the meeting it was taken off), only a later one.
    kept_off_until = models.DateTimeField(null=True, blank=True)
    agenda_item = models.OneToOneField(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="referral"
    )
    summary = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    entered_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Decided between meetings by the forum's chair or facilitator rather than at a meeting
    # that had started; counted apart, and labelled wherever the outcome is shown.
    out_of_session = models.BooleanField(default=False)
    out_of_session_reason = models.TextField(blank=True)
    # A "resolved" outcome reached by pointing to an item of the practice guidance library.
    resolved_by_guidance = models.ForeignKey(
        "practice.GuidanceItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolutions",
        # Indexed by referral_guidance_idx, built without locking the table.
        db_index=False,
    )
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        indexes = [
            # A forum's queue: its open stays, oldest first. Holding each stay's agenda item
            # and issue lets PostgreSQL tell waiting from scheduled, and count either, from
            # the index alone.
            models.Index(
                fields=["forum", "entered_at", "id"],
                include=["agenda_item", "issue"],
                condition=Q(left_at__isnull=True),
                name="referral_open_stays_idx",
            ),
            models.Index(
                fields=["resolved_by_guidance"],
                condition=Q(resolved_by_guidance__isnull=False),
                name="referral_guidance_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "forum"],
                condition=Q(left_at__isnull=True),
                name="referral_one_open_per_issue_and_forum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue} at {self.forum}"

    @property
    def is_open(self) -> bool:
        return self.left_at is None


class Endorsement(models.Model):
    """'We see this too': one per member and issue."""

    issue = models.ForeignKey(PracticeIssue, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "user"], name="endorsement_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} endorses {self.issue}"


class Watch(models.Model):
    issue = models.ForeignKey(PracticeIssue, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "user"], name="watch_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.issue}"


class Comment(models.Model):
    # comment_issue_time_idx leads with it, so it has no index of its own.
    issue = models.ForeignKey(
        PracticeIssue, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["issue", "created_at", "id"], name="comment_issue_time_idx")
        ]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.issue}"


class ExpertAdvice(models.Model):
    """A practice lead's advice on an issue in their area, shown apart from comments."""

    issue = models.ForeignKey(PracticeIssue, on_delete=models.CASCADE, related_name="advice")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    practice_area = models.ForeignKey(PracticeArea, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("advice"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("expert advice")
        verbose_name_plural = _("expert advice")
        indexes = [models.Index(fields=["issue", "created_at", "id"], name="advice_issue_time_idx")]

    def __str__(self) -> str:
        return f"Advice by {self.author} on {self.issue}"


class Response(models.Model):
    """The Strategic Leadership Forum's decision, sent back down to the CFSNs."""

    issue = models.OneToOneField(PracticeIssue, on_delete=models.CASCADE, related_name="response")
    decision = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    # When the owner looks again at whether the response still answers the issue; asked
    # for on every new response, empty on those recorded before it was.
    review_date = models.DateField(null=True, blank=True)
    review_reminded_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=10, choices=ResponseScope.choices)
    action_item = models.OneToOneField(
        ActionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    # The latest progress update's status, kept here so lists can filter on it.
    delivery_status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PLANNED
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    # When the owner last posted progress: one posted on or after the review date is the
    # review.
    last_progress_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    related_guidance = models.ManyToManyField(
        "practice.GuidanceItem",
        blank=True,
        related_name="responses",
        verbose_name=_("related guidance"),
    )

    def __str__(self) -> str:
        return f"Response to {self.issue}"

    @property
    def is_delivered(self) -> bool:
        """Done, or formally not proceeding with a reason: either way the loop is delivered."""
        return self.delivery_status in FINAL_DELIVERY_STATUSES

    @property
    def is_overdue(self) -> bool:
        return not self.is_delivered and self.due_date < timezone.localdate()

    @property
    def is_due_for_review(self) -> bool:
        """The review date has come, and the owner has posted no progress since."""
        return (
            not self.is_delivered
            and self.review_date is not None
            and self.review_date <= timezone.localdate()
            and (
                self.last_progress_at is None
                or timezone.localdate(self.last_progress_at) < self.review_date
            )
        )


class ResponseProgress(AppendOnlyModel):
    """One progress update on a response by its owner: append-only, newest last."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.response}"


class OverdueReminder(models.Model):
    """One overdue reminder sent for an action on one day; the constraint makes it once."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "day"], name="overdue_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Reminder of {self.action} on {self.day}"


class IssueEvent(AppendOnlyModel):
    """Append-only audit of every change to an issue; the timeline shows these."""

    # event_issue_time_idx leads with it, so it has no index of its own.
    issue = models.ForeignKey(
        PracticeIssue, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=IssueStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=IssueStatus.choices, blank=True)
    forum = models.ForeignKey(
        Forum, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    out_of_session = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["issue", "created_at", "id"], name="event_issue_time_idx"),
            # Insights count events of some kinds in a period (flow per month, carry-overs).
            models.Index(fields=["kind", "created_at"], name="event_kind_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.issue}"


class MergeRecord(models.Model):
    """What merging a duplicate into a primary issue moved, so the merge can be undone
    exactly: the rows it added to the primary, the duplicate's endorsements it removed,
    the stays it closed and the status and forum the duplicate had."""

    duplicate = models.ForeignKey(
        PracticeIssue, on_delete=models.CASCADE, related_name="merge_records"
    )
    into = models.ForeignKey(PracticeIssue, on_delete=models.CASCADE, related_name="+")
    # Endorsement and Watch ids created on the primary by the merge.
    added_endorsement_ids = models.JSONField(default=list, blank=True)
    added_watch_ids = models.JSONField(default=list, blank=True)
    # The duplicate's endorsements the merge removed: [user id, ISO time endorsed, its id]
    # (records made before the id was kept hold the first two).
    removed_endorsements = models.JSONField(default=list, blank=True)
    # The duplicate's open referrals the merge closed.
    closed_referral_ids = models.JSONField(default=list, blank=True)
    previous_status = models.CharField(max_length=20, choices=IssueStatus.choices)
    previous_forum = models.ForeignKey(
        Forum, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["merged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=Q(undone_at__isnull=True),
                name="merge_record_one_standing_per_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate} merged into {self.into}"

    @property
    def endorser_count(self) -> int:
        """How many people had endorsed the duplicate when it was merged."""
        return len(self.removed_endorsements)
