"""An index built concurrently on PostgreSQL, so the table stays writable."""

from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('members', '0005_notification_kinds_and_preferences'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='notification',
            index=models.Index(condition=models.Q(('delivery__in', ('daily', 'weekly')), ('sent_at__isnull', True)), fields=['delivery', 'recipient'], name='notification_digest_owed_idx'),
        ),
    ]
