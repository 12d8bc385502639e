"""A learning session's content (its one agenda item) is searchable, as its page shows it to
every member: the stored search vectors of existing sessions are rewritten (PostgreSQL)."""

from django.db import migrations


def rewrite_vectors(apps, schema_editor):
    from forums.services.search import refresh_meeting_search

    sessions = apps.get_model("forums", "Meeting").objects.filter(kind="learning")
    refresh_meeting_search(list(sessions.values_list("pk", flat=True)))


class Migration(migrations.Migration):
    dependencies = [("forums", "0014_decision_published_text")]

    operations = [migrations.RunPython(rewrite_vectors, migrations.RunPython.noop)]
