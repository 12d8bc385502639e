"""Forum pages and feeds stay bounded as forums grow: pages of members, a window of
meetings, validators that answer 304, and query counts that do not grow."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from forums.choices import MeetingStatus, MembershipRole
from forums.selectors.agenda import AGENDA_PAGE_SIZE
from forums.services.learning import cancel_registration, register_for_session
from forums.services.meetings import cancel_meeting
from forums.services.minutes import publish_minutes, record_item_decision
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CalendarFeedFactory,
    DecisionFactory,
    ForumFactory,
    LearningSessionFactory,
    MeetingFactory,
    MembershipFactory,
    ResourceFactory,
    RsvpFactory,
)
from tests.factories.members import UserFactory
from tests.plans import plans_made, reads_of

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def meeting_on(forum, day: dt.date, **fields):
    return MeetingFactory(forum=forum, start=at(day), end=at(day, 12), **fields)


# --- Forum page: members and open actions are bounded ---------------------------------


def test_forum_page_shows_24_of_30_members_by_role_then_the_rest_on_page_two(member_client):
    forum = ForumFactory()
    MembershipFactory(
        forum=forum, role=MembershipRole.CHAIR, user=UserFactory(display_name="zed Chair")
    )
    for n in range(29):
        MembershipFactory(forum=forum, user=UserFactory(display_name=f"Member {n:02d}"))
    url = reverse("forums:forum-detail", args=[forum.slug])

    first = member_client.get(url)
    second = member_client.get(url, {"members_page": 2})

    roles = [(label, [str(m.user) for m in ms]) for label, ms in first.context["roles"]]
    assert roles == [
        ("Chair", ["zed Chair"]),
        ("Member", [f"Member {n:02d}" for n in range(23)]),
    ]
    names = [str(m.user) for _, ms in second.context["roles"] for m in ms]
    assert names == [f"Member {n:02d}" for n in range(23, 29)]
    html = first.content.decode()
    assert "30 members, 1 to 24 shown" in html
    assert '<a class="page-link" href="?members_page=2#members">Next page' in html


def test_forum_page_shows_the_20_soonest_due_of_25_open_actions(member_client, member):
    forum = ForumFactory()
    MembershipFactory(forum=forum, user=member)
    meeting = MeetingFactory(forum=forum)
    today = timezone.localdate()
    for n in range(25):
        ActionItemFactory(meeting=meeting, title=f"Task {n:02d}", due_date=today + dt.timedelta(n))

    response = member_client.get(reverse("forums:forum-detail", args=[forum.slug]))

    assert [a.title for a in response.context["open_actions"]] == [
        f"Task {n:02d}" for n in range(20)
    ]
    assert "The 20 due soonest of 25 open action items." in response.content.decode()


def test_forum_members_page_lists_50_members_a_page(client):
    forum = ForumFactory()
    facilitator = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    for _ in range(50):
        MembershipFactory(forum=forum)
    client.force_login(facilitator)
    url = reverse("forums:forum-members", args=[forum.slug])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert len(first.context["memberships"]) == 50
    assert len(second.context["memberships"]) == 1
    assert 'Current members <span class="text-body-secondary">(51)</span>' in (
        first.content.decode()
    )


# --- The subscription feed: a window, and validators -----------------------------------


def _feed_for_member_of(forum):
    member = MembershipFactory(forum=forum).user
    return CalendarFeedFactory(user=member)


def _uids(response) -> set[str]:
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_calendar_feed_carries_meetings_from_three_months_back_to_a_year_ahead(client):
    forum = ForumFactory(name="North")
    feed = _feed_for_member_of(forum)
    today = timezone.localdate()
    for title, days in {
        "Too old": -93,
        "Oldest shown": -92,
        "Last shown": 365,
        "Too far ahead": 366,
    }.items():
        meeting_on(forum, today + dt.timedelta(days=days), title=title)

    response = client.get(reverse("forums:calendar-feed", args=[feed.token]))

    calendar = Calendar.from_ical(response.content)
    assert _uids(response) == {"Oldest shown (North)", "Last shown (North)"}
    assert str(calendar["X-WR-CALDESC"]) == (
        "Meetings of your forums from 3 months ago to 12 months ahead."
    )


def test_calendar_feed_answers_304_to_its_etag(client):
    forum = ForumFactory()
    feed = _feed_for_member_of(forum)
    meeting_on(forum, timezone.localdate() + dt.timedelta(days=3))
    url = reverse("forums:calendar-feed", args=[feed.token])

    first = client.get(url)
    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})

    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-cache"
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]


def test_calendar_feed_joining_a_forum_brings_its_meetings_changed_long_before(client):
    forum, other = ForumFactory(), ForumFactory(name="Other")
    feed = _feed_for_member_of(forum)
    with time_machine.travel(timezone.now() - dt.timedelta(days=3)):
        meeting_on(other, timezone.localdate() + dt.timedelta(days=8), title="Long planned")
    meeting_on(forum, timezone.localdate() + dt.timedelta(days=5), title="Mine")
    url = reverse("forums:calendar-feed", args=[feed.token])
    before = client.get(url)

    MembershipFactory(user=feed.user, forum=other)
    # A client that keeps only a date asks by it: no date can say this feed changed.
    by_date = client.get(url, headers={"if-modified-since": "Sun, 01 Nov 2026 00:00:00 GMT"})
    by_etag = client.get(url, headers={"if-none-match": before["ETag"]})

    assert "Last-Modified" not in before
    assert by_date.status_code == 200
    assert by_etag.status_code == 200
    assert "Long planned (Other)" in _uids(by_etag)


def test_calendar_feed_renamed_forum_gives_a_new_etag_and_the_new_name(client):
    forum = ForumFactory(name="Northern CFSN")
    feed = _feed_for_member_of(forum)
    meeting_on(forum, timezone.localdate() + dt.timedelta(days=3), title="Planning")
    url = reverse("forums:calendar-feed", args=[feed.token])
    before = client.get(url)

    forum.name = "Far North CFSN"
    forum.save()
    after = client.get(url, headers={"if-none-match": before["ETag"]})
    unconditional = client.get(url)

    assert after.status_code == 200
    assert _uids(after) == {"Planning (Far North CFSN)"}
    assert _uids(unconditional) == {"Planning (Far North CFSN)"}


def test_calendar_feed_one_session_swapped_for_another_gives_a_new_etag(client):
    host = ForumFactory()
    feed = _feed_for_member_of(ForumFactory())
    # Both last changed at the same moment: the feed's count and latest change stay the same.
    with time_machine.travel(timezone.now() - dt.timedelta(days=3), tick=False):
        first = LearningSessionFactory(forum=host, title="Session one")
        second = LearningSessionFactory(forum=host, title="Session two")
    register_for_session(first, user=feed.user)
    url = reverse("forums:calendar-feed", args=[feed.token])
    before = client.get(url)

    cancel_registration(first, user=feed.user)
    register_for_session(second, user=feed.user)
    after = client.get(url, headers={"if-none-match": before["ETag"]})

    assert _uids(before) == {f"Session one ({host.name})"}
    assert after.status_code == 200
    assert _uids(after) == {f"Session two ({host.name})"}


def test_calendar_feed_changed_meeting_gives_a_new_etag_and_the_change(client):
    forum = ForumFactory(name="North")
    feed = _feed_for_member_of(forum)
    meeting = meeting_on(forum, timezone.localdate() + dt.timedelta(days=3), title="Planning")
    url = reverse("forums:calendar-feed", args=[feed.token])
    before = client.get(url)

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=2)):
        cancel_meeting(meeting, by=None)
    after = client.get(url, headers={"if-none-match": before["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    (event,) = Calendar.from_ical(after.content).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_calendar_feed_new_meeting_in_another_of_my_forums_gives_a_new_etag(client):
    forum = ForumFactory()
    feed = _feed_for_member_of(forum)
    url = reverse("forums:calendar-feed", args=[feed.token])
    before = client.get(url)

    other = MembershipFactory(user=feed.user).forum
    meeting_on(other, timezone.localdate() + dt.timedelta(days=5), title="New")
    after = client.get(url, headers={"if-none-match": before["ETag"]})

    assert after.status_code == 200
    assert _uids(after) == {f"New ({other.name})"}


def test_calendar_feed_leaving_a_forum_gives_a_new_etag_without_its_meetings(client):
    forum, other = ForumFactory(), ForumFactory(name="Other")
    feed = _feed_for_member_of(forum)
    membership = MembershipFactory(user=feed.user, forum=other)
    meeting_on(other, timezone.localdate() + dt.timedelta(days=5), title="Theirs")
    url = reverse("forums:calendar-feed", args=[feed.token])
    before = client.get(url)

    membership.delete()
    after = client.get(url, headers={"if-none-match": before["ETag"]})

    assert _uids(before) == {"Theirs (Other)"}
    assert after.status_code == 200
    assert _uids(after) == set()


def test_calendar_subscribe_page_says_which_meetings_the_feed_carries(member_client):
    html = member_client.get(reverse("forums:calendar-subscribe")).content.decode()

    assert "carries meetings from 3 months ago to 12 months ahead" in html


# --- Queries stay flat at two sizes ----------------------------------------------------


def _busy_forum(size: int, member):
    """A forum `size` times over: members, meetings either side of today, open actions,
    resources; the member belongs to it and to `size` other forums with meetings."""
    forum = MembershipFactory(user=member).forum
    today = timezone.localdate()
    for n in range(size):
        owner = MembershipFactory(forum=forum).user
        meeting_on(forum, today + dt.timedelta(days=n + 1))
        past = meeting_on(forum, today - dt.timedelta(days=n + 1), status=MeetingStatus.COMPLETED)
        ActionItemFactory(meeting=past, owner=owner)
        ResourceFactory(forum=forum)
        other = MembershipFactory(user=member).forum
        meeting_on(other, today + dt.timedelta(days=n + 2))
    return forum


def _busy_meeting(size: int, facilitator):
    forum = MembershipFactory(user=facilitator, role=MembershipRole.FACILITATOR).forum
    meeting = meeting_on(forum, timezone.localdate() - dt.timedelta(days=1))
    meeting.attendance_recorded_at = timezone.now()
    meeting.save(update_fields=["attendance_recorded_at"])
    for _ in range(size):
        item = AgendaItemFactory(meeting=meeting)
        DecisionFactory(agenda_item=item)
        ActionItemFactory(meeting=meeting, agenda_item=item)
        person = MembershipFactory(forum=forum).user
        RsvpFactory(meeting=meeting, user=person)
        AttendanceFactory(meeting=meeting, user=person)
        ResourceFactory(forum=forum, meeting=meeting)
    return meeting


@pytest.mark.parametrize("size", [2, 30])
def test_forum_page_queries_do_not_grow(member_client, member, size, django_assert_num_queries):
    forum = _busy_forum(size, member)

    with django_assert_num_queries(16):
        response = member_client.get(reverse("forums:forum-detail", args=[forum.slug]))

    assert response.context["members"].paginator.count == size + 1


@pytest.mark.parametrize("size", [2, 30])
@pytest.mark.parametrize(("name", "queries"), [("meeting-detail", 14), ("agenda-pack", 9)])
def test_meeting_page_and_agenda_pack_queries_do_not_grow(
    client, size, name, queries, django_assert_num_queries
):
    facilitator = UserFactory()
    meeting = _busy_meeting(size, facilitator)
    client.force_login(facilitator)

    with django_assert_num_queries(queries):
        response = client.get(reverse(f"forums:{name}", args=[meeting.pk]))

    assert response.status_code == 200
    assert response.content.decode().count("Agenda item") >= size


@pytest.mark.parametrize("size", [AGENDA_PAGE_SIZE + 5, 3 * AGENDA_PAGE_SIZE])
@pytest.mark.parametrize(("page", "queries"), [(1, 15), (2, 16)])
def test_meeting_page_of_a_long_agenda_reads_a_page_in_fixed_queries(
    client, size, page, queries, django_assert_num_queries
):
    facilitator = UserFactory()
    meeting = _busy_meeting(2, facilitator)
    for position in range(3, size + 1):
        DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting, position=position))
    client.force_login(facilitator)

    # Counted and its minutes summed in one aggregate; a later page also sums the minutes
    # of the items before it.
    with django_assert_num_queries(queries):
        response = client.get(reverse("forums:meeting-detail", args=[meeting.pk]), {"page": page})

    shown = min(AGENDA_PAGE_SIZE, size - (page - 1) * AGENDA_PAGE_SIZE)
    assert len(response.context["timed_agenda"]) == shown
    assert response.content.decode().count('class="decision"') == shown


@pytest.mark.parametrize("size", [AGENDA_PAGE_SIZE + 5, 3 * AGENDA_PAGE_SIZE])
def test_meeting_page_of_a_long_agenda_tells_its_minute_keeper_of_a_draft_in_fixed_queries(
    client, size, django_assert_num_queries
):
    facilitator = UserFactory()
    meeting = _busy_meeting(2, facilitator)
    for position in range(3, size + 1):
        DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting, position=position))
    publish_minutes(meeting, by=facilitator)
    last = meeting.agenda_items.order_by("-position", "-id").first()
    record_item_decision(last, by=facilitator, text="Added after publishing.")
    client.force_login(facilitator)

    # A long agenda's page, and the whole draft's notes and decisions as plain values.
    with django_assert_num_queries(17):
        response = client.get(reverse("forums:meeting-detail", args=[meeting.pk]))

    assert response.context["minutes"].is_draft is True
    assert len(response.context["minutes"].entries) == AGENDA_PAGE_SIZE


@pytest.mark.parametrize("size", [2, 30])
def test_calendar_month_queries_do_not_grow(member_client, member, size, django_assert_num_queries):
    _busy_forum(size, member)

    # The filter form is drawn once (two queries for its choices), then kept, as is what
    # the menu shows (the practice areas led are not read again); the stamp naming the
    # drawing is kept in the cache.
    with django_assert_num_queries(8):
        first = member_client.get(reverse("forums:calendar"))
    with django_assert_num_queries(5):
        again = member_client.get(reverse("forums:calendar"))

    assert first.status_code == again.status_code == 200
    assert again.content == first.content


@pytest.mark.parametrize("size", [2, 30])
@pytest.mark.parametrize("name", ["forums:meeting-list", "forums:my-meetings"])
def test_meeting_list_queries_do_not_grow(
    member_client, member, size, name, django_assert_num_queries
):
    _busy_forum(size, member)

    # The filter form is drawn once (two queries for its choices), then kept, as is what
    # the menu shows (the practice areas led are not read again); the stamp naming the
    # drawing is kept in the cache.
    with django_assert_num_queries(8):
        first = member_client.get(reverse(name))
    with django_assert_num_queries(5):
        again = member_client.get(reverse(name))

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    # Upcoming: one of its own forum's and one of another forum's for each step; a page is 20.
    assert len(again.context["meetings"]) == min(2 * size, 20)


@pytest.mark.parametrize("size", [2, 30])
def test_calendar_feed_queries_do_not_grow(client, member, size, django_assert_num_queries):
    _busy_forum(size, member)
    feed = CalendarFeedFactory(user=member)
    url = reverse("forums:calendar-feed", args=[feed.token])

    with django_assert_num_queries(4):
        first = client.get(url)
    with django_assert_num_queries(3):
        again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert len(Calendar.from_ical(first.content).walk("VEVENT")) == 3 * size
    assert again.status_code == 304


# --- Meetings are listed without their search vectors ----------------------------------


def test_pages_that_show_meetings_do_not_fetch_their_search_vectors(client, member):
    """A State-wide agenda's stored vector runs to kilobytes: pages that only show meetings
    leave it in the database, through the meetings' own queries and through relations."""
    forum = _busy_forum(3, member)
    meeting = _busy_meeting(3, member)
    ActionItemFactory(meeting=meeting, owner=member)
    client.force_login(member)
    pages = [
        reverse("home"),
        reverse("forums:forum-detail", args=[forum.slug]),
        reverse("forums:meeting-detail", args=[meeting.pk]),
        reverse("forums:agenda-pack", args=[meeting.pk]),
        reverse("forums:my-meetings"),
        reverse("forums:my-actions"),
        reverse("forums:calendar"),
    ]

    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200, page
        reading_vectors = [q["sql"] for q in queries if "search_vector" in q["sql"]]
        assert reading_vectors == [], page


