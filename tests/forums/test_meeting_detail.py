import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.choices import MeetingStatus, MembershipRole
from forums.selectors.agenda import AGENDA_PAGE_SIZE
from forums.services.agenda import move_to_later_meeting
from forums.services.minutes import publish_minutes, record_minutes
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    ResourceFactory,
    RsvpFactory,
)
from tests.factories.members import PracticeAreaFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(meeting) -> str:
    return reverse("forums:meeting-detail", kwargs={"pk": meeting.pk})


def _fill(meeting, size: int) -> None:
    for n in range(size):
        member = MembershipFactory(forum=meeting.forum).user
        item = AgendaItemFactory(meeting=meeting, presenter=f"Presenter {n}")
        DecisionFactory(agenda_item=item)
        ActionItemFactory(meeting=meeting, owner=member, agenda_item=item)
        RsvpFactory(meeting=meeting, user=member)
        resource = ResourceFactory(forum=meeting.forum, meeting=meeting)
        resource.practice_areas.add(PracticeAreaFactory())


@pytest.fixture
def meeting():
    return MeetingFactory(agenda_published_at=timezone.now())


@pytest.fixture
def facilitator(meeting):
    return MembershipFactory(forum=meeting.forum, role=MembershipRole.FACILITATOR).user


def test_meeting_detail_for_member_shows_details_agenda_and_rsvp_form(client, meeting):
    member = MembershipFactory(forum=meeting.forum).user
    AgendaItemFactory(meeting=meeting, title="Welcome", presenter="Chair", minutes_allotted=10)
    client.force_login(member)

    response = client.get(_url(meeting))

    assert response.status_code == 200
    html = response.content.decode()
    assert meeting.title in html
    assert "Welcome" in html
    assert "Chair" in html
    assert "Send my answer" in html
    assert "Facilitator tools" not in html


def test_meeting_detail_times_are_in_portal_time_zone(client, meeting):
    start = dt.datetime(2031, 3, 4, 9, 30, tzinfo=timezone.get_current_timezone())
    meeting.start, meeting.end = start, start + dt.timedelta(hours=1)
    meeting.save()
    client.force_login(MembershipFactory(forum=meeting.forum).user)

    html = client.get(_url(meeting)).content.decode()

    assert "Tuesday 4 March 2031" in html
    assert "9:30 a.m. to 10:30 a.m." in html


def test_meeting_detail_for_facilitator_shows_tools_and_rsvp_names(client, meeting, facilitator):
    going = UserFactory(display_name="Gina Going")
    MembershipFactory(forum=meeting.forum, user=going)
    RsvpFactory(meeting=meeting, user=going, response="going")
    client.force_login(facilitator)

    html = client.get(_url(meeting)).content.decode()

    assert "Facilitator tools" in html
    assert reverse("forums:agenda-edit", kwargs={"pk": meeting.pk}) in html
    assert "Gina Going" in html
    assert "Going: 1" in html


def test_meeting_detail_for_plain_member_shows_counts_without_names(client, meeting):
    going = UserFactory(display_name="Gina Going")
    MembershipFactory(forum=meeting.forum, user=going)
    RsvpFactory(meeting=meeting, user=going, response="going")
    client.force_login(MembershipFactory(forum=meeting.forum).user)

    html = client.get(_url(meeting)).content.decode()

    assert "Going: 1" in html
    assert "Gina Going" not in html


def test_meeting_detail_unpublished_agenda_hidden_from_members(client):
    meeting = MeetingFactory(agenda_published_at=None)
    AgendaItemFactory(meeting=meeting, title="Secret draft item")
    client.force_login(MembershipFactory(forum=meeting.forum).user)

    html = client.get(_url(meeting)).content.decode()

    assert "Secret draft item" not in html
    assert "The agenda has not been published yet." in html


def test_meeting_detail_minutes_shown_to_non_member_only_once_published(client, meeting):
    item = AgendaItemFactory(meeting=meeting, notes="We talked about referrals.")
    DecisionFactory(agenda_item=item, text="Adopt the new referral form.")
    client.force_login(UserFactory())

    before = client.get(_url(meeting)).content.decode()
    meeting.minutes_published_at = timezone.now()
    meeting.save()
    after = client.get(_url(meeting)).content.decode()

    assert "Adopt the new referral form." not in before
    assert "Adopt the new referral form." in after
    assert "We talked about referrals." in after


def test_meeting_detail_draft_meeting_is_403_for_member(client):
    meeting = MeetingFactory(status=MeetingStatus.DRAFT)
    client.force_login(MembershipFactory(forum=meeting.forum).user)

    assert client.get(_url(meeting)).status_code == 403


@pytest.mark.parametrize("size", [1, 6])
def test_meeting_detail_query_count_is_fixed_whatever_the_rows(
    client, django_assert_max_num_queries, meeting, facilitator, size
):
    _fill(meeting, size)
    meeting.minutes_published_at = timezone.now()
    meeting.attendance_recorded_at = timezone.now()
    meeting.save()
    client.force_login(facilitator)

    with django_assert_max_num_queries(17):
        response = client.get(_url(meeting))

    assert response.status_code == 200
    assert response.content.decode().count("Decision:") == size


# --- A long agenda, a page at a time ------------------------------------------------------


