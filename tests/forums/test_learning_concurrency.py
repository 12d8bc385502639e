"""Two members taking a session's last place at once, through two real database
connections (PostgreSQL)."""

import pytest
from django.db import connection

from forums.choices import RegistrationStatus
from forums.models import Registration
from forums.services.learning import cancel_registration, register_for_session
from tests.concurrency import run_at_once
from tests.factories.forums import LearningSessionFactory, RegistrationFactory
from tests.factories.members import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)


@pytest.mark.django_db(transaction=True)
def test_register_for_session_last_place_taken_at_once_one_registered_one_waitlisted():
    session = LearningSessionFactory(capacity=2)
    RegistrationFactory(meeting=session)
    first, second = UserFactory(), UserFactory()

    outcomes = run_at_once(
        lambda: register_for_session(session, user=first),
        lambda: register_for_session(session, user=second),
    )

    assert sorted(o.status for o in outcomes) == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITLISTED,
    ]
    assert (
        Registration.objects.filter(meeting=session, status=RegistrationStatus.REGISTERED).count()
        == 2
    )


@pytest.mark.django_db(transaction=True)
def test_cancel_registration_while_another_registers_keeps_within_places():
    session = LearningSessionFactory(capacity=1)
    holder = RegistrationFactory(meeting=session).user
    waiting = UserFactory()
    register_for_session(session, user=waiting)
    newcomer = UserFactory()

    run_at_once(
        lambda: cancel_registration(session, user=holder),
        lambda: register_for_session(session, user=newcomer),
    )

    registered = set(
        Registration.objects.filter(
            meeting=session, status=RegistrationStatus.REGISTERED
        ).values_list("user", flat=True)
    )
    # The place that came free goes to whoever waited first: never to two people.
    assert registered == {waiting.pk}
