from django.core.management.base import BaseCommand

from search.services import rebuild_search_vectors


class Command(BaseCommand):
    help = (
        "Recompute the stored full-text search vectors of issues, library items, "
        "consultations and meetings, in batches (PostgreSQL; nothing to do elsewhere)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows written per statement."
        )

    def handle(self, *args, **options):
        rebuilt = rebuild_search_vectors(batch_size=options["batch_size"])
        self.stdout.write(
            f"Rebuilt the search vectors of {rebuilt.issues} issue(s), "
            f"{rebuilt.library_items} library item(s), {rebuilt.consultations} "
            f"consultation(s) and {rebuilt.meetings} meeting(s)."
        )
