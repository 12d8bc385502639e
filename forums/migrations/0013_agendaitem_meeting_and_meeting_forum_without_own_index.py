"""A meeting's agenda items, and a forum's meetings, are found by the indexes that lead with
their keys; the keys' own indexes go, concurrently on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

from cop_portal.migration_operations import DropForeignKeyIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('forums', '0012_meeting_newest_first_idx'),
    ]

    operations = [
        DropForeignKeyIndexConcurrently(
            model_name='agendaitem',
            name='meeting',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='agenda_items', to='forums.meeting'),
        ),
        DropForeignKeyIndexConcurrently(
            model_name='meeting',
            name='forum',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='forums.forum'),
        ),
    ]
