"""Each notice has a kind and a delivery; each person chooses a delivery per kind.

Existing rows become "other" notices emailed at once, as they were."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0004_notification_created_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('issue_update', 'Updates on issues you raised or follow'), ('meeting', 'Meetings: invitations, reminders, agendas and minutes'), ('action', 'Actions assigned to you, and reminders when they are overdue'), ('escalation', "Issues waiting in your forum's queue or escalated to it"), ('response', 'Strategic responses and their progress'), ('other', 'Everything else')], max_length=20)),
                ('delivery', models.CharField(choices=[('immediate', 'Email each one at once'), ('daily', 'One email a day with all of them'), ('weekly', 'One email a week with all of them'), ('off', 'No email (they still appear in your notifications)')], max_length=10)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.AddField(
            model_name='notification',
            name='delivery',
            field=models.CharField(choices=[('immediate', 'Email each one at once'), ('daily', 'One email a day with all of them'), ('weekly', 'One email a week with all of them'), ('off', 'No email (they still appear in your notifications)')], db_default='immediate', default='immediate', max_length=10),
        ),
        migrations.AddField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('issue_update', 'Updates on issues you raised or follow'), ('meeting', 'Meetings: invitations, reminders, agendas and minutes'), ('action', 'Actions assigned to you, and reminders when they are overdue'), ('escalation', "Issues waiting in your forum's queue or escalated to it"), ('response', 'Strategic responses and their progress'), ('other', 'Everything else')], db_default='other', default='other', max_length=20),
        ),
        migrations.AddField(
            model_name='notificationpreference',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='notificationpreference',
            constraint=models.UniqueConstraint(fields=('user', 'kind'), name='notification_preference_one_per_kind'),
        ),
    ]
