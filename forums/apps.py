from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from . import personal_data, receivers  # noqa: F401 - receivers connects its handlers

        personal_data.register()
