from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the allauth glue
