from django.db import models


class IssueStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    QUEUED = "queued", "Waiting for an agenda"
    ON_AGENDA = "on_agenda", "On an agenda"
    INFO_REQUESTED = "info_requested", "More information requested"
    RESOLVED = "resolved", "Resolved"
    DECLINED = "declined", "Declined"
    RESPONDED = "responded", "Response sent back for reflection"
    CLOSED = "closed", "Loop closed"
    MERGED = "merged", "Merged into another issue"


# Statuses in which an issue is still travelling the loop.
ACTIVE_STATUSES = (
    IssueStatus.QUEUED,
    IssueStatus.ON_AGENDA,
    IssueStatus.INFO_REQUESTED,
    IssueStatus.RESPONDED,
)
FINISHED_STATUSES = (
    IssueStatus.RESOLVED,
    IssueStatus.DECLINED,
    IssueStatus.CLOSED,
    IssueStatus.MERGED,
)

# Every move an issue may make; services refuse anything else.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    IssueStatus.DRAFT: {IssueStatus.QUEUED},
    IssueStatus.QUEUED: {
        IssueStatus.ON_AGENDA,
        IssueStatus.INFO_REQUESTED,
        IssueStatus.DECLINED,
        IssueStatus.MERGED,
        IssueStatus.RESPONDED,  # executives may answer before the next strategic meeting
    },
    IssueStatus.ON_AGENDA: {
        IssueStatus.ON_AGENDA,  # carried over, or escalated straight onto the next agenda
        IssueStatus.QUEUED,  # escalated to a forum with no open meeting yet
        IssueStatus.RESOLVED,
        IssueStatus.INFO_REQUESTED,
        IssueStatus.RESPONDED,
    },
    IssueStatus.INFO_REQUESTED: {IssueStatus.QUEUED, IssueStatus.DECLINED},
    IssueStatus.RESPONDED: {IssueStatus.CLOSED},
    IssueStatus.RESOLVED: set(),
    IssueStatus.DECLINED: set(),
    IssueStatus.CLOSED: set(),
    IssueStatus.MERGED: set(),
}


class Outcome(models.TextChoices):
    """What a forum decided about an issue on its agenda."""

    RESOLVED = "resolved", "Resolved at this tier"
    ESCALATED = "escalated", "Escalated to the next tier"
    CARRIED_OVER = "carried_over", "Carried over to the next meeting"
    RETURNED = "returned", "Returned to the submitter for information"
    RESPONDED = "responded", "Response recorded"
    DISCUSSED = "discussed", "Response discussed"
    DECLINED = "declined", "Declined"
    MERGED = "merged", "Merged into another issue"


# Outcomes a facilitator records at a meeting on an agenda item linked to an issue.
MEETING_OUTCOMES = (
    Outcome.RESOLVED,
    Outcome.ESCALATED,
    Outcome.CARRIED_OVER,
    Outcome.RETURNED,
)


class ReferralPurpose(models.TextChoices):
    CONSIDER = "consider", "For consideration"
    REFLECT = "reflect", "Response for reflection"


class ResponseScope(models.TextChoices):
    ORIGIN = "origin", "The CFSN where the issue was raised"
    ALL_CFSNS = "all", "Every Regional CFSN"


class EventKind(models.TextChoices):
    DRAFTED = "drafted", "Saved as a draft"
    RAISED = "raised", "Raised"
    PLACED = "placed", "Placed on an agenda"
    QUEUED = "queued", "Waiting for the next meeting"
    CARRIED_OVER = "carried_over", "Carried over"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated"
    INFO_REQUESTED = "info_requested", "More information requested"
    INFO_PROVIDED = "info_provided", "More information provided"
    DECLINED = "declined", "Declined"
    MERGED = "merged", "Merged"
    RESPONDED = "responded", "Response recorded"
    DISCUSSED = "discussed", "Response discussed"
    CLOSED = "closed", "Loop closed"
    ENDORSED = "endorsed", "Endorsed"
    COMMENTED = "commented", "Commented"
