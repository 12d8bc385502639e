from django.db import models
from django.utils.translation import gettext_lazy as _


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Waiting for an agenda")
    ON_AGENDA = "on_agenda", _("On an agenda")
    INFO_REQUESTED = "info_requested", _("More information requested")
    RESOLVED = "resolved", _("Resolved")
    DECLINED = "declined", _("Declined")
    RESPONDED = "responded", _("Response sent back for reflection")
    CLOSED = "closed", _("Loop closed")
    MERGED = "merged", _("Merged into another issue")


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

    RESOLVED = "resolved", _("Resolved at this tier")
    ESCALATED = "escalated", _("Escalated to the next tier")
    CARRIED_OVER = "carried_over", _("Carried over to the next meeting")
    RETURNED = "returned", _("Returned to the submitter for information")
    RESPONDED = "responded", _("Response recorded")
    DISCUSSED = "discussed", _("Response discussed")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged into another issue")


# Outcomes a facilitator records at a meeting on an agenda item linked to an issue.
MEETING_OUTCOMES = (
    Outcome.RESOLVED,
    Outcome.ESCALATED,
    Outcome.CARRIED_OVER,
    Outcome.RETURNED,
)

# Decisions a forum's chair or facilitator may take between meetings, with a reason.
OUT_OF_SESSION_OUTCOMES = (Outcome.RESOLVED, Outcome.ESCALATED, Outcome.DISCUSSED)
OUT_OF_SESSION_LABEL = _("Out-of-session decision")


class ReferralPurpose(models.TextChoices):
    CONSIDER = "consider", _("For consideration")
    REFLECT = "reflect", _("Response for reflection")


class ResponseScope(models.TextChoices):
    ORIGIN = "origin", _("The CFSN where the issue was raised")
    ALL_CFSNS = "all", _("Every Regional CFSN")


class DeliveryStatus(models.TextChoices):
    """How far the owner has carried out a response."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    NOT_PROCEEDING = "not_proceeding", _("Not proceeding")


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
    ("delivered", _("Delivered")),
    ("not_delivered", _("Not delivered yet")),
    ("not_proceeding", _("Not proceeding")),
    ("overdue", _("Overdue")),
)


class EventKind(models.TextChoices):
    DRAFTED = "drafted", _("Saved as a draft")
    RAISED = "raised", _("Raised")
    PLACED = "placed", _("Placed on an agenda")
    QUEUED = "queued", _("Waiting for the next meeting")
    CARRIED_OVER = "carried_over", _("Carried over")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated")
    INFO_REQUESTED = "info_requested", _("More information requested")
    INFO_PROVIDED = "info_provided", _("More information provided")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged")
    UNMERGED = "unmerged", _("Merge undone")
    RESPONDED = "responded", _("Response recorded")
    DISCUSSED = "discussed", _("Response discussed")
    CLOSED = "closed", _("Loop closed")
    PROGRESS = "progress", _("Progress on the response")
    DELIVERED = "delivered", _("Response delivered")
    NOT_PROCEEDING = "not_proceeding", _("Response not proceeding")
    HANDED_OVER = "handed_over", _("Response handed to a new owner")
    ENDORSED = "endorsed", _("Endorsed")
    COMMENTED = "commented", _("Commented")
    ADVICE = "advice", _("Expert advice")
    GUIDANCE_CITED = "guidance_cited", _("Related guidance changed")


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", _("Closed")


class AnswerSource(models.TextChoices):
    """Who an answer speaks for: the forum, as recorded at its meeting, or one member."""

    FORUM = "forum", _("The forum's answer")
    MEMBER = "member", _("A member's own answer")


class ConsultationEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    PLACED = "placed", _("Placed on an agenda")
    QUEUED = "queued", _("Waiting for the next meeting")
    CARRIED_OVER = "carried_over", _("Carried over")
    ANSWERED = "answered", _("Answers recorded")
    MEMBER_ANSWERED = "member_answered", _("A member answered")
    SUMMARY_PUBLISHED = "summary_published", _("Summary published")
    CLOSED = "closed", _("Closed")
