"""A response keeps when its owner last posted progress (filled in from the progress posted
so far), so that progress posted on or after the review date ends its "due for review"."""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def last_progress(apps, schema_editor):
    Response = apps.get_model("feedback", "Response")
    ResponseProgress = apps.get_model("feedback", "ResponseProgress")
    latest = (
        ResponseProgress.objects.filter(response=OuterRef("pk"))
        .order_by()
        .values("response")
        .annotate(at=Max("created_at"))
        .values("at")
    )
    Response.objects.update(last_progress_at=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0010_issue_submitter_recent_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="last_progress_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(last_progress, migrations.RunPython.noop, elidable=True),
    ]
