from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Forums"

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()
