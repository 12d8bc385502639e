import pytest
from django.urls import reverse

from feedback.choices import EventKind
from feedback.models import IssueEvent
from members.models import Notification
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


def test_a_response_handed_over_in_the_admin_takes_its_action_and_tells_the_new_owner(
    admin_client,
):
    response = ResponseFactory()
    taking_over = UserFactory(display_name="Sam")
    url = reverse("admin:feedback_response_change", args=[response.pk])
    form = {
        "owner": taking_over.pk,
        "due_date": response.due_date.isoformat(),
        "review_date": "",
        "scope": response.scope,
    }

    saved = admin_client.post(url, form)

    assert saved.status_code == 302
    response.refresh_from_db()
    response.action_item.refresh_from_db()
    assert response.owner == taking_over
    assert response.action_item.owner == taking_over
    event = IssueEvent.objects.get(issue=response.issue, kind=EventKind.HANDED_OVER)
    assert event.note.endswith("to Sam.")
    assert Notification.objects.filter(
        recipient=taking_over, subject=f"A response is yours: {response.issue.reference}"
    ).exists()


def test_a_response_is_not_handed_in_the_admin_to_someone_who_has_left(admin_client):
    response = ResponseFactory()
    owner = response.owner
    gone = UserFactory(is_active=False)

    refused = admin_client.post(
        reverse("admin:feedback_response_change", args=[response.pk]),
        {"owner": gone.pk, "due_date": response.due_date.isoformat(), "scope": response.scope},
    )

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["owner"] == [
        "That person has left the portal: give the action to a current member."
    ]
    response.refresh_from_db()
    assert response.owner == owner
    assert not IssueEvent.objects.filter(kind=EventKind.HANDED_OVER).exists()
