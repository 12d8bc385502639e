"""An index on meetings newest first, built concurrently on PostgreSQL so meetings stay
writable while it builds."""

from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('forums', '0011_agendaitem_meeting_order_idx'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='meeting',
            index=models.Index(fields=['-start', '-id'], name='meeting_newest_first_idx'),
        ),
    ]
