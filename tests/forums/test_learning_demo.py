"""The demo holds learning sessions: one held with attendance, one full with a waiting list,
one with places left; and the demo practitioner has a learning record."""

import pytest
from django.core.management import call_command
from django.db import transaction

from forums.choices import MeetingKind, MeetingStatus, RegistrationStatus
from forums.models import Meeting, Registration
from forums.selectors.learning import learning_record, upcoming_sessions
from members.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def test_seed_demo_held_session_gives_the_practitioner_a_record(seeded):
    practitioner = User.objects.get(email="practitioner@example.org")

    [record] = learning_record(practitioner)

    assert record.title == "Trauma-informed practice with families"
    assert record.forum == "State-wide Practitioner Forum"
    assert str(record.hours) == "3.00"
    assert record.meeting.status == MeetingStatus.COMPLETED


def test_seed_demo_upcoming_sessions_one_full_with_waiting_list_one_with_places(seeded):
    practitioner = User.objects.get(email="practitioner@example.org")

    rows = [
        (s.title, s.places_left, s.waitlisted_count, s.my_status)
        for s in upcoming_sessions(practitioner)
    ]

    assert rows == [
        ("Safe and Together: keeping the focus on the person using violence", 0, 2, None),
        ("Cultural safety in everyday practice", 23, 0, RegistrationStatus.REGISTERED),
    ]


def test_seed_demo_sessions_hand_out_library_materials(seeded):
    sessions = Meeting.objects.filter(kind=MeetingKind.LEARNING)

    assert sessions.count() == 3
    assert all(session.materials.exists() for session in sessions)


def test_seed_demo_run_again_adds_no_sessions_or_registrations(seeded):
    before = (Meeting.objects.count(), Registration.objects.count())

    call_command("seed_demo", verbosity=0)

    assert (Meeting.objects.count(), Registration.objects.count()) == before
