import datetime as dt

import pytest
from django.urls import reverse

from feedback.choices import DeliveryStatus, EventKind
from feedback.models import IssueEvent, Referral, Response
from forums.models import ForumEvent
from members.models import Notification
from tests.factories.feedback import (
    IssueEventFactory,
    PracticeIssueFactory,
    ReferralFactory,
    ResponseFactory,
)
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


def test_a_response_and_an_issues_stays_are_not_deleted_apart_from_their_issue(admin_client):
    response = ResponseFactory()
    stay = ReferralFactory()

    refused = [
        admin_client.post(reverse(f"admin:feedback_{name}_delete", args=[row.pk]), {"post": "yes"})
        for name, row in (("response", response), ("referral", stay))
    ]

    assert [each.status_code for each in refused] == [403, 403]
    assert Response.objects.filter(pk=response.pk).exists()
    assert Referral.objects.filter(pk=stay.pk).exists()


def test_an_issue_is_deleted_in_the_admin_with_its_stays_and_response(admin_client):
    response = ResponseFactory()
    issue = response.issue
    url = reverse("admin:feedback_practiceissue_delete", args=[issue.pk])

    confirm = admin_client.get(url)
    deleted = admin_client.post(url, {"post": "yes"})

    assert confirm.status_code == 200
    assert deleted.status_code == 302
    assert not Referral.objects.filter(issue_id=issue.pk).exists()
    assert not Response.objects.filter(pk=response.pk).exists()


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


def change_form(response, **changes) -> dict:
    """What the admin's form for the response posts, with `changes`."""
    return {
        "owner": response.owner_id,
        "due_date": response.due_date.isoformat(),
        "review_date": response.review_date.isoformat() if response.review_date else "",
        "scope": response.scope,
        **changes,
    }


def test_a_response_handed_over_in_the_admin_takes_its_action_and_tells_the_new_owner(
    admin_client,
):
    response = ResponseFactory()
    taking_over = UserFactory(display_name="Sam")

    saved = admin_client.post(
        reverse("admin:feedback_response_change", args=[response.pk]),
        change_form(response, owner=taking_over.pk),
    )

    assert saved.status_code == 302
    review_date = response.review_date
    response.refresh_from_db()
    response.action_item.refresh_from_db()
    assert (response.owner, response.action_item.owner) == (taking_over, taking_over)
    assert response.review_date == review_date
    assert IssueEvent.objects.filter(issue=response.issue, kind=EventKind.HANDED_OVER).exists()
    assert ForumEvent.objects.get(forum=response.action_item.forum).note.endswith(
        "handed to Sam with its response"
    )
    assert Notification.objects.filter(
        recipient=taking_over, subject=f"A response is yours: {response.issue.reference}"
    ).exists()


def test_a_response_is_not_handed_in_the_admin_to_someone_who_has_left(admin_client):
    response = ResponseFactory()
    owner = response.owner
    gone = UserFactory(is_active=False)

    refused = admin_client.post(
        reverse("admin:feedback_response_change", args=[response.pk]),
        change_form(response, owner=gone.pk),
    )

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["owner"] == [
        "That person has left the portal: give the action to a current member."
    ]
    response.refresh_from_db()
    assert response.owner == owner
    assert not IssueEvent.objects.filter(kind=EventKind.HANDED_OVER).exists()


def test_a_finished_response_is_not_handed_over(admin_client):
    response = ResponseFactory(delivery_status=DeliveryStatus.DELIVERED)
    owner = response.owner

    saved = admin_client.post(
        reverse("admin:feedback_response_change", args=[response.pk]),
        change_form(response, owner=UserFactory().pk),
        follow=True,
    )

    response.refresh_from_db()
    assert response.owner == owner
    assert "This response is finished (delivered): there is nothing to hand over." in (
        saved.content.decode()
    )


def test_a_due_date_corrected_in_the_admin_moves_the_action_with_it(admin_client):
    response = ResponseFactory()
    later = response.due_date + dt.timedelta(days=30)

    saved = admin_client.post(
        reverse("admin:feedback_response_change", args=[response.pk]),
        change_form(response, due_date=later.isoformat()),
    )

    assert saved.status_code == 302
    response.refresh_from_db()
    response.action_item.refresh_from_db()
    assert (response.due_date, response.action_item.due_date) == (later, later)
