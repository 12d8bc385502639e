"""Exports that are a meeting's papers (agenda pack, minutes): the meeting they are of, and
whether one holds a draft only its keepers read."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('forums', '0013_agendaitem_meeting_and_meeting_forum_without_own_index'),
        ('insights', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='export',
            name='holds_draft',
            field=models.BooleanField(db_default=False, default=False),
        ),
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
        migrations.AddConstraint(
            model_name='export',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ('agenda-pack', 'minutes')), ('meeting__isnull', False)), models.Q(models.Q(('kind__in', ('agenda-pack', 'minutes')), _negated=True), ('meeting__isnull', True)), _connector='OR'), name='export_meeting_only_for_papers'),
        ),
    ]
