"""Counters and a stored search vector on practice issues, and the indexes lists need.

Not atomic: on PostgreSQL the indexes build with CREATE INDEX CONCURRENTLY and the new
columns fill in batches, so a large issues table stays writable while this runs."""

import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations, models, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from cop_portal.migration_operations import AddIndexConcurrently

BATCH = 2000

SEARCH_VECTOR_SQL = """
    setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(NEW.description, '')), 'B')
"""

CREATE_TRIGGER = f"""
CREATE OR REPLACE FUNCTION feedback_practiceissue_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := {SEARCH_VECTOR_SQL};
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS feedback_practiceissue_search_vector ON feedback_practiceissue;
CREATE TRIGGER feedback_practiceissue_search_vector
    BEFORE INSERT OR UPDATE OF title, description, search_vector ON feedback_practiceissue
    FOR EACH ROW EXECUTE FUNCTION feedback_practiceissue_search_vector();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS feedback_practiceissue_search_vector ON feedback_practiceissue;
DROP FUNCTION IF EXISTS feedback_practiceissue_search_vector();
"""


def _batches(model):
    last = 0
    while True:
        ids = list(
            model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def _count(rows, expression):
    counted = rows.order_by().values("issue").annotate(n=expression).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def count_existing(apps, schema_editor):
    PracticeIssue = apps.get_model("feedback", "PracticeIssue")
    Endorsement = apps.get_model("feedback", "Endorsement")
    Comment = apps.get_model("feedback", "Comment")
    endorsements = Endorsement.objects.filter(issue=OuterRef("pk"))
    for ids in _batches(PracticeIssue):
        with transaction.atomic():
            PracticeIssue.objects.filter(pk__in=ids).update(
                endorsement_count=_count(endorsements, Count("pk")),
                region_count=_count(endorsements, Count("user__region", distinct=True)),
                comment_count=_count(Comment.objects.filter(issue=OuterRef("pk")), Count("pk")),
            )


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    PracticeIssue = apps.get_model("feedback", "PracticeIssue")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CREATE_TRIGGER)
        # Setting the column to itself fires the trigger, which fills it.
        for ids in _batches(PracticeIssue):
            with transaction.atomic():
                cursor.execute(
                    "UPDATE feedback_practiceissue SET search_vector = NULL WHERE id = ANY(%s)",
                    [ids],
                )
        cursor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS issue_search_vector_gin "
            "ON feedback_practiceissue USING gin (search_vector)"
        )


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX CONCURRENTLY IF EXISTS issue_search_vector_gin")
        cursor.execute(DROP_TRIGGER)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("feedback", "0004_response_actions_follow_progress"),
        ("forums", "0005_action_follows_progress"),
        ("members", "0002_notification_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="practiceissue",
            name="comment_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="practiceissue",
            name="endorsement_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="practiceissue",
            name="region_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="How many regions its endorsers come from."
            ),
        ),
        migrations.AddField(
            model_name="practiceissue",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(add_search_vector, drop_search_vector, elidable=False),
        AddIndexConcurrently(
            model_name="comment",
            index=models.Index(fields=["issue", "created_at", "id"], name="comment_issue_time_idx"),
        ),
        AddIndexConcurrently(
            model_name="issueevent",
            index=models.Index(fields=["issue", "created_at", "id"], name="event_issue_time_idx"),
        ),
        AddIndexConcurrently(
            model_name="practiceissue",
            index=models.Index(fields=["-submitted_at", "-id"], name="issue_newest_first_idx"),
        ),
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("left_at__isnull", True)),
                fields=["forum", "entered_at", "id"],
                name="referral_open_at_forum_idx",
            ),
        ),
    ]
