from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What an operator needs around the domain apps: backups, error tracking and logs."""

    name = "operations"
    verbose_name = _("Operations")
