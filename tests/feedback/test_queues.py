"""Triage queues at scale: paged, counted from the issues' counters, flat in queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.choices import IssueStatus
from feedback.selectors import forums_to_triage, patterns_across_regions
from feedback.services import routing
from tests.factories.feedback import EndorsementFactory, PracticeIssueFactory, ReferralFactory
from tests.factories.forums import AgendaItemFactory, MeetingFactory
from tests.factories.members import PracticeAreaFactory, RegionFactory, UserFactory
from tests.plans import plans_made

pytestmark = pytest.mark.django_db


def _waiting(forum, count: int, *, area=None) -> list:
    issues = []
    for n in range(count):
        issue = PracticeIssueFactory(origin_forum=forum, title=f"Waiting {n:03d}")
        if area is not None:
            issue.practice_areas.add(area)
        issues.append(issue)
    return issues


def _endorse_from_regions(issue, regions: int) -> None:
    for _ in range(regions):
        EndorsementFactory(issue=issue, user=UserFactory(region=RegionFactory()))


def _at_statewide(loop, issue, *, area, regions: int) -> None:
    """An issue open at the State-wide Forum (its referral waits there), endorsed from
    `regions` regions."""
    issue.practice_areas.add(area)
    _endorse_from_regions(issue, regions)
    ReferralFactory(issue=issue, forum=loop.statewide)


def _scheduled(loop, count: int) -> None:
    for n in range(count):
        issue = PracticeIssueFactory(origin_forum=loop.cfsn, title=f"Scheduled {n:03d}")
        routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)


def _titles(page) -> list[str]:
    return [r.issue.title for r in page]


# --- The forum's queue ---------------------------------------------------------------


def test_forum_queue_of_26_shows_the_25_oldest_then_the_last_on_page_two(client, loop):
    _waiting(loop.cfsn, 26)
    client.force_login(loop.cfsn_facilitator)
    url = reverse("feedback:forum-queue", args=[loop.cfsn.slug])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert _titles(first.context["queue"]) == [f"Waiting {n:03d}" for n in range(25)]
    assert _titles(second.context["queue"]) == ["Waiting 025"]
    html = first.content.decode()
    assert 'Waiting for triage <span class="text-body-secondary">(26)</span>' in html
    assert "Page 1 of 2" in html
    assert '<a class="page-link" href="?page=2#queue-heading">Next page' in html


def test_forum_queue_page_out_of_range_shows_the_last_page(client, loop):
    _waiting(loop.cfsn, 3)
    client.force_login(loop.cfsn_facilitator)

    response = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]), {"page": "999"})

    assert response.status_code == 200
    assert _titles(response.context["queue"]) == ["Waiting 000", "Waiting 001", "Waiting 002"]


def test_forum_queue_row_shows_the_issues_endorsement_and_region_counters(client, loop):
    (issue,) = _waiting(loop.cfsn, 1)
    _endorse_from_regions(issue, 2)
    EndorsementFactory(issue=issue, user=UserFactory(region=loop.cfsn.region))
    client.force_login(loop.cfsn_facilitator)

    html = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug])).content.decode()

    assert "<td>3 endorsements, 3 regions</td>" in html


def test_forum_queue_scheduled_list_pages_by_10_keeping_the_queue_page(client, loop):
    _scheduled(loop, 11)
    _waiting(loop.cfsn, 26)
    client.force_login(loop.cfsn_facilitator)
    url = reverse("feedback:forum-queue", args=[loop.cfsn.slug])

    response = client.get(url, {"page": 2, "scheduled_page": 2})

    assert _titles(response.context["scheduled"]) == ["Scheduled 010"]
    assert _titles(response.context["queue"]) == ["Waiting 025"]
    html = response.content.decode()
    assert '<a class="page-link" href="?page=2&amp;scheduled_page=1#scheduled-heading">' in html
    assert '<a class="page-link" href="?page=1&amp;scheduled_page=2#queue-heading">' in html


def test_forum_queue_scheduled_list_follows_meeting_dates_then_agenda_order(client, loop):
    later = MeetingFactory(
        forum=loop.cfsn,
        title="Later meeting",
        start=loop.cfsn_meeting.start + dt.timedelta(days=14),
        end=loop.cfsn_meeting.end + dt.timedelta(days=14),
    )
    for title, meeting in (
        ("Later, first", later),
        ("Sooner, first", loop.cfsn_meeting),
        ("Later, second", later),
        ("Sooner, second", loop.cfsn_meeting),
    ):
        issue = PracticeIssueFactory(origin_forum=loop.cfsn, title=title)
        routing.place_on_agenda(issue, meeting=meeting, by=loop.cfsn_facilitator)
    client.force_login(loop.cfsn_facilitator)

    response = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))

    assert _titles(response.context["scheduled"]) == [
        "Sooner, first",
        "Sooner, second",
        "Later, first",
        "Later, second",
    ]
    assert response.context["scheduled"].paginator.count == 4
    assert "Later meeting</a>" in response.content.decode()


def test_forum_queue_counts_a_stay_left_on_a_held_meetings_agenda_as_waiting(client, loop):
    _waiting(loop.cfsn, 2)
    _scheduled(loop, 1)
    held = PracticeIssueFactory(origin_forum=loop.cfsn, title="Left from a held meeting")
    held.referrals.update(
        agenda_item=AgendaItemFactory(meeting__forum=loop.cfsn, meeting__status="completed")
    )
    declined = PracticeIssueFactory(origin_forum=loop.cfsn, title="Declined")
    routing.decline_issue(declined, forum=loop.cfsn, by=loop.cfsn_facilitator, reason="No")
    client.force_login(loop.cfsn_facilitator)

    queue = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))
    home = client.get(reverse("home")).content.decode()

    assert _titles(queue.context["queue"]) == [
        "Waiting 000",
        "Waiting 001",
        "Left from a held meeting",
    ]
    assert _titles(queue.context["scheduled"]) == ["Scheduled 000"]
    assert '<span class="task-count">3</span> Issues waiting for triage' in home


def test_forums_to_triage_counts_what_the_queue_lists(loop):
    _waiting(loop.cfsn, 3)
    _scheduled(loop, 2)
    declined = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.decline_issue(
        declined, forum=loop.cfsn, by=loop.cfsn_facilitator, reason="Out of scope"
    )
    # An agenda item of a meeting that was held no longer counts as "coming".
    held = PracticeIssueFactory(origin_forum=loop.cfsn, title="Left from a held meeting")
    held_item = AgendaItemFactory(meeting__forum=loop.cfsn, meeting__status="completed")
    held.referrals.update(agenda_item=held_item)

    waiting = {forum.slug: forum.waiting for forum in forums_to_triage(loop.cfsn_facilitator)}

    assert waiting == {loop.cfsn.slug: 4}
    assert declined.referrals.get().left_at is not None


def test_queues_index_shows_each_forums_waiting_count(client, loop):
    _waiting(loop.cfsn, 2)
    client.force_login(loop.cfsn_facilitator)

    html = client.get(reverse("feedback:queues")).content.decode()

    assert "<span>2 waiting</span>" in html


# --- Patterns across regions (the State-wide Forum) ------------------------------------


def test_patterns_across_regions_count_per_area_with_the_top_three_systemic(loop, settings):
    settings.SYSTEMIC_REGION_THRESHOLD = 3
    housing = PracticeAreaFactory(name="Housing")
    disability = PracticeAreaFactory(name="Disability")
    spread = {"Five regions": 5, "Four regions": 4, "Three regions": 3, "Also three": 3}
    for title, regions in spread.items():
        _at_statewide(
            loop, PracticeIssueFactory(title=title, referral=False), area=housing, regions=regions
        )
    _at_statewide(
        loop, PracticeIssueFactory(title="Two regions", referral=False), area=housing, regions=2
    )
    _at_statewide(
        loop, PracticeIssueFactory(title="Local", referral=False), area=disability, regions=1
    )
    closed = PracticeIssueFactory(title="Closed", referral=False, status=IssueStatus.CLOSED)
    _at_statewide(loop, closed, area=disability, regions=4)

    patterns = patterns_across_regions(loop.statewide)

    assert [(p.name, p.open_count, p.systemic_count) for p in patterns] == [
        ("Housing", 5, 4),
        ("Disability", 1, 0),
    ]
    assert [i.title for i in patterns[0].top_systemic] == [
        "Five regions",
        "Four regions",
        "Also three",
    ]
    assert patterns[1].top_systemic == []


def test_statewide_queue_links_each_area_to_the_issue_list_of_the_forum(client, loop):
    housing = PracticeAreaFactory(name="Housing")
    _at_statewide(
        loop, PracticeIssueFactory(title="Shared intake", referral=False), area=housing, regions=3
    )
    client.force_login(loop.statewide_facilitator)

    html = client.get(reverse("feedback:forum-queue", args=["statewide"])).content.decode()

    issue_list = reverse("feedback:issue-list")
    link = f"{issue_list}?forum={loop.statewide.pk}&amp;practice_area={housing.pk}"
    assert f'<a href="{link}">Housing' in html
    assert "<td>1</td>" in html
    assert "Shared intake</a> · 3 regions" in html


# --- Queries stay flat -----------------------------------------------------------------


def _many(loop, size: int) -> None:
    area = PracticeAreaFactory()
    _waiting(loop.cfsn, size, area=area)
    _scheduled(loop, size)
    for n in range(size):
        issue = PracticeIssueFactory(title=f"State-wide {n}", referral=False)
        _at_statewide(loop, issue, area=PracticeAreaFactory(), regions=3)
        EndorsementFactory(issue=issue)


@pytest.mark.parametrize("size", [2, 60])
def test_queues_index_queries_do_not_grow(client, loop, size, django_assert_num_queries):
    _many(loop, size)
    client.force_login(loop.cfsn_facilitator)

    with django_assert_num_queries(5):
        response = client.get(reverse("feedback:queues"))

    assert [f.waiting for f in response.context["forums"]] == [size]


@pytest.mark.parametrize("size", [2, 60])
def test_cfsn_queue_queries_do_not_grow(client, loop, size, django_assert_num_queries):
    _many(loop, size)
    client.force_login(loop.cfsn_facilitator)

    with django_assert_num_queries(10):
        response = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))

    assert len(response.context["queue"]) == min(size, 25)
    assert len(response.context["scheduled"]) == min(size, 10)


@pytest.mark.parametrize("size", [2, 60])
def test_statewide_queue_with_patterns_queries_do_not_grow(
    client, loop, size, django_assert_num_queries
):
    _many(loop, size)
    client.force_login(loop.statewide_facilitator)

    with django_assert_num_queries(11):
        response = client.get(reverse("feedback:forum-queue", args=["statewide"]))

    assert len(response.context["queue"]) == min(size, 25)
    assert len(response.context["view"].patterns) == size


def test_statewide_queue_keeps_its_patterns_drawn_and_says_when_they_were_counted(
    client, loop, django_assert_num_queries
):
    housing = PracticeAreaFactory(name="Housing")
    _at_statewide(
        loop, PracticeIssueFactory(title="Shared intake", referral=False), area=housing, regions=3
    )
    client.force_login(loop.statewide_facilitator)
    url = reverse("feedback:forum-queue", args=["statewide"])
    client.get(url)
    _at_statewide(
        loop, PracticeIssueFactory(title="Later intake", referral=False), area=housing, regions=3
    )

    # What the menu shows is kept too: the practice areas led are not read again.
    with django_assert_num_queries(8):
        html = client.get(url).content.decode()

    assert "Shared intake</a> · 3 regions" in html
    assert "Later intake</a> · 3 regions" not in html
    assert "counted again at most every 2 minutes." in html


def test_queues_and_a_scheduled_issue_page_do_not_fetch_search_vectors(client, loop):
    """A stay's meeting is a coming agenda, whose stored vector runs to kilobytes; the queues
    and the issue page show the meeting without it, and their issues without theirs."""
    _many(loop, 3)
    scheduled = PracticeIssueFactory(origin_forum=loop.cfsn, title="On the agenda")
    routing.place_on_agenda(scheduled, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    client.force_login(loop.cfsn_facilitator)
    pages = [
        reverse("feedback:queues"),
        reverse("feedback:forum-queue", args=[loop.cfsn.slug]),
        scheduled.get_absolute_url(),
    ]

    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200, page
        assert "On the agenda" in response.content.decode() or page == pages[0]
        assert [q["sql"] for q in queries if "search_vector" in q["sql"]] == [], page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
def test_a_queue_and_an_issue_page_are_planned_once_not_on_every_visit(client, loop, settings):
    """Their queries read by keys and indexed orders: a connection plans each once and
    reuses the plan, instead of PostgreSQL planning them afresh on every visit. Drawn on
    every visit here: kept, their parts are drawn again after each change to the forum."""
    settings.DATABASE_KEPT_PLANS = True
    settings.PAGE_PARTS_CACHE_SECONDS = 0
    _many(loop, 3)
    scheduled = PracticeIssueFactory(origin_forum=loop.cfsn, title="On the agenda")
    routing.place_on_agenda(scheduled, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    client.force_login(loop.cfsn_facilitator)
    pages = [
        (reverse("feedback:forum-queue", args=[loop.cfsn.slug]), "feedback_referral"),
        (scheduled.get_absolute_url(), "feedback_issueevent"),
    ]

    for page, table in pages:
        before = plans_made(f'%"{table}"%')
        for _ in range(12):
            assert client.get(page).status_code == 200
        now = plans_made(f'%"{table}"%')
        generic, custom = now[0] - before[0], now[1] - before[1]

        assert custom == 0, (page, table)
        assert generic >= 5, (page, table)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
def test_a_later_page_of_a_queue_is_planned_for_its_forum(client, loop, settings):
    """Read past an OFFSET, whose best plan depends on how many wait at the forum."""
    settings.DATABASE_KEPT_PLANS = True
    _waiting(loop.cfsn, 30)
    client.force_login(loop.cfsn_facilitator)
    page = reverse("feedback:forum-queue", args=[loop.cfsn.slug])

    before = plans_made('%"feedback_referral"%')
    for _ in range(12):
        response = client.get(page, {"page": 2})
        assert response.status_code == 200
    now = plans_made('%"feedback_referral"%')

    # Nothing prepared, so no plan kept: each visit's queries are planned for the forum.
    assert now == before
    html = response.content.decode()
    assert "Waiting 029" in html
    assert "Waiting 000" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
def test_a_queues_scheduled_list_is_planned_for_its_forum(client, loop, settings):
    """How best to gather a forum's coming agenda items turns on how many it has: a plan
    kept for any forum looked each open stay's item up in turn. The waiting list keeps its
    plans. Drawn on every visit, as after each change to the forum."""
    settings.DATABASE_KEPT_PLANS = True
    settings.PAGE_PARTS_CACHE_SECONDS = 0
    _waiting(loop.cfsn, 2)
    _scheduled(loop, 12)
    client.force_login(loop.cfsn_facilitator)
    page = reverse("feedback:forum-queue", args=[loop.cfsn.slug])
    scheduled = '%INNER JOIN "forums_agendaitem"%"feedback_referral"."left_at" IS NULL%'
    waiting = '%NOT ("feedback_referral"."agenda_item_id" IN (SELECT%'

    for _ in range(12):
        response = client.get(page)
        assert response.status_code == 200

    # Nothing of the scheduled list is prepared, so each visit plans it for the forum.
    assert plans_made(scheduled) == (0, 0)
    assert plans_made(waiting)[0] >= 5
    assert _titles(response.context["scheduled"]) == [f"Scheduled {n:03d}" for n in range(10)]
    assert "Scheduled 011" not in response.content.decode()
