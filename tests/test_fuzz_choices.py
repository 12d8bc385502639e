"""Form posts naming a row by an id too large for the database are refused on the form."""

import pytest
from django.test import Client
from django.urls import reverse

from forums.choices import MeetingStatus, MembershipRole
from tests.factories.forums import ForumFactory, MeetingFactory, MembershipFactory

HUGE_ID = "9" * 30

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitated():
    forum = ForumFactory()
    facilitator = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    meeting = MeetingFactory(forum=forum, status=MeetingStatus.PUBLISHED)
    client = Client(raise_request_exception=False)
    client.force_login(facilitator)
    return forum, meeting, client


def test_forms_with_huge_ids_in_choice_fields_reshow_the_form(facilitated):
    forum, meeting, client = facilitated
    posts = [
        (
            reverse("feedback:issue-create"),
            {
                "title": "Intake waits",
                "description": "Families wait for intake.",
                "practice_areas": [HUGE_ID],
                "origin_forum": HUGE_ID,
                "attestation": "on",
            },
        ),
        (
            reverse("members:profile-edit"),
            {
                "display_name": "Frank",
                "organisation": HUGE_ID,
                "region": HUGE_ID,
                "practice_areas": [HUGE_ID],
            },
        ),
        (
            reverse("forums:resource-add", kwargs={"slug": forum.slug}),
            {"title": "Map", "url": "https://example.org/map", "practice_areas": [HUGE_ID]},
        ),
        (reverse("forums:attendance", kwargs={"pk": meeting.pk}), {"attendees": [HUGE_ID]}),
    ]

    statuses = {url: client.post(url, data).status_code for url, data in posts}

    assert statuses == {url: 200 for url, _ in posts}
