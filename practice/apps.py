from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = _("Practice knowledge")

    def ready(self) -> None:
        from . import personal_data, receivers  # noqa: F401 - receivers connects its handlers

        personal_data.register()
