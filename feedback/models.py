from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from forums.models import ActionItem, AgendaItem, Forum
from members.models import AppendOnlyModel, PracticeArea

from .choices import EventKind, IssueStatus, Outcome, ReferralPurpose, ResponseScope


class PracticeIssue(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField()
    practice_areas = models.ManyToManyField(PracticeArea, related_name="issues")
    origin_forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="+")
    current_forum = models.ForeignKey(
        Forum, null=True, blank=True, on_delete=models.PROTECT, related_name="current_issues"
    )
    status = models.CharField(max_length=20, choices=IssueStatus.choices, default=IssueStatus.DRAFT)
    restricted = models.BooleanField(
        default=False,
        help_text="Only you, members of the forums it reaches, executives and administrators "
        "can see a restricted issue.",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="raised_issues"
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

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "current_forum"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("feedback:issue-detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"PI-{self.pk:05d}"

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
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
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
    issue = models.ForeignKey(PracticeIssue, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.issue}"


class Response(models.Model):
    """The Strategic Leadership Forum's decision, sent back down to the CFSNs."""

    issue = models.OneToOneField(PracticeIssue, on_delete=models.CASCADE, related_name="response")
    decision = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    scope = models.CharField(max_length=10, choices=ResponseScope.choices)
    action_item = models.OneToOneField(
        ActionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Response to {self.issue}"


class IssueEvent(AppendOnlyModel):
    """Append-only audit of every change to an issue; the timeline shows these."""

    issue = models.ForeignKey(PracticeIssue, on_delete=models.CASCADE, related_name="events")
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.issue}"
