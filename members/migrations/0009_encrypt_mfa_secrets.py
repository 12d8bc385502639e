"""Two-factor secrets stored before they were encrypted are encrypted (members.mfa)."""

from django.db import migrations


def encrypt(apps, schema_editor):
    from members.mfa import rewrite_stored_secrets

    rewrite_stored_secrets(apps.get_model("mfa", "Authenticator").objects.all())


def decrypt(apps, schema_editor):
    from members.mfa import rewrite_stored_secrets

    rewrite_stored_secrets(apps.get_model("mfa", "Authenticator").objects.all(), seal=False)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_notification_recipient_without_own_index"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
