from django.db import migrations
from django.db.models import F

# Outcomes recorded at an agenda item before its meeting had started were, in truth, decided
# out of session; label them so, and count them apart.
EARLY_REASON = "Recorded before its meeting started."
OUTCOME_EVENT_KINDS = ["resolved", "escalated", "info_requested", "responded", "discussed"]


def label_early_outcomes_and_deliveries(apps, schema_editor):
    Referral = apps.get_model("feedback", "Referral")
    IssueEvent = apps.get_model("feedback", "IssueEvent")
    Response = apps.get_model("feedback", "Response")

    Referral.objects.exclude(outcome="").filter(
        agenda_item__isnull=False, left_at__lt=F("agenda_item__meeting__start")
    ).update(out_of_session=True, out_of_session_reason=EARLY_REASON)
    IssueEvent.objects.filter(
        kind__in=OUTCOME_EVENT_KINDS,
        agenda_item__isnull=False,
        created_at__lt=F("agenda_item__meeting__start"),
    ).update(out_of_session=True)

    # A response's delivery follows its action item. A cancelled action is left planned: no
    # reason was recorded, so it is not formally "not proceeding".
    for response in Response.objects.filter(action_item__status="done").select_related(
        "action_item"
    ):
        response.delivery_status = "delivered"
        response.delivered_at = response.action_item.completed_at
        response.save(update_fields=["delivery_status", "delivered_at"])
    Response.objects.filter(action_item__status="in_progress").update(delivery_status="in_progress")


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_loop_in_time_and_follow_through"),
        ("forums", "0004_strategic_members_become_executives"),
    ]

    operations = [
        migrations.RunPython(label_early_outcomes_and_deliveries, migrations.RunPython.noop),
    ]
