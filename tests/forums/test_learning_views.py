"""Learning session pages: the list, scheduling, the session page, registration buttons,
attendance and a member's record with its CSV download."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from forums.choices import MeetingKind, MeetingStatus, MembershipRole, RegistrationStatus
from forums.models import Attendance, Meeting, Registration
from practice.choices import GuidanceStatus
from practice.models import GuidanceItem
from tests.factories.forums import (
    ForumFactory,
    LearningSessionFactory,
    MeetingFactory,
    MembershipFactory,
    RegistrationFactory,
)
from tests.factories.members import UserFactory
from tests.factories.practice import GuidanceItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum():
    return ForumFactory(name="Northern CFSN", slug="northern-cfsn")


@pytest.fixture
def facilitator(forum):
    person = UserFactory(display_name="Frank")
    MembershipFactory(user=person, forum=forum, role=MembershipRole.FACILITATOR)
    return person


def _start(days: int):
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _session(forum, days=7, **kwargs):
    start = _start(days)
    return LearningSessionFactory(
        forum=forum, start=start, end=start + dt.timedelta(hours=2), **kwargs
    )


def _attended(forum, person, days, title, materials=()):
    session = _session(forum, days=days, title=title, status=MeetingStatus.COMPLETED)
    session.materials.set(materials)
    RegistrationFactory(meeting=session, user=person)
    Attendance.objects.create(meeting=session, user=person)
    return session


def test_session_list_shows_places_left_and_own_status(forum, member_client, member):
    full = _session(forum, days=3, capacity=1, title="Trauma-informed practice")
    RegistrationFactory(meeting=full)
    RegistrationFactory(meeting=full, user=member, status=RegistrationStatus.WAITLISTED)
    _session(forum, days=5, capacity=4, title="Working with fathers")

    response = member_client.get(reverse("forums:session-list"))

    rows = [
        (s.title, s.places_left, s.waitlisted_count, s.my_status)
        for s in response.context["sessions"]
    ]
    assert rows == [
        ("Trauma-informed practice", 0, 1, RegistrationStatus.WAITLISTED),
        ("Working with fathers", 4, 0, None),
    ]
    assert "Full" in response.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_session_list_query_count_is_fixed(
    forum, member_client, member, count, django_assert_num_queries
):
    guide = GuidanceItemFactory()
    for n in range(count):
        session = _session(forum, days=3 + n, capacity=2)
        RegistrationFactory(meeting=session)
        RegistrationFactory(meeting=session, user=member)
        _attended(forum, member, -10 - n, f"Past {n}", materials=[guide])

    with django_assert_num_queries(8):
        response = member_client.get(reverse("forums:session-list"))

    assert response.status_code == 200
    assert len(response.context["sessions"]) == count
    assert len(response.context["attended"]) == min(count, 5)


@pytest.mark.parametrize("count", [1, 6])
def test_my_learning_query_count_is_fixed(
    forum, member_client, member, count, django_assert_num_queries
):
    guide, tool = GuidanceItemFactory(), GuidanceItemFactory()
    for n in range(count):
        _attended(forum, member, -10 - n, f"Past {n}", materials=[guide, tool])

    with django_assert_num_queries(6):
        response = member_client.get(reverse("forums:my-learning"))

    assert len(response.context["records"]) == count


def test_my_learning_lists_sessions_newest_first_with_total_hours(forum, member_client, member):
    guide = GuidanceItemFactory(title="Safe and Together", version="2.1")
    _attended(forum, member, -40, "Working with fathers", materials=[guide])
    _attended(forum, member, -10, "Cultural safety")
    _attended(forum, UserFactory(), -5, "Not mine")

    response = member_client.get(reverse("forums:my-learning"))

    titles = [record.title for record in response.context["records"]]
    assert titles == ["Cultural safety", "Working with fathers"]
    assert str(response.context["total_hours"]) == "4.00"
    assert "2 sessions, 4.00 hours in all." in response.content.decode()


def test_my_learning_csv_streams_own_record(forum, member_client, member):
    guide = GuidanceItemFactory(title="=HYPERLINK(1)", version="1.0")
    session = _attended(forum, member, -40, "Working with fathers", materials=[guide])

    response = member_client.get(reverse("forums:my-learning-csv"))

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    day = timezone.localtime(session.start).date().isoformat()
    assert body.splitlines() == [
        "\ufeffDate,Session,Hosted by,Hours,Materials",
        f"{day},Working with fathers,Northern CFSN,2.00,'=HYPERLINK(1) (v1.0)",
    ]


def test_session_create_schedules_published_session(forum, facilitator, client):
    guide = GuidanceItemFactory(title="Safe and Together")
    client.force_login(facilitator)
    day = timezone.localdate() + dt.timedelta(days=10)

    response = client.post(
        reverse("forums:session-create", args=[forum.slug]),
        {
            "title": "Working with fathers",
            "date": day.isoformat(),
            "start_time": "10:00",
            "end_time": "12:30",
            "place": "Library room",
            "online_link": "",
            "capacity": "15",
            "description": "Engaging fathers who use violence.",
            "materials": [guide.pk],
            "publish": "1",
        },
    )

    session = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    assert (session.kind, session.capacity, session.status, session.duration_minutes) == (
        MeetingKind.LEARNING,
        15,
        MeetingStatus.PUBLISHED,
        150,
    )
    assert list(session.materials.all()) == [guide]


def test_session_create_without_places_shows_the_error(forum, facilitator, client):
    client.force_login(facilitator)
    day = timezone.localdate() + dt.timedelta(days=10)

    response = client.post(
        reverse("forums:session-create", args=[forum.slug]),
        {
            "title": "Working with fathers",
            "date": day.isoformat(),
            "start_time": "10:00",
            "end_time": "12:00",
            "place": "Library room",
            "capacity": "0",
            "publish": "1",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "Ensure this value is greater than or equal to 1."
    ]
    assert not Meeting.objects.exists()


def test_session_create_offers_only_current_library_items(forum, facilitator, client):
    current = GuidanceItemFactory(title="Current guide")
    GuidanceItemFactory(title="Old guide", status="superseded", superseded_by=current)
    client.force_login(facilitator)

    response = client.get(reverse("forums:session-create", args=[forum.slug]))

    offered = list(response.context["form"].fields["materials"].queryset)
    assert offered == [current]


def test_meeting_detail_session_shows_register_button_to_outsider(forum, member_client):
    session = _session(forum, capacity=3)
    RegistrationFactory(meeting=session)

    response = member_client.get(session.get_absolute_url())

    page = response.content.decode()
    assert "1 of 3 places taken, 2 left; 0 on the waiting list." in page
    assert reverse("forums:session-register", args=[session.pk]) in page
    assert "Who is coming" not in page


def test_meeting_detail_session_shows_waiting_list_position(forum, member_client, member):
    session = _session(forum, capacity=1)
    RegistrationFactory(meeting=session)
    RegistrationFactory(meeting=session, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(
        meeting=session,
        user=member,
        status=RegistrationStatus.WAITLISTED,
        status_at=timezone.now() + dt.timedelta(minutes=1),
    )

    response = member_client.get(session.get_absolute_url())

    page = response.content.decode()
    assert "You are number 2 on the waiting list." in page
    assert "Leave the waiting list" in page


def test_session_register_post_takes_place_then_cancel_frees_it(forum, member_client, member):
    session = _session(forum, capacity=1)

    first = member_client.post(reverse("forums:session-register", args=[session.pk]))
    registered = Registration.objects.get(user=member).status
    member_client.post(reverse("forums:session-cancel-registration", args=[session.pk]))

    assert first.status_code == 302
    assert first["Location"] == f"{session.get_absolute_url()}#registration-heading"
    assert registered == RegistrationStatus.REGISTERED
    assert Registration.objects.get(user=member).status == RegistrationStatus.CANCELLED


def test_session_register_post_on_forum_meeting_is_forbidden(forum, member_client):
    meeting = MeetingFactory(forum=forum)

    response = member_client.post(reverse("forums:session-register", args=[meeting.pk]))

    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_attendance_session_lists_registrants_with_status(forum, facilitator, client):
    session = _session(forum, capacity=1)
    came = UserFactory(display_name="Ada")
    waited = UserFactory(display_name="Bo")
    RegistrationFactory(meeting=session, user=came)
    RegistrationFactory(meeting=session, user=waited, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(meeting=session, status=RegistrationStatus.CANCELLED)
    client.force_login(facilitator)
    url = reverse("forums:attendance", args=[session.pk])

    with time_machine.travel(session.start + dt.timedelta(minutes=30), tick=False):
        page = client.get(url)
        client.post(url, {"attendees": [came.pk]})

    field = page.context["form"].fields["attendees"]
    assert [field.label_from_instance(user) for user in field.queryset] == [
        "Ada (registered)",
        "Bo (on the waiting list)",
    ]
    assert list(session.attendances.values_list("user", flat=True)) == [came.pk]


def test_session_details_keep_a_material_the_library_superseded_since(forum, facilitator, client):
    guide = GuidanceItemFactory(title="Safe and Together guide")
    session = _session(forum, capacity=20)
    session.materials.set([guide])
    GuidanceItem.objects.filter(pk=guide.pk).update(
        status=GuidanceStatus.SUPERSEDED,
        superseded_by=GuidanceItemFactory(title="Safe and Together guide, second edition"),
    )
    client.force_login(facilitator)
    url = reverse("forums:session-details", args=[session.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"capacity": "25", "materials": [guide.pk]})

    session.refresh_from_db()
    assert "Safe and Together guide (v1.0, superseded)" in page
    assert response.status_code == 302
    assert (session.capacity, list(session.materials.all())) == (25, [guide])


def test_session_details_more_places_saved(forum, facilitator, client):
    session = _session(forum, capacity=1)
    client.force_login(facilitator)

    response = client.post(reverse("forums:session-details", args=[session.pk]), {"capacity": "5"})

    session.refresh_from_db()
    assert response.status_code == 302
    assert session.capacity == 5
