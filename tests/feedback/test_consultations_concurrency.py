"""Two publishes at once place a waiting consultation once (PostgreSQL row locks)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from feedback.services import consultations as services
from forums.choices import AgendaItemKind
from forums.models import AgendaItem
from tests.concurrency import run_at_once
from tests.factories.forums import MeetingFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)


@pytest.mark.django_db(transaction=True)
def test_place_waiting_consultations_run_twice_at_once_places_one_item(loop):
    consultation = services.open_consultation(
        loop.statewide,
        by=loop.statewide_facilitator,
        title="Intake",
        brief="How is intake going?",
        questions=["What works?"],
        closes_on=timezone.localdate() + dt.timedelta(days=30),
        forums=[loop.other_cfsn],
    )
    meeting = MeetingFactory(forum=loop.other_cfsn)

    outcomes = run_at_once(
        lambda: services.place_waiting_consultations(meeting),
        lambda: services.place_waiting_consultations(meeting),
    )

    assert sorted(outcomes) == [0, 1]
    target = consultation.targets.get()
    assert target.agenda_item.meeting == meeting
    assert AgendaItem.objects.filter(kind=AgendaItemKind.CONSULTATION).count() == 1


@pytest.mark.django_db(transaction=True)
def test_place_waiting_consultations_on_two_meetings_at_once_places_on_one(loop):
    consultation = services.open_consultation(
        loop.statewide,
        by=loop.statewide_facilitator,
        title="Intake",
        brief="How is intake going?",
        questions=["What works?"],
        closes_on=timezone.localdate() + dt.timedelta(days=30),
        forums=[loop.other_cfsn],
    )
    first = MeetingFactory(forum=loop.other_cfsn)
    second = MeetingFactory(
        forum=loop.other_cfsn,
        start=first.start + dt.timedelta(days=7),
        end=first.end + dt.timedelta(days=7),
    )

    outcomes = run_at_once(
        lambda: services.place_waiting_consultations(first),
        lambda: services.place_waiting_consultations(second),
    )

    assert sorted(outcomes) == [0, 1]
    assert consultation.targets.get().agenda_item is not None
    assert AgendaItem.objects.filter(kind=AgendaItemKind.CONSULTATION).count() == 1
