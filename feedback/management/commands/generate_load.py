"""Fill the database with a state-sized data set for the performance benchmark."""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from feedback import loadgen
from members.models import User


class Command(BaseCommand):
    help = (
        "Generate a consistent data set at state scale (--scale 1: 40 CFSNs, 5,000 members, "
        "100,000 practice issues with their history) on top of the demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiplies every count (default 1)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args, scale: float, seed: int, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "generate_load fills the database with invented members and issues; "
                "it never runs in production."
            )
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if loadgen.load_present():
            raise CommandError(
                "This database already holds generated load data; generate into a fresh "
                "database (the benchmark makes its own)."
            )
        began = time.monotonic()
        if not User.objects.filter(email="practitioner@example.org").exists():
            call_command("seed_demo", stdout=self.stdout)
        with transaction.atomic():
            written = loadgen.generate(scale, seed)
        loadgen.analyze()
        width = max(len(table) for table in written)
        for table, count in sorted(written.items()):
            self.stdout.write(f"{table:<{width}}  {count:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Load data at scale {scale:g} is in place "
                f"({sum(written.values()):,} rows in {time.monotonic() - began:.0f} s)."
            )
        )