# --- What a page reads does not grow with the meetings held --------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's counts of what its plans read"
)


def _hold(forum, meetings: int) -> list:
    """`meetings` held by the forum a month ago; analysed, as a live database would be."""
    day = timezone.localdate() - dt.timedelta(days=30)
    held = MeetingFactory.create_batch(
        meetings, forum=forum, status=MeetingStatus.COMPLETED, start=at(day), end=at(day, 12)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE forums_meeting")
    return held


def _meetings_read(client, url: str) -> int:
    with reads_of("forums_meeting") as reads:
        response = client.get(url)
    assert response.status_code == 200
    return reads.count


# Transactional: the statistics ANALYZE writes outlive a rolled-back test, and would mislead
# the planner in the tests after it; the flush after a transactional test clears them.
@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_forum_page_reads_a_few_of_four_hundred_meetings_held(client, settings):
    """On the plans the page keeps for any forum: its meetings to come, its latest held, and
    the meeting of each open action and resource shown; not the forum's whole history."""
    settings.DATABASE_KEPT_PLANS = True
    member = UserFactory()
    forum = MembershipFactory(user=member).forum
    for days in (1, 8, 15):
        meeting_on(forum, timezone.localdate() + dt.timedelta(days=days), title=f"In {days} days")
    held = _hold(forum, 400)
    ActionItemFactory(meeting=held[0], title="Follow up with schools")
    ResourceFactory(forum=forum, meeting=held[0], title="Referral pathway map")
    client.force_login(member)
    url = reverse("forums:forum-detail", args=[forum.slug])

    read = _meetings_read(client, url)

    page = client.get(url).content.decode()
    assert "In 15 days" in page
    assert "Follow up with schools" in page
    assert "Referral pathway map" in page
    assert read < 40


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["home", "forums:my-meetings", "forums:meeting-list"])
def test_meetings_to_come_are_read_without_four_hundred_held(client, name):
    member = UserFactory()
    forum = MembershipFactory(user=member).forum
    meeting_on(forum, timezone.localdate() + dt.timedelta(days=3), title="Coming up")
    _hold(forum, 200)
    _hold(ForumFactory(), 200)
    client.force_login(member)

    read = _meetings_read(client, reverse(name))

    assert "Coming up" in client.get(reverse(name)).content.decode()
    assert read < 40


@on_postgresql
@pytest.mark.parametrize("name", ["home", "forums:my-meetings", "forums:meeting-list"])
def test_meetings_to_come_are_planned_for_the_person_not_kept_for_anyone(client, name):
    """Which meetings are someone's depends on their forums: a plan kept for anyone's read
    every meeting to come in the state, so these are never prepared, however often the page
    is seen, while the page's other statements are."""
    member = UserFactory()
    forum = MembershipFactory(user=member).forum
    meeting_on(forum, timezone.localdate() + dt.timedelta(days=3), title="Coming up")
    client.force_login(member)
    meetings_before = plans_made('%FROM "forums_meeting"%')
    sessions_before = plans_made('%FROM "django_session"%')

    for _ in range(12):
        assert "Coming up" in client.get(reverse(name)).content.decode()

    assert plans_made('%FROM "forums_meeting"%') == meetings_before
    assert sum(plans_made('%FROM "django_session"%')) > sum(sessions_before)
