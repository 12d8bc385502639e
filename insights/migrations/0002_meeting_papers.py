"""Exports that are a meeting's papers (agenda pack, minutes): the meeting they are of, found
by an index built concurrently on PostgreSQL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('forums', '0013_agendaitem_meeting_and_meeting_forum_without_own_index'),
        ('insights', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='export',
            name='meeting',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='forums.meeting'),
        ),
        migrations.AlterField(
            model_name='export',
            name='kind',
            field=models.CharField(choices=[('issues', 'Issues register'), ('actions', 'Actions register'), ('decisions', 'Decisions register'), ('report', 'State of the loop report'), ('agenda-pack', 'Agenda pack'), ('minutes', 'Minutes')], max_length=20),
        ),
        AddIndexConcurrently(
            model_name='export',
            index=models.Index(condition=models.Q(('meeting__isnull', False)), fields=['meeting'], name='export_meeting_idx'),
        ),
        migrations.AddConstraint(
            model_name='export',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ('agenda-pack', 'minutes')), ('meeting__isnull', False)), models.Q(models.Q(('kind__in', ('agenda-pack', 'minutes')), _negated=True), ('meeting__isnull', True)), _connector='OR'), name='export_meeting_only_for_papers'),
        ),
    ]
