from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    REGIONAL = "regional", _("Regional CFSN meeting")
    STATEWIDE = "statewide", _("State-wide Practitioner Forum")
    STRATEGIC = "strategic", _("Strategic Leadership Forum")


# The continuous loop, defined here and nowhere else: issues raised at a regional CFSN go
# to the State-wide Forum, then to the Strategic Leadership Forum, whose responses go back
# down to the regional CFSNs.
NEXT_TIER: dict[str, str] = {
    Tier.REGIONAL: Tier.STATEWIDE,
    Tier.STATEWIDE: Tier.STRATEGIC,
    Tier.STRATEGIC: Tier.REGIONAL,
}


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    FACILITATOR = "facilitator", _("Facilitator")
    EXECUTIVE = "executive", _("Executive member")
    MEMBER = "member", _("Member")
    GUEST_EXPERT = "guest_expert", _("Guest expert")
    LIVED_EXPERIENCE = "lived_experience", _("Lived-experience adviser")
    OBSERVER = "observer", _("Observer")


# Roles that run a forum: schedule meetings, build agendas, record minutes, triage.
FACILITATING_ROLES = (MembershipRole.CHAIR, MembershipRole.FACILITATOR)

# The executives: at the Strategic Leadership Forum these roles run the forum, read its
# queue and record its responses. Its other members (observers, guest experts,
# lived-experience advisers, plain members) take part without deciding.
EXECUTIVE_ROLES = (*FACILITATING_ROLES, MembershipRole.EXECUTIVE)


class MeetingKind(models.TextChoices):
    """A forum's own meeting, or a learning session any signed-in member may register for."""

    FORUM = "forum", _("Forum meeting")
    LEARNING = "learning", _("Learning session")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


# A registration that holds a place or a place in the queue (not a cancelled one).
HOLDS_PLACE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# A meeting still to come (a draft or published, not yet held or cancelled): what sits on its
# agenda is scheduled there.
COMING_MEETING_STATUSES = (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED)


# A meeting members can see that is happening or has been held: once it has started, what
# it decided (outcomes, responses, reflections) may be recorded against its agenda.
TAKES_OUTCOMES = (MeetingStatus.PUBLISHED, MeetingStatus.COMPLETED)


class AgendaItemKind(models.TextChoices):
    MATTERS_ARISING = "matters_arising", _("Matters arising")
    STANDING = "standing", _("Standing item")
    PRACTICE_ISSUE = "practice_issue", _("Practice issue")
    RESPONSE = "response", _("Response for reflection")
    PRESENTATION = "presentation", _("Presentation by a guest expert")
    LIVED_EXPERIENCE = "lived_experience", _("Lived-experience voice")
    DECISION = "decision", _("Decision")
    CONSULTATION = "consultation", _("Consultation")
    SESSION = "session", _("Learning session content")
    OTHER = "other", _("Other")


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
    AgendaItemKind.CONSULTATION: 15,
    AgendaItemKind.SESSION: 30,
    AgendaItemKind.OTHER: 10,
}


class RsvpResponse(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    NOT_GOING = "not_going", _("Not going")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ForumEventKind(models.TextChoices):
    MEETING_SCHEDULED = "meeting_scheduled", _("Meeting scheduled")
    MEETING_CHANGED = "meeting_changed", _("Meeting changed")
    MEETING_PUBLISHED = "meeting_published", _("Meeting published")
    MEETING_CANCELLED = "meeting_cancelled", _("Meeting cancelled")
    MEETING_COMPLETED = "meeting_completed", _("Meeting completed")
    AGENDA_CHANGED = "agenda_changed", _("Agenda changed")
    AGENDA_PUBLISHED = "agenda_published", _("Agenda published")
    ATTENDANCE_RECORDED = "attendance_recorded", _("Attendance recorded")
    MINUTES_RECORDED = "minutes_recorded", _("Minutes recorded")
    MINUTES_PUBLISHED = "minutes_published", _("Minutes published")
    ACTION_CHANGED = "action_changed", _("Action item changed")
    RESOURCE_ADDED = "resource_added", _("Resource added")
    MEMBERSHIP_CHANGED = "membership_changed", _("Membership changed")
    RSVP_CHANGED = "rsvp_changed", _("RSVP changed")
    REGISTRATION_CHANGED = "registration_changed", _("Session registration changed")


class ResourceKind(models.TextChoices):
    LINK = "link", _("Link")
    FILE = "file", _("File")
