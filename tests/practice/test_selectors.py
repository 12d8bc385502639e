import datetime as dt

import pytest

from practice.choices import GuidanceStatus, GuidanceType
from practice.selectors import (
    citable_guidance,
    due_for_review,
    latest_version,
    library_items,
    overdue_count,
)
from tests.factories.members import PracticeAreaFactory, UserFactory
from tests.factories.practice import GuidanceItemFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def _superseded(**kwargs):
    return GuidanceItemFactory(
        status=GuidanceStatus.SUPERSEDED, superseded_by=GuidanceItemFactory(), **kwargs
    )


def test_library_items_by_default_lists_current_and_under_review_by_title():
    b = GuidanceItemFactory(title="B item")
    a = GuidanceItemFactory(title="A item", status=GuidanceStatus.UNDER_REVIEW)
    d = GuidanceItemFactory(title="D item")
    GuidanceItemFactory(title="C item", status=GuidanceStatus.SUPERSEDED, superseded_by=d)

    assert list(library_items()) == [a, b, d]


def test_library_items_with_superseded_status_lists_only_superseded():
    GuidanceItemFactory(title="Kept")
    old = _superseded(title="Old")

    assert list(library_items(status=GuidanceStatus.SUPERSEDED)) == [old]


def test_library_items_filters_by_type_and_area_without_repeating_rows():
    area, other = PracticeAreaFactory(name="Housing"), PracticeAreaFactory(name="Disability")
    wanted = GuidanceItemFactory(kind=GuidanceType.TOOL, practice_areas=[area, other])
    GuidanceItemFactory(kind=GuidanceType.TOOL, practice_areas=[other])
    GuidanceItemFactory(kind=GuidanceType.FRAMEWORK, practice_areas=[area])

    assert list(library_items(kind=GuidanceType.TOOL, practice_area=area)) == [wanted]


def test_library_items_text_matches_every_word_in_title_or_summary():
    hit = GuidanceItemFactory(title="Safety planning", summary="For young children.")
    GuidanceItemFactory(title="Safety audit", summary="For services.")

    assert list(library_items(text="safety children")) == [hit]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("safety -audit", ["Planning home safety", "Safety planning"]),
        ('"safety planning"', ["Safety planning"]),
        ("planning safety", ["Planning home safety", "Safety planning"]),
        ('"home safety" or audit', ["Planning home safety", "Safety audit"]),
        ("-children", ["Planning home safety", "Safety audit"]),
    ],
)
def test_library_items_text_reads_minus_phrases_and_or(text, expected):
    GuidanceItemFactory(title="Safety planning", summary="For young children.")
    GuidanceItemFactory(title="Safety audit", summary="For services.")
    GuidanceItemFactory(title="Planning home safety", summary="For carers.")

    assert [item.title for item in library_items(text=text)] == expected


def test_due_for_review_lists_own_overdue_and_soon_due_items_most_overdue_first():
    owner = UserFactory()
    soon = GuidanceItemFactory(owner=owner, review_by=TODAY + dt.timedelta(days=30))
    overdue = GuidanceItemFactory(owner=owner, review_by=TODAY - dt.timedelta(days=5))
    GuidanceItemFactory(owner=owner, review_by=TODAY + dt.timedelta(days=31))
    GuidanceItemFactory(review_by=TODAY - dt.timedelta(days=5))
    _superseded(owner=owner, review_by=TODAY - dt.timedelta(days=50))

    assert list(due_for_review(owner, today=TODAY)) == [overdue, soon]
    assert overdue_count(owner, today=TODAY) == (1, 1)


def test_latest_version_follows_the_chain_of_successors():
    newest = GuidanceItemFactory(version="3")
    middle = GuidanceItemFactory(
        version="2", status=GuidanceStatus.SUPERSEDED, superseded_by=newest
    )
    oldest = GuidanceItemFactory(
        version="1", status=GuidanceStatus.SUPERSEDED, superseded_by=middle
    )

    assert latest_version(oldest) == newest
    assert latest_version(newest) == newest


def test_citable_guidance_leaves_out_superseded_items():
    current = GuidanceItemFactory(title="A")
    under_review = GuidanceItemFactory(title="B", status=GuidanceStatus.UNDER_REVIEW)
    _superseded(title="C")

    assert list(citable_guidance().filter(title__in=["A", "B", "C"])) == [current, under_review]
