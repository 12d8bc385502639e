"""Write one archive of the database and the uploaded files, then prune old archives."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, create_backup, prune_backups


class Command(BaseCommand):
    help = (
        "Write a timestamped archive of the database and MEDIA_ROOT into BACKUP_DIR, then delete "
        "archives older than BACKUP_RETENTION_DAYS (keeping the newest BACKUP_KEEP_MIN)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            help=f"Where to write the archive (default: BACKUP_DIR, now {settings.BACKUP_DIR}).",
        )
        parser.add_argument(
            "--no-prune", action="store_true", help="Keep every older archive this time."
        )

    def handle(self, *args, directory=None, no_prune=False, **options):
        try:
            archive = create_backup(directory)
        except BackupError as refused:
            raise CommandError(str(refused)) from refused
        if not no_prune:
            for deleted in prune_backups(archive.parent):
                self.stderr.write(f"Deleted old archive {deleted}")
        # Only the path on standard output, so a script can pick it up.
        self.stdout.write(str(archive))
