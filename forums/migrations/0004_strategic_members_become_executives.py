from django.db import migrations


def plain_strategic_members_become_executives(apps, schema_editor):
    # Every member of the Strategic Leadership Forum used to act as an executive; roles now
    # decide. Plain members keep what they could do; observers, guest experts and
    # lived-experience advisers no longer record responses.
    Membership = apps.get_model("forums", "Membership")
    Membership.objects.filter(forum__tier="strategic", role="member").update(role="executive")


def executives_become_plain_members(apps, schema_editor):
    Membership = apps.get_model("forums", "Membership")
    Membership.objects.filter(forum__tier="strategic", role="executive").update(role="member")


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0003_loop_roles_budgets_matters"),
    ]

    operations = [
        migrations.RunPython(
            plain_strategic_members_become_executives, executives_become_plain_members
        ),
    ]
