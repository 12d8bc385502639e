"""Indexes on when meetings end, so the meetings still to come are read without the years
already held; built concurrently on PostgreSQL so meetings stay writable meanwhile."""

from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('forums', '0013_agendaitem_meeting_and_meeting_forum_without_own_index'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='meeting',
            index=models.Index(fields=['forum', 'end'], name='meeting_forum_end_idx'),
        ),
        AddIndexConcurrently(
            model_name='meeting',
            index=models.Index(fields=['kind', 'end'], name='meeting_kind_end_idx'),
        ),
    ]
