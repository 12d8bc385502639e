"""Kept page parts (cop_portal.kept) when the cache misbehaves, and when an address holds
more than a part's page numbers."""

import time

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from cop_portal import kept
from feedback.services import routing
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.members import UserFactory
from tests.kept import shown_to

pytestmark = pytest.mark.django_db


def _queue(client, loop, query: str = "") -> tuple[str, int]:
    url = reverse("feedback:forum-queue", args=[loop.cfsn.slug]) + query
    return shown_to(client, url, loop.cfsn_facilitator)


def _waiting(html: str) -> str:
    return html[html.index('id="queue-heading"') : html.index('id="scheduled-heading"')]


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "cop_portal.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/11",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    cache.clear()
    yield caches["default"]
    cache.clear()


def test_a_change_made_while_the_cache_did_not_answer_shows_once_it_answers_again(
    client, loop, redis_cache
):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    assert "Intake forms repeat" in _waiting(_queue(client, loop)[0])
    # As after a call that timed out: the process leaves the cache alone for a while, so
    # the change below cannot forget the queue's stamp.
    redis_cache._down_until = time.monotonic() + 60

    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    redis_cache._down_until = 0.0

    assert "Intake forms repeat" not in _waiting(_queue(client, loop)[0])


def test_queue_is_drawn_afresh_on_every_visit_while_the_cache_is_unreachable(
    client, loop, cache_unreachable
):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    assert "Intake forms repeat" in _waiting(_queue(client, loop)[0])

    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    assert "Intake forms repeat" not in _waiting(_queue(client, loop)[0])


def test_an_address_holding_more_than_page_numbers_is_shown_the_kept_part_without_it(client, loop):
    for n in range(26):
        PracticeIssueFactory(origin_forum=loop.cfsn, title=f"Waiting {n:03d}")
    _queue(client, loop)  # what the person's pages keep besides (their menu) is kept
    first, drawn = _queue(client, loop, "?page=2&from=Jane+Citizen")

    second, shown = _queue(client, loop, "?page=2")

    assert "Waiting 025" in first
    assert "Waiting 025" in second
    assert shown < drawn
    assert "Jane" not in first
    assert '<a class="page-link" href="?page=1#queue-heading">' in first


def test_a_page_number_too_long_to_be_one_is_the_first_page_and_keeps_the_first_page_whole(
    client, loop
):
    for n in range(26):
        PracticeIssueFactory(origin_forum=loop.cfsn, title=f"Waiting {n:03d}")

    too_long, _ = _queue(client, loop, "?page=12345678")
    first, _ = _queue(client, loop)

    assert "Waiting 000" in too_long
    assert "Waiting 000" in first
    assert "Waiting 025" not in first


def test_a_stamp_missed_while_the_cache_did_not_answer_is_forgotten_at_the_next_request(
    client, loop, redis_cache
):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    _queue(client, loop)
    stamp = kept._stamp_key(kept.FORUM, loop.cfsn.pk)
    assert redis_cache.get(stamp) is not None
    redis_cache._down_until = time.monotonic() + 60
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    redis_cache._down_until = 0.0
    assert redis_cache.get(stamp) is not None

    # A page that keeps nothing, as another worker's next request might be.
    client.get(reverse("members:notifications"))

    assert redis_cache.get(stamp) is None


def test_a_new_account_or_a_change_to_what_is_not_shown_of_a_person_keeps_the_parts(client, loop):
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    _, drawn = _queue(client, loop)
    _, kept_before = _queue(client, loop)
    assert kept_before < drawn

    # Of an organisation and a region already known: a new one would be a new name.
    newcomer = UserFactory(
        display_name="Nell Newcomer",
        organisation=loop.practitioner.organisation,
        region=loop.practitioner.region,
    )
    newcomer.job_title = "Intake worker"
    newcomer.save()
    _, shown = _queue(client, loop)

    assert shown == kept_before
