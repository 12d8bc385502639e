from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    ISSUES = "issues", _("Issues register")
    ACTIONS = "actions", _("Actions register")
    DECISIONS = "decisions", _("Decisions register")
    REPORT = "report", _("State of the loop report")
    # A meeting's papers, prepared in the background when its agenda is long.
    AGENDA_PACK = "agenda-pack", _("Agenda pack")
    MINUTES = "minutes", _("Minutes")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel workbook")
    PDF = "pdf", _("PDF")


# The files each kind is prepared as.
FORMATS_OF = {
    ExportKind.ISSUES: (ExportFormat.CSV, ExportFormat.XLSX),
    ExportKind.ACTIONS: (ExportFormat.CSV, ExportFormat.XLSX),
    ExportKind.DECISIONS: (ExportFormat.CSV, ExportFormat.XLSX),
    ExportKind.REPORT: (ExportFormat.PDF,),
    ExportKind.AGENDA_PACK: (ExportFormat.PDF,),
    ExportKind.MINUTES: (ExportFormat.PDF,),
}

# The kinds that are papers of one meeting.
PAPER_KINDS = (ExportKind.AGENDA_PACK, ExportKind.MINUTES)


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be prepared")
    PREPARING = "preparing", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be prepared")


# Still to be prepared: asked for, or being built by a worker.
PENDING = (ExportStatus.QUEUED, ExportStatus.PREPARING)
