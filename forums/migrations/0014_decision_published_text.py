"""Each decision keeps its text as the minutes were last published: from the newest
published revision of its meeting's minutes, or, for minutes published before revisions
were kept, as it stands."""

from django.db import migrations, models

BATCH = 500


def published_texts(apps, schema_editor):
    Meeting = apps.get_model("forums", "Meeting")
    Decision = apps.get_model("forums", "Decision")
    MinutesRevision = apps.get_model("forums", "MinutesRevision")
    published = Meeting.objects.filter(minutes_published_at__isnull=False).values_list(
        "pk", flat=True
    )
    for meeting_id in published.iterator(chunk_size=BATCH):
        revision = (
            MinutesRevision.objects.filter(meeting_id=meeting_id, published_at__isnull=False)
            .order_by("-number")
            .first()
        )
        decisions = Decision.objects.filter(meeting_id=meeting_id)
        if revision is None:
            decisions.update(published_text=models.F("text"))
            continue
        texts = {
            decision["id"]: decision["text"]
            for item in revision.snapshot.get("items", [])
            for decision in item.get("decisions", [])
        }
        changed = []
        for decision in decisions.filter(pk__in=list(texts)):
            decision.published_text = texts[decision.pk]
            changed.append(decision)
        Decision.objects.bulk_update(changed, ["published_text"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0013_agendaitem_meeting_and_meeting_forum_without_own_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="published_text",
            field=models.TextField(blank=True, db_default="", default=""),
        ),
        migrations.RunPython(published_texts, migrations.RunPython.noop, elidable=True),
    ]
