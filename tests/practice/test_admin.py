import pytest
from django.urls import reverse

from practice.choices import GuidanceEventKind
from tests.factories.members import UserFactory
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
