"""A meeting's papers are found by their meeting (deleting it deletes them): an index built
concurrently on PostgreSQL, in a migration of its own since it cannot run in a transaction."""

from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('insights', '0002_meeting_papers'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='export',
            index=models.Index(condition=models.Q(('meeting__isnull', False)), fields=['meeting'], name='export_meeting_idx'),
        ),
    ]
