import datetime as dt

import pytest
from django.urls import reverse

from members.models import Notification
from practice.choices import GuidanceEventKind, GuidanceStatus
from practice.models import GuidanceEvent
from tests.factories.members import PracticeAreaFactory, UserFactory
from tests.factories.practice import GuidanceEventFactory, GuidanceItemFactory, PracticeLeadFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_guidance_admin_shows_item_with_its_history_and_adds_nothing(admin_client):
    item = GuidanceItemFactory(title="Safety planning")
    GuidanceEventFactory(item=item, kind=GuidanceEventKind.ADDED, note="Added it")

    listing = admin_client.get(reverse("admin:practice_guidanceitem_changelist"))
    change = admin_client.get(reverse("admin:practice_guidanceitem_change", args=[item.pk]))
    add = admin_client.get(reverse("admin:practice_guidanceitem_add"))

    assert (listing.status_code, change.status_code, add.status_code) == (200, 200, 403)
    assert "Safety planning" in listing.content.decode()
    assert "Added it" in change.content.decode()


def test_practice_lead_admin_lists_leads_by_area(admin_client):
    lead = PracticeLeadFactory(user__display_name="Lee Lead", practice_area__name="Housing")

    response = admin_client.get(reverse("admin:practice_practicelead_changelist"))

    assert response.status_code == 200
    assert "Lee Lead" in response.content.decode()
    assert lead.practice_area.name in response.content.decode()


def _change(admin_client, item, **changes):
    data = {
        "title": item.title,
        "summary": item.summary,
        "kind": item.kind,
        "practice_areas": [area.pk for area in item.practice_areas.all()],
        "version": item.version,
        "owner": item.owner_id,
        "review_by": item.review_by.isoformat(),
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        **changes,
    }
    return admin_client.post(reverse("admin:practice_guidanceitem_change", args=[item.pk]), data)


def test_guidance_admin_change_with_phone_number_in_summary_shows_error_and_saves_nothing(
    admin_client,
):
    item = GuidanceItemFactory(summary="How to work with families.")

    response = _change(admin_client, item, summary="Call the mother on 0412 345 678.")

    item.refresh_from_db()
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["summary"]
    assert "a phone number “0412 345 678”" in errors["summary"][0]
    assert item.summary == "How to work with families."
    assert not GuidanceEvent.objects.filter(item=item).exists()


def test_guidance_admin_change_with_review_before_publication_shows_error_beside_date(
    admin_client,
):
    item = GuidanceItemFactory(published_on=dt.date(2025, 12, 1), review_by=dt.date(2026, 12, 1))

    response = _change(admin_client, item, review_by="2025-11-01")

    item.refresh_from_db()
    assert response.context["adminform"].form.errors == {
        "review_by": ["The review date must come after the publication date."]
    }
    assert item.review_by == dt.date(2026, 12, 1)


def test_guidance_admin_change_to_new_owner_writes_changed_event_and_tells_them(admin_client):
    item = GuidanceItemFactory(title="Safety planning")
    area, new_owner = PracticeAreaFactory(name="Housing"), UserFactory()

    response = _change(
        admin_client,
        item,
        title="Safety planning with children",
        owner=new_owner.pk,
        practice_areas=[area.pk],
    )

    item.refresh_from_db()
    assert response.status_code == 302
    assert (item.title, item.owner, list(item.practice_areas.all())) == (
        "Safety planning with children",
        new_owner,
        [area],
    )
    (event,) = GuidanceEvent.objects.filter(item=item)
    assert (event.kind, event.note) == (GuidanceEventKind.CHANGED, str(item))
    assert event.actor.is_superuser
    assert list(Notification.objects.values_list("recipient", flat=True)) == [new_owner.pk]


def test_guidance_admin_superseded_item_is_read_only_and_cannot_be_saved(admin_client):
    successor = GuidanceItemFactory()
    item = GuidanceItemFactory(
        title="Old guide", status=GuidanceStatus.SUPERSEDED, superseded_by=successor
    )

    page = admin_client.get(reverse("admin:practice_guidanceitem_change", args=[item.pk]))
    response = _change(admin_client, item, title="Renamed")

    item.refresh_from_db()
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert response.status_code == 403
    assert item.title == "Old guide"
    assert not GuidanceEvent.objects.filter(item=item).exists()
