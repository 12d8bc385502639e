"""A person's issues, latest changed first, are read from an index that leads with who
raised them; the key's own index goes once it is built. Both concurrently on PostgreSQL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from cop_portal.migration_operations import AddIndexConcurrently, DropForeignKeyIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('feedback', '0009_issue_keys_without_own_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='practiceissue',
            index=models.Index(fields=['raised_by', '-updated_at', '-id'], name='issue_submitter_recent_idx'),
        ),
        DropForeignKeyIndexConcurrently(
            model_name='practiceissue',
            name='raised_by',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='raised_issues', to=settings.AUTH_USER_MODEL),
        ),
    ]
