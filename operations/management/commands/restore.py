"""Bring back the database and the uploaded files from an archive made by `backup`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import VENDOR_NAMES, BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the database and MEDIA_ROOT from an archive made by `manage.py backup`. "
        "Refuses a database that already holds portal data unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive, e.g. var/backups/cop-portal-….tar.gz")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds portal data, and all uploaded files.",
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            result = restore_backup(Path(archive), force=force)
        except BackupError as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {VENDOR_NAMES[result.vendor]} database and {result.files} uploaded "
                f"file{'s' if result.files != 1 else ''} from {result.archive}."
            )
        )
        if result.unapplied_migrations:
            self.stdout.write(
                f"The archive is older than this portal: run `python manage.py migrate` "
                f"to apply {result.unapplied_migrations} newer migration"
                f"{'s' if result.unapplied_migrations != 1 else ''}."
            )
