"""Issues newest first are read from an index that carries their status, whether they are
restricted and who raised them: counting a list, which decides for each issue whether the
reader may see it, then reads the index alone, not the table. It replaces the index on the
order alone, built before that one goes; both concurrently on PostgreSQL. (The search
vector stays out: a B-tree entry holds at most 2,704 bytes, and a long description's
vector is longer.)

An index is read alone only for the table's pages that vacuum has marked all visible, so
the table is vacuumed after a hundred new issues or two hundred changed ones, rather than
after a fifth of the table has changed: the newest issues are read most."""

from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently

VACUUM_SOONER = (
    "autovacuum_vacuum_insert_threshold = 100, autovacuum_vacuum_insert_scale_factor = 0, "
    "autovacuum_vacuum_threshold = 200, autovacuum_vacuum_scale_factor = 0"
)
VACUUM_AS_DEFAULT = (
    "autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor, "
    "autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor"
)


def vacuum_sooner(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE feedback_practiceissue SET ({VACUUM_SOONER})")


def vacuum_as_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE feedback_practiceissue RESET ({VACUUM_AS_DEFAULT})")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("feedback", "0013_kept_off_until"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="practiceissue",
            index=models.Index(
                fields=["-submitted_at", "-id"],
                include=("status", "restricted", "raised_by"),
                name="issue_newest_read_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="practiceissue", name="issue_newest_first_idx"),
        migrations.RunPython(vacuum_sooner, vacuum_as_default, elidable=False),
    ]
