"""An index built concurrently on PostgreSQL, so the table stays writable."""

from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('members', '0002_notification_outbox'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='notification',
            index=models.Index(fields=['recipient', '-created_at', '-id'], name='notification_newest_idx'),
        ),
    ]
