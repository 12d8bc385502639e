from django.db import models
from django.utils.translation import gettext_lazy as _


class GuidanceType(models.TextChoices):
    GUIDANCE = "guidance", _("Practice guidance")
    FRAMEWORK = "framework", _("Framework")
    TOOL = "tool", _("Tool")
    LEARNING = "learning", _("Learning material")


class GuidanceStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    UNDER_REVIEW = "under_review", _("Under review")
    SUPERSEDED = "superseded", _("Superseded")


class GuidanceEventKind(models.TextChoices):
    ADDED = "added", _("Added to the library")
    CHANGED = "changed", _("Details changed")
    NEW_FILE = "new_file", _("New file or link")
    REVIEW_STARTED = "review_started", _("Review started")
    REVIEWED = "reviewed", _("Reviewed and kept current")
    SUPERSEDED = "superseded", _("Superseded")
    REVIEW_REMINDED = "review_reminded", _("Owner reminded of the review date")
