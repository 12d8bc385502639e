"""An issue's comments and events, and the issues at a forum, are found by the indexes that
lead with their keys; the keys' own indexes go, concurrently on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

from cop_portal.migration_operations import DropForeignKeyIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('feedback', '0008_referral_open_stays_idx'),
        ('forums', '0013_agendaitem_meeting_and_meeting_forum_without_own_index'),
    ]

    operations = [
        DropForeignKeyIndexConcurrently(
            model_name='comment',
            name='issue',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='feedback.practiceissue'),
        ),
        DropForeignKeyIndexConcurrently(
            model_name='issueevent',
            name='issue',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='feedback.practiceissue'),
        ),
        DropForeignKeyIndexConcurrently(
            model_name='practiceissue',
            name='current_forum',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='current_issues', to='forums.forum'),
        ),
    ]
