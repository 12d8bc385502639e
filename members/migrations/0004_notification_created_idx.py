"""An index built concurrently on PostgreSQL, so the table stays writable."""

from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('members', '0003_notification_newest_idx'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='notification',
            index=models.Index(fields=['created_at'], name='notification_created_idx'),
        ),
    ]
