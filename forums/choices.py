from django.db import models


class Tier(models.TextChoices):
    REGIONAL = "regional", "Regional CFSN meeting"
    STATEWIDE = "statewide", "State-wide Practitioner Forum"
    STRATEGIC = "strategic", "Strategic Leadership Forum"


# The continuous loop, defined here and nowhere else: issues raised at a regional CFSN go
# to the State-wide Forum, then to the Strategic Leadership Forum, whose responses go back
# down to the regional CFSNs.
NEXT_TIER: dict[str, str] = {
    Tier.REGIONAL: Tier.STATEWIDE,
    Tier.STATEWIDE: Tier.STRATEGIC,
    Tier.STRATEGIC: Tier.REGIONAL,
}


class MembershipRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    FACILITATOR = "facilitator", "Facilitator"
    MEMBER = "member", "Member"
    GUEST_EXPERT = "guest_expert", "Guest expert"
    LIVED_EXPERIENCE = "lived_experience", "Lived-experience adviser"
    OBSERVER = "observer", "Observer"


# Roles that run a forum: schedule meetings, build agendas, record minutes, triage.
FACILITATING_ROLES = (MembershipRole.CHAIR, MembershipRole.FACILITATOR)


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class AgendaItemKind(models.TextChoices):
    STANDING = "standing", "Standing item"
    PRACTICE_ISSUE = "practice_issue", "Practice issue"
    RESPONSE = "response", "Response for reflection"
    PRESENTATION = "presentation", "Presentation by a guest expert"
    LIVED_EXPERIENCE = "lived_experience", "Lived-experience voice"
    DECISION = "decision", "Decision"
    OTHER = "other", "Other"


class RsvpResponse(models.TextChoices):
    GOING = "going", "Going"
    MAYBE = "maybe", "Maybe"
    NOT_GOING = "not_going", "Not going"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ForumEventKind(models.TextChoices):
    MEETING_SCHEDULED = "meeting_scheduled", "Meeting scheduled"
    MEETING_CHANGED = "meeting_changed", "Meeting changed"
    MEETING_PUBLISHED = "meeting_published", "Meeting published"
    MEETING_CANCELLED = "meeting_cancelled", "Meeting cancelled"
    MEETING_COMPLETED = "meeting_completed", "Meeting completed"
    AGENDA_CHANGED = "agenda_changed", "Agenda changed"
    AGENDA_PUBLISHED = "agenda_published", "Agenda published"
    ATTENDANCE_RECORDED = "attendance_recorded", "Attendance recorded"
    MINUTES_RECORDED = "minutes_recorded", "Minutes recorded"
    MINUTES_PUBLISHED = "minutes_published", "Minutes published"
    ACTION_CHANGED = "action_changed", "Action item changed"
    RESOURCE_ADDED = "resource_added", "Resource added"
    MEMBERSHIP_CHANGED = "membership_changed", "Membership changed"
    RSVP_CHANGED = "rsvp_changed", "RSVP changed"


class ResourceKind(models.TextChoices):
    LINK = "link", "Link"
    FILE = "file", "File"
