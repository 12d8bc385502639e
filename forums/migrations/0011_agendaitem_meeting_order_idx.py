"""An index on each meeting's agenda in order, built concurrently on PostgreSQL so agendas
stay writable while it builds."""

from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('forums', '0010_meeting_search_backfill'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='agendaitem',
            index=models.Index(fields=['meeting', 'position', 'id'], name='agendaitem_meeting_order_idx'),
        ),
    ]
