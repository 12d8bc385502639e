"""A person's notifications are found by the indexes that lead with the recipient; the key's
own index goes, concurrently on PostgreSQL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from cop_portal.migration_operations import DropForeignKeyIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('members', '0007_practice_knowledge'),
    ]

    operations = [
        DropForeignKeyIndexConcurrently(
            model_name='notification',
            name='recipient',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL),
        ),
    ]