def _long_agenda(meeting, extra: int = 3) -> list:
    return [
        AgendaItemFactory(meeting=meeting, position=n, title=f"Item {n}", minutes_allotted=5)
        for n in range(1, AGENDA_PAGE_SIZE + extra + 1)
    ]


def _lists(html: str, title: str) -> bool:
    return re.search(rf">\s*{title}\s*<", html) is not None


def test_meeting_detail_long_agenda_shows_a_page_of_items_timed_from_the_start(client, meeting):
    start = dt.datetime(2031, 3, 4, 9, 0, tzinfo=timezone.get_current_timezone())
    meeting.start, meeting.end = start, start + dt.timedelta(hours=2)
    meeting.save()
    _long_agenda(meeting)
    client.force_login(MembershipFactory(forum=meeting.forum).user)

    first = client.get(_url(meeting)).content.decode()
    second = client.get(_url(meeting), {"page": 2}).content.decode()

    assert "Agenda, items 1 to 50 of 53; the whole agenda has 265 of 120 minutes allotted" in first
    assert _lists(first, "Item 50")
    assert not _lists(first, "Item 51")
    assert '<nav aria-label="Pages of agenda items">' in first
    assert 'href="?page=2#agenda-heading"' in first
    assert "Page 1 of 2" in first
    assert (
        "Agenda, items 51 to 53 of 53; the whole agenda has 265 of 120 minutes allotted" in second
    )
    assert not _lists(second, "Item 50")
    # 50 items of 5 minutes come before it.
    assert re.search(r"<td>51</td>\s*<td>1:10 p.m.</td>\s*<th scope=\"row\">\s*Item 51", second)


def test_meeting_detail_long_agenda_reads_the_minutes_of_its_page_and_tells_of_a_change_elsewhere(
    client,
):
    forum = MembershipFactory().forum
    facilitator = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    practitioner = MembershipFactory(forum=forum).user
    start = timezone.localtime().replace(microsecond=0) - dt.timedelta(days=2)
    held = MeetingFactory(forum=forum, start=start, end=start + dt.timedelta(hours=2))
    items = _long_agenda(held)
    early, late = items[1], items[51]
    record_minutes(
        held,
        by=facilitator,
        notes={},
        decisions={early.pk: "Keep the intake form.", late.pk: "Write to the department."},
    )
    publish_minutes(held, by=facilitator)
    record_minutes(
        held,
        by=facilitator,
        notes={},
        decisions={early.pk: "Keep the intake form.", late.pk: "Meet the department."},
    )

    client.force_login(practitioner)
    member_first = client.get(_url(held)).content.decode()
    member_second = client.get(_url(held), {"page": 2}).content.decode()
    client.force_login(facilitator)
    keeper_first = client.get(_url(held)).content.decode()

    assert "Keep the intake form." in member_first
    assert "Write to the department." not in member_first
    assert "The minutes of agenda items 1 to 50 of 53." in member_first
    assert '<nav aria-label="Pages of the minutes">' in member_first
    assert 'href="?page=2#minutes-heading"' in member_first
    assert "Write to the department." in member_second
    assert "Keep the intake form." not in member_second
    assert '<h3 class="h5">52. Item 52</h3>' in member_second
    # The change is on the second page; the first still says the draft is not published.
    assert "You are reading the draft" in keeper_first
    assert "Meet the department." not in keeper_first


def test_meeting_detail_long_agenda_minutes_as_published_are_not_called_a_draft(client):
    forum = MembershipFactory().forum
    facilitator = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    start = timezone.localtime().replace(microsecond=0) - dt.timedelta(days=2)
    held = MeetingFactory(forum=forum, start=start, end=start + dt.timedelta(hours=2))
    items = _long_agenda(held)
    record_minutes(
        held,
        by=facilitator,
        notes={items[0].pk: "Welcomed everyone.", items[51].pk: "Two views."},
        decisions={items[51].pk: "Write to the department.", items[52].pk: "Meet again."},
    )
    publish_minutes(held, by=facilitator)
    client.force_login(facilitator)

    first = client.get(_url(held)).content.decode()

    assert "Welcomed everyone." in first
    assert "You are reading the draft" not in first


def test_meeting_detail_published_minutes_numbered_past_todays_agenda_stay_on_its_last_page(
    client,
):
    forum = MembershipFactory().forum
    facilitator = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    start = timezone.localtime().replace(microsecond=0) - dt.timedelta(hours=1)
    meeting = MeetingFactory(
        forum=forum,
        start=start,
        end=start + dt.timedelta(hours=2),
        status=MeetingStatus.PUBLISHED,
        agenda_published_at=timezone.now(),
    )
    items = _long_agenda(meeting)
    record_minutes(meeting, by=facilitator, notes={}, decisions={items[-1].pk: "Last word."})
    publish_minutes(meeting, by=facilitator)
    # An item the meeting did not reach moves on once its minutes are out.
    later = MeetingFactory(forum=forum, start=start + dt.timedelta(days=28))
    move_to_later_meeting(items[0], meeting=later, by=facilitator)
    client.force_login(MembershipFactory(forum=forum).user)

    last = client.get(_url(meeting), {"page": 2}).content.decode()

    assert "The minutes of agenda items 51 to 53 of 53." in last
    assert '<h3 class="h5">53. Item 53</h3>' in last
    assert "Last word." in last
