"""The index on a forum's open stays also holds each stay's agenda item and issue; the new
index is built before the old one goes, both concurrently on PostgreSQL."""

from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('feedback', '0007_consultations_advice_and_guidance'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='referral',
            index=models.Index(condition=models.Q(('left_at__isnull', True)), fields=['forum', 'entered_at', 'id'], include=('agenda_item', 'issue'), name='referral_open_stays_idx'),
        ),
        RemoveIndexConcurrently(
            model_name='referral',
            name='referral_open_at_forum_idx',
        ),
    ]
