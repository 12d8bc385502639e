"""A list's page number that is out of range or not a number shows its nearest page: a
bookmark, or a link in an email, stays good as the list shrinks."""

import pytest
from django.urls import reverse

from members.services import notify
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "feedback:consultation-list",
    "feedback:executive-queue",
    "forums:meeting-list",
    "forums:session-list",
    "members:notifications",
    "practice:guidance-list",
    "practice:guidance-due",
    "insights:downloads",
]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("page", ["2", "0", "abc"])
def test_a_list_asked_for_a_page_it_does_not_have_shows_its_nearest_page(client, name, page):
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(reverse(name), {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_notifications_asked_for_a_page_past_the_last_show_the_last(client):
    person = UserFactory()
    for number in range(30):
        notify(person, subject=f"Notice {number}")
    client.force_login(person)

    response = client.get(reverse("members:notifications"), {"page": "9"})

    page = response.context["page_obj"]
    assert (response.status_code, page.number, page.paginator.num_pages) == (200, 2, 2)
    assert len(page.object_list) == 5
