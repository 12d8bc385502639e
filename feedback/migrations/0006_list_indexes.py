"""Indexes for the issue list's filters and insights' counts of events, built
concurrently on PostgreSQL so the tables stay writable."""

from django.conf import settings
from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('feedback', '0005_issue_counters_and_search'),
        ('forums', '0006_meeting_forum_start_idx'),
        ('members', '0003_notification_newest_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='issueevent',
            index=models.Index(fields=['kind', 'created_at'], name='event_kind_time_idx'),
        ),
        AddIndexConcurrently(
            model_name='practiceissue',
            index=models.Index(fields=['status', '-submitted_at', '-id'], name='issue_status_newest_idx'),
        ),
        AddIndexConcurrently(
            model_name='practiceissue',
            index=models.Index(fields=['current_forum', '-submitted_at', '-id'], name='issue_forum_newest_idx'),
        ),
    ]
