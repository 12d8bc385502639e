"""Learning sessions: scheduling, registration, the waiting list, attendance and records."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from forums.choices import (
    AgendaItemKind,
    ForumEventKind,
    MeetingKind,
    MeetingStatus,
    MembershipRole,
    RegistrationStatus,
)
from forums.exceptions import ForumActionRefused
from forums.models import ForumEvent, Meeting, Registration
from forums.personal_data import registrations
from forums.selectors.learning import (
    learning_record,
    my_upcoming_sessions,
    session_places,
    upcoming_sessions,
)
from forums.selectors.meetings import feed_meetings, meetings_for
from forums.services.learning import (
    cancel_registration,
    change_session_details,
    register_for_session,
    schedule_learning_session,
)
from forums.services.meetings import cancel_meeting, send_due_reminders
from forums.services.rsvp import record_attendance
from members.choices import NotificationKind
from members.models import Notification
from members.services import deactivate_account
from tests.factories.forums import (
    ForumFactory,
    LearningSessionFactory,
    MeetingFactory,
    MembershipFactory,
    RegistrationFactory,
)
from tests.factories.members import UserFactory
from tests.factories.practice import GuidanceItemFactory


@pytest.fixture
def forum(db):
    return ForumFactory(name="Northern CFSN", slug="northern-cfsn")


@pytest.fixture
def facilitator(forum):
    person = UserFactory(display_name="Frank")
    MembershipFactory(user=person, forum=forum, role=MembershipRole.FACILITATOR)
    return person


def _start(days: int = 7):
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _session(forum, capacity=2, **kwargs):
    start = kwargs.pop("start", _start())
    return LearningSessionFactory(
        forum=forum, start=start, end=start + dt.timedelta(hours=2), capacity=capacity, **kwargs
    )


# --- scheduling ------------------------------------------------------------------------


def test_schedule_learning_session_published_with_content_and_materials(forum, facilitator):
    guide = GuidanceItemFactory(title="Safe and Together")

    session = schedule_learning_session(
        forum,
        by=facilitator,
        title="Working with fathers",
        start=_start(),
        end=_start() + dt.timedelta(hours=3),
        capacity=12,
        place="Library room",
        description="Engaging fathers who use violence.",
        materials=[guide],
        publish=True,
    )

    assert (session.kind, session.capacity, session.status) == (
        MeetingKind.LEARNING,
        12,
        MeetingStatus.PUBLISHED,
    )
    assert list(session.materials.all()) == [guide]
    item = session.agenda_items.get()
    assert (item.kind, item.description, item.minutes_allotted) == (
        AgendaItemKind.SESSION,
        "Engaging fathers who use violence.",
        180,
    )
    assert ForumEvent.objects.get(meeting=session).kind == ForumEventKind.MEETING_SCHEDULED


def test_schedule_learning_session_without_places_is_refused(forum, facilitator):
    with pytest.raises(ForumActionRefused, match="at least one place"):
        schedule_learning_session(
            forum,
            by=facilitator,
            title="Working with fathers",
            start=_start(),
            end=_start() + dt.timedelta(hours=1),
            capacity=0,
            online_link="https://meet.example.org/x",
        )


def test_schedule_learning_session_starting_in_the_past_is_refused(forum, facilitator):
    two_days_ago = timezone.localdate() - dt.timedelta(days=2)
    start = timezone.make_aware(dt.datetime.combine(two_days_ago, dt.time(10)))

    with pytest.raises(ForumActionRefused, match="cannot start in the past"):
        schedule_learning_session(
            forum,
            by=facilitator,
            title="Working with fathers",
            start=start,
            end=start + dt.timedelta(hours=1),
            capacity=20,
            online_link="https://meet.example.org/x",
            publish=True,
        )

    assert not Meeting.objects.exists()


def test_schedule_learning_session_ending_the_next_day_is_refused(forum, facilitator):
    with pytest.raises(ForumActionRefused, match="must end on the day it starts"):
        schedule_learning_session(
            forum,
            by=facilitator,
            title="Working with fathers",
            start=_start(),
            end=_start() + dt.timedelta(days=1),
            capacity=20,
            online_link="https://meet.example.org/x",
        )

    assert not Meeting.objects.exists()


def test_schedule_learning_session_draft_has_no_agenda_without_description(forum, facilitator):
    session = schedule_learning_session(
        forum,
        by=facilitator,
        title="Working with fathers",
        start=_start(),
        end=_start() + dt.timedelta(hours=1),
        capacity=5,
        online_link="https://meet.example.org/x",
    )

    assert session.status == MeetingStatus.DRAFT
    assert session.agenda_items.count() == 0


# --- registration ------------------------------------------------------------------------


def test_register_for_session_while_places_remain_takes_a_place(forum):
    session = _session(forum, capacity=2)
    outsider = UserFactory()

    registration = register_for_session(session, user=outsider)

    assert registration.status == RegistrationStatus.REGISTERED


def test_register_for_session_full_joins_waiting_list(forum):
    session = _session(forum, capacity=2)
    register_for_session(session, user=UserFactory())
    register_for_session(session, user=UserFactory())

    third = register_for_session(session, user=UserFactory())

    assert third.status == RegistrationStatus.WAITLISTED


def test_register_for_session_twice_is_refused(forum):
    session = _session(forum)
    person = UserFactory()
    register_for_session(session, user=person)

    with pytest.raises(ForumActionRefused, match="already registered"):
        register_for_session(session, user=person)


def test_register_for_session_after_start_is_refused(forum):
    session = _session(forum)

    with (
        time_machine.travel(session.start + dt.timedelta(minutes=1), tick=False),
        pytest.raises(ForumActionRefused, match="Registration closed"),
    ):
        register_for_session(session, user=UserFactory())


def test_register_for_session_draft_is_refused(forum):
    session = _session(forum, status=MeetingStatus.DRAFT)

    with pytest.raises(ForumActionRefused, match="only for a published session"):
        register_for_session(session, user=UserFactory())


def test_register_for_session_forum_meeting_is_refused(forum):
    meeting = MeetingFactory(forum=forum)

    with pytest.raises(ForumActionRefused, match="not a learning session"):
        register_for_session(meeting, user=UserFactory())


def test_cancel_registration_place_goes_to_first_waitlisted_who_is_told(forum):
    session = _session(forum, capacity=1)
    holder, first, second = UserFactory(), UserFactory(), UserFactory()
    register_for_session(session, user=holder)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        register_for_session(session, user=first)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        register_for_session(session, user=second)

    cancel_registration(session, user=holder)

    statuses = dict(Registration.objects.filter(meeting=session).values_list("user", "status"))
    assert statuses == {
        holder.pk: RegistrationStatus.CANCELLED,
        first.pk: RegistrationStatus.REGISTERED,
        second.pk: RegistrationStatus.WAITLISTED,
    }
    notice = Notification.objects.get(recipient=first)
    assert notice.kind == NotificationKind.PRACTICE
    assert notice.subject == f"You have a place: {session.title}"
    assert not Notification.objects.filter(recipient=second).exists()


def test_member_who_leaves_gives_their_place_to_the_first_waiting_who_is_told(forum):
    session = _session(forum, capacity=1)
    held = _session(forum, capacity=1, start=_start(days=-7))
    holder, waiting = UserFactory(), UserFactory()
    register_for_session(session, user=holder)
    RegistrationFactory(meeting=held, user=holder)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        register_for_session(session, user=waiting)

    deactivate_account(holder, by=holder)

    statuses = dict(Registration.objects.filter(meeting=session).values_list("user", "status"))
    assert statuses == {
        holder.pk: RegistrationStatus.CANCELLED,
        waiting.pk: RegistrationStatus.REGISTERED,
    }
    assert Notification.objects.filter(
        recipient=waiting, subject=f"You have a place: {session.title}"
    ).exists()
    # A session already held keeps its record of who had a place.
    assert held.registrations.get().status == RegistrationStatus.REGISTERED


def test_a_place_that_comes_free_passes_over_someone_waiting_who_has_left(forum):
    session = _session(forum, capacity=1)
    holder, left, next_in_line = UserFactory(), UserFactory(), UserFactory()
    register_for_session(session, user=holder)
    for minutes, person in ((1, left), (2, next_in_line)):
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes)):
            register_for_session(session, user=person)
    type(left).objects.filter(pk=left.pk).update(is_active=False)

    cancel_registration(session, user=holder)

    statuses = dict(Registration.objects.filter(meeting=session).values_list("user", "status"))
    assert statuses[next_in_line.pk] == RegistrationStatus.REGISTERED
    assert statuses[left.pk] == RegistrationStatus.WAITLISTED


def test_cancel_registration_from_waiting_list_promotes_no_one(forum):
    session = _session(forum, capacity=1)
    holder, waiting = UserFactory(), UserFactory()
    register_for_session(session, user=holder)
    register_for_session(session, user=waiting)

    cancel_registration(session, user=waiting)

    assert session_places(session, holder).registered == 1
    assert Notification.objects.count() == 0


def test_register_for_session_after_cancelling_goes_to_the_back(forum):
    session = _session(forum, capacity=1)
    holder, person, other = UserFactory(), UserFactory(), UserFactory()
    register_for_session(session, user=holder)
    register_for_session(session, user=person)
    cancel_registration(session, user=person)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        register_for_session(session, user=other)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        again = register_for_session(session, user=person)

    assert again.status == RegistrationStatus.WAITLISTED
    assert session_places(session, person).my_position == 2
    assert session_places(session, other).my_position == 1


def test_cancel_registration_without_one_is_refused(forum):
    session = _session(forum)

    with pytest.raises(ForumActionRefused, match="not registered"):
        cancel_registration(session, user=UserFactory())


def test_cancel_registration_after_start_is_refused(forum):
    session = _session(forum)
    person = UserFactory()
    register_for_session(session, user=person)

    with (
        time_machine.travel(session.start + dt.timedelta(minutes=5), tick=False),
        pytest.raises(ForumActionRefused, match="has started"),
    ):
        cancel_registration(session, user=person)


def test_change_session_details_more_places_promote_the_waiting_list(forum, facilitator):
    session = _session(forum, capacity=1)
    register_for_session(session, user=UserFactory())
    waiting = UserFactory()
    register_for_session(session, user=waiting)

    change_session_details(session, by=facilitator, capacity=2, materials=[])

    assert Registration.objects.get(user=waiting).status == RegistrationStatus.REGISTERED
    assert Notification.objects.filter(recipient=waiting).count() == 1


def test_change_session_details_fewer_places_than_taken_is_refused(forum, facilitator):
    session = _session(forum, capacity=2)
    register_for_session(session, user=UserFactory())
    register_for_session(session, user=UserFactory())

    with pytest.raises(ForumActionRefused, match="2 people already hold places"):
        change_session_details(session, by=facilitator, capacity=1, materials=[])


def test_cancel_meeting_learning_session_tells_registrants_not_forum(forum, facilitator):
    session = _session(forum)
    member = UserFactory()
    MembershipFactory(user=member, forum=forum)
    registrant = UserFactory()
    register_for_session(session, user=registrant)

    cancel_meeting(session, by=facilitator)

    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (registrant.pk, NotificationKind.PRACTICE)
    ]


# --- attendance ------------------------------------------------------------------------


def test_record_attendance_learning_session_takes_registrants(forum, facilitator):
    session = _session(forum, capacity=1)
    came, waited = UserFactory(), UserFactory()
    register_for_session(session, user=came)
    register_for_session(session, user=waited)

    with time_machine.travel(session.start + dt.timedelta(minutes=30), tick=False):
        record_attendance(session, by=facilitator, attendees=[came, waited])

    assert set(session.attendances.values_list("user", flat=True)) == {came.pk, waited.pk}


def test_record_attendance_learning_session_stranger_is_refused(forum, facilitator):
    session = _session(forum)

    with (
        time_machine.travel(session.start + dt.timedelta(minutes=30), tick=False),
        pytest.raises(ForumActionRefused, match="registered or on the waiting list"),
    ):
        record_attendance(session, by=facilitator, attendees=[facilitator])


# --- reads ------------------------------------------------------------------------------


def test_upcoming_sessions_soonest_first_with_places_and_own_status(forum):
    later = _session(forum, capacity=3, start=_start(14))
    sooner = _session(forum, capacity=1, start=_start(3))
    MeetingFactory(forum=forum, start=_start(2), end=_start(2) + dt.timedelta(hours=1))
    _session(forum, status=MeetingStatus.DRAFT, start=_start(4))
    person = UserFactory()
    register_for_session(sooner, user=UserFactory())
    register_for_session(sooner, user=person)

    rows = [
        (s.pk, s.registered_count, s.waitlisted_count, s.places_left, s.my_status)
        for s in upcoming_sessions(person)
    ]

    assert rows == [
        (sooner.pk, 1, 1, 0, RegistrationStatus.WAITLISTED),
        (later.pk, 0, 0, 3, None),
    ]


def test_meetings_for_includes_sessions_with_a_place_only(forum):
    person = UserFactory()
    MembershipFactory(user=person, forum=forum)
    meeting = MeetingFactory(forum=forum, start=_start(2), end=_start(2) + dt.timedelta(hours=1))
    placed = _session(forum, capacity=1, start=_start(3))
    waiting = _session(forum, capacity=1, start=_start(4))
    _session(forum, start=_start(5))
    register_for_session(placed, user=person)
    register_for_session(waiting, user=UserFactory())
    register_for_session(waiting, user=person)

    assert list(meetings_for(person).order_by("start")) == [meeting, placed]
    assert list(feed_meetings(person)) == [meeting, placed]
    assert list(my_upcoming_sessions(person)) == [placed, waiting]


def test_meetings_for_facilitator_includes_hosted_sessions(forum, facilitator):
    hosted = _session(forum)

    assert list(meetings_for(facilitator)) == [hosted]


def test_learning_record_lists_attended_sessions_with_hours_and_materials(forum):
    person = UserFactory()
    guide = GuidanceItemFactory(title="Safe and Together", version="2.1")
    start = _start(-30)
    past = _session(forum, start=start, title="Working with fathers")
    past.end = start + dt.timedelta(minutes=90)
    past.save(update_fields=["end"])
    past.materials.set([guide])
    RegistrationFactory(meeting=past, user=person)
    past.attendances.create(user=person)
    forum_meeting = MeetingFactory(
        forum=forum, start=_start(-10), end=_start(-10) + dt.timedelta(hours=1)
    )
    forum_meeting.attendances.create(user=person)

    [record] = learning_record(person)

    assert (record.title, record.forum, record.hours, record.materials_text) == (
        "Working with fathers",
        "Northern CFSN",
        Decimal("1.50"),
        "Safe and Together (v2.1)",
    )
    assert record.date == start.date()


def test_send_due_reminders_learning_session_reminds_registrants_only(forum):
    session = _session(forum, start=timezone.now() + dt.timedelta(hours=20))
    member = UserFactory()
    MembershipFactory(user=member, forum=forum)
    registrant = UserFactory()
    RegistrationFactory(meeting=session, user=registrant)
    RegistrationFactory(meeting=session, user=UserFactory(), status=RegistrationStatus.WAITLISTED)

    sent = send_due_reminders()

    assert sent == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [registrant.pk]


# --- permissions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("perm", "expected"),
    [
        # outsider, forum member, facilitator of the host forum
        ("forums.view_meeting", (True, True, True)),
        ("forums.add_registration", (True, True, True)),
        ("forums.cancel_registration", (True, True, True)),
        ("forums.rsvp_meeting", (False, False, False)),
        ("forums.change_session", (False, False, True)),
        ("forums.record_attendance", (False, False, True)),
    ],
)
def test_session_permissions_by_role(forum, facilitator, perm, expected):
    session = _session(forum)
    member = UserFactory()
    MembershipFactory(user=member, forum=forum)

    found = tuple(person.has_perm(perm, session) for person in (UserFactory(), member, facilitator))

    assert found == expected


def test_add_registration_draft_session_is_refused_to_outsider(forum):
    session = _session(forum, status=MeetingStatus.DRAFT)

    assert not UserFactory().has_perm("forums.add_registration", session)


def test_change_session_forum_meeting_is_refused_to_facilitator(forum, facilitator):
    meeting = MeetingFactory(forum=forum)

    assert not facilitator.has_perm("forums.change_session", meeting)
    assert facilitator.has_perm("forums.change_meeting", meeting)


def test_personal_data_lists_session_registrations(forum):
    session = _session(forum, title="Working with fathers")
    person = UserFactory()
    register_for_session(session, user=person)

    [row] = registrations(person)

    assert (row["session"], row["forum"], row["status"]) == (
        "Working with fathers",
        "Northern CFSN",
        "Registered",
    )
