import datetime as dt

import pytest

from members.personal_data import personal_data
from practice.choices import GuidanceType
from tests.factories.members import UserFactory
from tests.factories.practice import GuidanceItemFactory, PracticeLeadFactory

pytestmark = pytest.mark.django_db


def test_personal_data_lists_library_items_the_member_owns():
    owner = UserFactory()
    GuidanceItemFactory(
        owner=owner,
        title="Safety planning",
        version="1.2",
        kind=GuidanceType.TOOL,
        published_on=dt.date(2025, 12, 1),
        review_by=dt.date(2026, 12, 1),
    )
    GuidanceItemFactory(title="Someone else's")

    assert personal_data(owner)["library_items_owned"] == [
        {
            "title": "Safety planning",
            "version": "1.2",
            "type": "Tool",
            "status": "Current",
            "published": "2025-12-01",
            "review_by": "2026-12-01",
        }
    ]


def test_personal_data_lists_the_practice_areas_the_member_leads():
    lead = UserFactory()
    since = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    PracticeLeadFactory(user=lead, practice_area__name="Family violence", since=since)
    PracticeLeadFactory(practice_area__name="Disability")

    assert personal_data(lead)["practice_areas_led"] == [
        {"practice_area": "Family violence", "since": "2026-03-02T09:30:00+00:00"}
    ]
