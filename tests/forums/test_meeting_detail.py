import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.choices import MeetingStatus, MembershipRole
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
