"""The demo data makes the insights charts meaningful."""

import pytest

from feedback import demo
from insights.selectors import InsightFilters, loop_health
from members.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def figures(django_db_setup, django_db_blocker, kept_demo):
    """The executive's figures for the last twelve months of the demo, seeded once."""
    with django_db_blocker.unblock(), kept_demo.rolled_back():
        executive = User.objects.get(email=demo.EXECUTIVE)
        yield {m.slug: m for m in loop_health(executive, InsightFilters.default())}


@pytest.mark.parametrize("slug", ["voice-issues", "voice-endorsements"])
def test_seed_demo_every_region_has_voices_from_two_sectors_or_more(figures, slug):
    found = figures[slug]

    # Each row: region, the shares of the three sectors and "not stated", the total.
    sectors_heard = {row[0]: sum(1 for share in row[1:4] if share) for row in found.rows}

    assert len(sectors_heard) == 5
    assert min(sectors_heard.values()) >= 2


def test_seed_demo_stays_and_clusters_are_not_empty(figures):
    stays = figures["time"].rows[:3]

    assert all(count > 0 and median > 0 for _, count, median, *_ in stays)
    assert len({row[2] for row in figures["clusters"].rows}) >= 3
