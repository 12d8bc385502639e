"""An index built concurrently on PostgreSQL, so the table stays writable."""

from django.conf import settings
from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('forums', '0005_action_follows_progress'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='meeting',
            index=models.Index(fields=['forum', 'start'], name='meeting_forum_start_idx'),
        ),
    ]
