import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.choices import ForumEventKind, MembershipRole
from forums.exceptions import ForumActionRefused
from forums.models import Attendance, ForumEvent, Rsvp
from forums.services.membership import remove_member
from forums.services.rsvp import answer_rsvp, record_attendance
from tests.factories.forums import AttendanceFactory, MeetingFactory, MembershipFactory, RsvpFactory
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def started_meeting():
    start = timezone.now() - dt.timedelta(minutes=30)
    return MeetingFactory(start=start, end=start + dt.timedelta(hours=2))


def test_answer_rsvp_changed_answer_keeps_one_row(member):
    meeting = MeetingFactory()
    MembershipFactory(forum=meeting.forum, user=member)

    answer_rsvp(meeting, user=member, response="going")
    answer_rsvp(meeting, user=member, response="not_going")

    assert list(Rsvp.objects.values_list("user", "response")) == [(member.pk, "not_going")]
    assert ForumEvent.objects.filter(kind=ForumEventKind.RSVP_CHANGED).count() == 2


def test_answer_rsvp_by_non_member_is_refused(member):
    with pytest.raises(ForumActionRefused, match="Only members"):
        answer_rsvp(MeetingFactory(), user=member, response="going")


def test_meeting_rsvp_view_saves_answer_and_redirects(client, member):
    meeting = MeetingFactory()
    MembershipFactory(forum=meeting.forum, user=member)
    client.force_login(member)

    response = client.post(
        reverse("forums:meeting-rsvp", kwargs={"pk": meeting.pk}), {"response": "maybe"}
    )

    assert response.status_code == 302
    assert Rsvp.objects.get().response == "maybe"


def test_record_attendance_replaces_the_list_and_stamps_meeting(started_meeting):
    forum = started_meeting.forum
    facilitator = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    came, left = (MembershipFactory(forum=forum).user for _ in range(2))
    AttendanceFactory(meeting=started_meeting, user=left)

    record_attendance(started_meeting, by=facilitator, attendees=[came, facilitator])

    started_meeting.refresh_from_db()
    assert set(Attendance.objects.values_list("user", flat=True)) == {came.pk, facilitator.pk}
    assert started_meeting.attendance_recorded_at is not None


def test_record_attendance_before_start_is_refused(member):
    meeting = MeetingFactory()

    with pytest.raises(ForumActionRefused, match="once the meeting has started"):
        record_attendance(meeting, by=member, attendees=[])


def test_record_attendance_of_non_member_is_refused(started_meeting, member):
    with pytest.raises(ForumActionRefused, match="Only members"):
        record_attendance(started_meeting, by=member, attendees=[UserFactory()])


def test_attendance_view_lists_members_with_rsvp_and_records(client, started_meeting):
    forum = started_meeting.forum
    facilitator = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    priya = MembershipFactory(forum=forum, user=UserFactory(display_name="Priya")).user
    RsvpFactory(meeting=started_meeting, user=priya, response="going")
    client.force_login(facilitator)
    url = reverse("forums:attendance", kwargs={"pk": started_meeting.pk})

    html = client.get(url).content.decode()
    response = client.post(url, {"attendees": [priya.pk]})

    assert "Priya (RSVP: Going)" in html
    assert "<legend" in html
    assert response.status_code == 302
    assert list(Attendance.objects.values_list("user", flat=True)) == [priya.pk]


def test_attendance_corrected_after_someone_left_the_forum_still_offers_and_keeps_them(
    client, started_meeting
):
    forum = started_meeting.forum
    facilitator = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    ann = MembershipFactory(forum=forum, user=UserFactory(display_name="Ann")).user
    bo_membership = MembershipFactory(forum=forum, user=UserFactory(display_name="Bo"))
    bo = bo_membership.user
    late = MembershipFactory(forum=forum, user=UserFactory(display_name="Cy")).user
    record_attendance(started_meeting, by=facilitator, attendees=[ann, bo])
    remove_member(bo_membership, by=facilitator)
    client.force_login(facilitator)
    url = reverse("forums:attendance", kwargs={"pk": started_meeting.pk})

    page = client.get(url)
    offered = page.context["form"].fields["attendees"].queryset
    ticked = page.context["form"].initial["attendees"]
    # The facilitator adds the one they forgot, leaving the ticks as they were.
    client.post(url, {"attendees": [*ticked, late.pk]})

    assert bo in offered
    assert set(Attendance.objects.values_list("user", flat=True)) == {ann.pk, bo.pk, late.pk}
    client.post(url, {"attendees": [ann.pk, late.pk]})
    assert set(Attendance.objects.values_list("user", flat=True)) == {ann.pk, late.pk}


def test_attendance_view_before_start_reshows_form_with_message(client):
    meeting = MeetingFactory()
    facilitator = MembershipFactory(forum=meeting.forum, role=MembershipRole.FACILITATOR).user
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:attendance", kwargs={"pk": meeting.pk}), {"attendees": [facilitator.pk]}
    )

    assert response.status_code == 200
    assert "once the meeting has started" in response.content.decode()
    assert Attendance.objects.count() == 0
