"""Fill the search vectors of the meetings held before they were kept.

Not atomic: meetings are written a batch per transaction, so the table stays writable."""

from django.db import migrations

from forums.services.search import backfill_meeting_search


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("forums", "0009_session_registration_events"),
    ]

    operations = [
        migrations.RunPython(backfill_meeting_search, migrations.RunPython.noop, elidable=True),
    ]
