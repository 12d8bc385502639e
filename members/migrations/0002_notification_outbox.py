import django.utils.timezone
from django.db import migrations, models


def nothing_owed_for_sent_rows(apps, schema_editor):
    # Rows already sent owe nothing; unsent ones become due now, so emails a broker outage
    # left behind are finally delivered by the sweeper.
    Notification = apps.get_model("members", "Notification")
    Notification.objects.filter(sent_at__isnull=False).update(next_attempt_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="notification",
            name="last_error",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="notification",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
        migrations.RunPython(nothing_owed_for_sent_rows, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("sent_at__isnull", True)),
                fields=["next_attempt_at"],
                name="notification_unsent_due_idx",
            ),
        ),
    ]
