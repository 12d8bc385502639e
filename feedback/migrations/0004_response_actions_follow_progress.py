from django.db import migrations


def response_actions_follow_progress(apps, schema_editor):
    ActionItem = apps.get_model("forums", "ActionItem")
    ActionItem.objects.filter(response__isnull=False).update(follows_progress=True)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_history_labelled_and_delivered"),
        ("forums", "0005_action_follows_progress"),
    ]

    operations = [
        migrations.RunPython(response_actions_follow_progress, migrations.RunPython.noop),
    ]
