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
    EXECUTIVE = "executive", "Executive member"
    MEMBER = "member", "Member"
    GUEST_EXPERT = "guest_expert", "Guest expert"
    LIVED_EXPERIENCE = "lived_experience", "Lived-experience adviser"
    OBSERVER = "observer", "Observer"


# Roles that run a forum: schedule meetings, build agendas, record minutes, triage.
FACILITATING_ROLES = (MembershipRole.CHAIR, MembershipRole.FACILITATOR)

# The executives: at the Strategic Leadership Forum these roles run the forum, read its
# queue and record its responses. Its other members (observers, guest experts,
# lived-experience advisers, plain members) take part without deciding.
EXECUTIVE_ROLES = (*FACILITATING_ROLES, MembershipRole.EXECUTIVE)


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


# A meeting members can see that is happening or has been held: once it has started, what
# it decided (outcomes, responses, reflections) may be recorded against its agenda.
TAKES_OUTCOMES = (MeetingStatus.PUBLISHED, MeetingStatus.COMPLETED)


class AgendaItemKind(models.TextChoices):
    MATTERS_ARISING = "matters_arising", "Matters arising"
    STANDING = "standing", "Standing item"
    PRACTICE_ISSUE = "practice_issue", "Practice issue"
    RESPONSE = "response", "Response for reflection"
    PRESENTATION = "presentation", "Presentation by a guest expert"
    LIVED_EXPERIENCE = "lived_experience", "Lived-experience voice"
    DECISION = "decision", "Decision"
    OTHER = "other", "Other"


# Minutes an item of each kind is given when nobody says otherwise; a forum may set its
# own (ForumAgendaDefault), and auto-placement uses the forum's.
DEFAULT_MINUTES: dict[str, int] = {
    AgendaItemKind.MATTERS_ARISING: 10,
    AgendaItemKind.STANDING: 10,
    AgendaItemKind.PRACTICE_ISSUE: 15,
    AgendaItemKind.RESPONSE: 10,
    AgendaItemKind.PRESENTATION: 20,
    AgendaItemKind.LIVED_EXPERIENCE: 15,
    AgendaItemKind.DECISION: 5,
    AgendaItemKind.OTHER: 10,
}


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
