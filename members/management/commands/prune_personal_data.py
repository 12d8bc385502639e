from django.core.management.base import BaseCommand

from members.services import prune_personal_data


class Command(BaseCommand):
    help = (
        "Delete notifications older than NOTIFICATION_RETENTION_DAYS and sessions unused for "
        "SESSION_RETENTION_DAYS (Celery beat runs this daily)."
    )

    def handle(self, *args, **options):
        pruned = prune_personal_data()
        self.stdout.write(
            f"Deleted {pruned.notifications} notification(s) and {pruned.sessions} session(s)."
        )
