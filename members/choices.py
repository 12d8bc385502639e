from django.db import models


class Sector(models.TextChoices):
    GOVERNMENT = "government", "Government"
    NON_GOVERNMENT = "non_government", "Non-government"
    ACCO = "acco", "Aboriginal community-controlled"


class NotificationKind(models.TextChoices):
    """What a notice is about; each person chooses how each kind reaches them by email."""

    ISSUE_UPDATE = "issue_update", "Updates on issues you raised or follow"
    MEETING = "meeting", "Meetings: invitations, reminders, agendas and minutes"
    ACTION = "action", "Actions assigned to you, and reminders when they are overdue"
    ESCALATION = "escalation", "Issues waiting in your forum's queue or escalated to it"
    RESPONSE = "response", "Strategic responses and their progress"
    OTHER = "other", "Everything else"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Email each one at once"
    DAILY = "daily", "One email a day with all of them"
    WEEKLY = "weekly", "One email a week with all of them"
    OFF = "off", "No email (they still appear in your notifications)"


# Choices that gather notices into one later email.
DIGESTS = (Delivery.DAILY, Delivery.WEEKLY)
