import pytest
from django.urls import reverse

from feedback.models import IssueEvent
from tests.factories.feedback import IssueEventFactory, PracticeIssueFactory, ResponseFactory
from tests.factories.members import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_issue_event_admin_lists_but_cannot_change_or_delete(admin_client):
    event = IssueEventFactory(note="Placed on the agenda")

    listing = admin_client.get(reverse("admin:feedback_issueevent_changelist"))
    delete = admin_client.post(
        reverse("admin:feedback_issueevent_delete", args=[event.pk]), {"post": "yes"}
    )
    add = admin_client.get(reverse("admin:feedback_issueevent_add"))

    assert listing.status_code == 200
    assert delete.status_code == 403
    assert add.status_code == 403
    assert IssueEvent.objects.filter(pk=event.pk).exists()


def test_issue_event_saved_again_is_refused(db):
    event = IssueEventFactory(note="Raised")
    event.note = "Rewritten"

    with pytest.raises(PermissionError, match="append-only"):
        event.save()
    with pytest.raises(PermissionError, match="append-only"):
        event.delete()

    assert IssueEvent.objects.get(pk=event.pk).note == "Raised"


def test_issue_admin_reads_an_issue_but_saves_nothing_over_it(admin_client):
    issue = PracticeIssueFactory(title="Intake forms repeat the same questions")
    url = reverse("admin:feedback_practiceissue_change", args=[issue.pk])

    view = admin_client.get(url)
    save = admin_client.post(url, {})

    assert view.status_code == 200
    assert "Intake forms repeat the same questions" in view.content.decode()
    assert save.status_code == 403


def test_a_responses_decision_and_delivery_change_only_in_the_portal(admin_client):
    response = ResponseFactory()

    form = (
        admin_client.get(reverse("admin:feedback_response_change", args=[response.pk]))
        .context["adminform"]
        .form
    )

    assert {"decision", "delivery_status", "delivered_at", "last_progress_at"}.isdisjoint(
        form.fields
    )
    assert {"owner", "due_date", "review_date"} <= set(form.fields)
