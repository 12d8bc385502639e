from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from . import personal_data, receivers  # noqa: F401 - receivers answers the forums signals

        personal_data.register()
