from django.core.management.base import BaseCommand

from insights.services.sweeps import remove_expired_exports


class Command(BaseCommand):
    help = (
        "Delete registers and reports asked for more than EXPORT_RETENTION_DAYS ago, with their "
        "files (Celery beat runs this hourly)."
    )

    def handle(self, *args, **options):
        removed = remove_expired_exports()
        self.stdout.write(f"Deleted {removed} export(s).")
