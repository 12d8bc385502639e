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
        IssueStatus.QUEUED,  # escalated out of session to a forum with no open meeting yet
        IssueStatus.ON_AGENDA,
        IssueStatus.RESOLVED,  # resolved out of session between meetings
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

# Moves that undo an earlier one, made only by the service that undoes it and never by
# any other: a merged duplicate goes back to the queue it was merged from (merging takes
# only a queued issue) when feedback.services.merging.unmerge_issue undoes the merge.
REVERSALS: dict[str, set[str]] = {
    IssueStatus.MERGED: {IssueStatus.QUEUED},
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

# Decisions a forum's chair or facilitator may take between meetings, with a reason.
OUT_OF_SESSION_OUTCOMES = (Outcome.RESOLVED, Outcome.ESCALATED, Outcome.DISCUSSED)
OUT_OF_SESSION_LABEL = "Out-of-session decision"


class ReferralPurpose(models.TextChoices):
    CONSIDER = "consider", "For consideration"
    REFLECT = "reflect", "Response for reflection"


class ResponseScope(models.TextChoices):
    ORIGIN = "origin", "The CFSN where the issue was raised"
    ALL_CFSNS = "all", "Every Regional CFSN"


class DeliveryStatus(models.TextChoices):
    """How far the owner has carried out a response."""

    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    NOT_PROCEEDING = "not_proceeding", "Not proceeding"


# Delivered and not proceeding are the response's two ends: nothing follows either.
FINAL_DELIVERY_STATUSES = (DeliveryStatus.DELIVERED, DeliveryStatus.NOT_PROCEEDING)

# Every progress update a response may take; post_progress refuses anything else. A
# planned or in-progress update may repeat, with a new note.
DELIVERY_TRANSITIONS: dict[str, set[str]] = {
    DeliveryStatus.PLANNED: {
        DeliveryStatus.PLANNED,
        DeliveryStatus.IN_PROGRESS,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.NOT_PROCEEDING,
    },
    DeliveryStatus.IN_PROGRESS: {
        DeliveryStatus.IN_PROGRESS,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.NOT_PROCEEDING,
    },
    DeliveryStatus.DELIVERED: set(),
    DeliveryStatus.NOT_PROCEEDING: set(),
}


# The issue list's delivery filter; "not delivered" means a response still being carried out.
DELIVERY_FILTERS = (
    ("delivered", "Delivered"),
    ("not_delivered", "Not delivered yet"),
    ("not_proceeding", "Not proceeding"),
    ("overdue", "Overdue"),
)


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
    UNMERGED = "unmerged", "Merge undone"
    RESPONDED = "responded", "Response recorded"
    DISCUSSED = "discussed", "Response discussed"
    CLOSED = "closed", "Loop closed"
    PROGRESS = "progress", "Progress on the response"
    DELIVERED = "delivered", "Response delivered"
    NOT_PROCEEDING = "not_proceeding", "Response not proceeding"
    ENDORSED = "endorsed", "Endorsed"
    COMMENTED = "commented", "Commented"
