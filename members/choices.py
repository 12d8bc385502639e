from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    NON_GOVERNMENT = "non_government", _("Non-government")
    ACCO = "acco", _("Aboriginal community-controlled")


class NotificationKind(models.TextChoices):
    """What a notice is about; each person chooses how each kind reaches them by email."""

    ISSUE_UPDATE = "issue_update", _("Updates on issues you raised or follow")
    MEETING = "meeting", _("Meetings: invitations, reminders, agendas and minutes")
    ACTION = "action", _("Actions assigned to you, and reminders when they are overdue")
    ESCALATION = "escalation", _("Issues waiting in your forum's queue or escalated to it")
    RESPONSE = "response", _("Strategic responses and their progress")
    PRACTICE = "practice", _("Consultations, library guidance, expert advice, learning sessions")
    OTHER = "other", _("Everything else")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Email each one at once")
    DAILY = "daily", _("One email a day with all of them")
    WEEKLY = "weekly", _("One email a week with all of them")
    OFF = "off", _("No email (they still appear in your notifications)")


# Choices that gather notices into one later email.
DIGESTS = (Delivery.DAILY, Delivery.WEEKLY)
