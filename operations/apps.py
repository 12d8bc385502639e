from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operator needs around the domain apps: backups, error tracking and logs."""

    name = "operations"
    verbose_name = "Operations"
