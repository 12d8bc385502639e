from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from . import personal_data, receivers  # noqa: F401 - receivers answers the forums signals

        personal_data.register()
