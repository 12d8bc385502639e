import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from forums.choices import MembershipRole
from forums.models import Meeting
from forums.services.agenda import (
    add_agenda_item,
    change_agenda_item,
    publish_agenda,
    remove_agenda_item,
)
from forums.services.meetings import schedule_meetings, update_meeting
from forums.services.minutes import publish_minutes, record_minutes
from forums.services.search import refresh_meeting_search
from search.services import rebuild_search_vectors
from tests.factories.feedback import ConsultationFactory, PracticeIssueFactory
from tests.factories.forums import MeetingFactory, MembershipFactory
from tests.factories.practice import GuidanceItemFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stored vectors are kept on PostgreSQL only"
)


def words(vector) -> set[str]:
    """The lexemes of a stored vector, without positions and weights."""
    if not vector:
        return set()
    return {part.split(":")[0].strip("'") for part in vector.split()}


def weighted(vector) -> dict[str, str]:
    """Lexeme -> weight letter (D when PostgreSQL leaves it out)."""
    found = {}
    for part in (vector or "").split():
        lexeme, _, positions = part.partition(":")
        weight = positions[-1] if positions[-1:].isalpha() else "D"
        found[lexeme.strip("'")] = weight
    return found


@pytest.fixture
def facilitator(db):
    return MembershipFactory(role=MembershipRole.FACILITATOR).user


@pytest.fixture
def meeting(facilitator):
    forum = facilitator.memberships.get().forum
    return MeetingFactory(forum=forum, title="Winter meeting")


def vectors(meeting: Meeting) -> tuple:
    meeting.refresh_from_db(fields=["search_vector", "minutes_search_vector"])
    return meeting.search_vector, meeting.minutes_search_vector


@on_postgresql
def test_refresh_meeting_search_before_agenda_published_holds_title_only(meeting, facilitator):
    add_agenda_item(meeting, by=facilitator, title="Respite", description="Carers")

    refresh_meeting_search(meeting)

    search_vector, minutes_vector = vectors(meeting)
    assert weighted(search_vector) == {"winter": "A", "meet": "A"}
    assert minutes_vector is None


@on_postgresql
def test_publish_agenda_writes_item_titles_and_descriptions(meeting, facilitator):
    add_agenda_item(meeting, by=facilitator, title="Respite", description="Carers waiting")

    publish_agenda(meeting, by=facilitator)

    assert weighted(vectors(meeting)[0]) == {
        "winter": "A",
        "meet": "A",
        "respit": "B",
        "carer": "C",
        "wait": "C",
    }


@on_postgresql
def test_changing_a_published_agenda_rewrites_the_vector(meeting, facilitator):
    item = add_agenda_item(meeting, by=facilitator, title="Respite")
    publish_agenda(meeting, by=facilitator)
    added = add_agenda_item(meeting, by=facilitator, title="Interpreters")
    change_agenda_item(item, by=facilitator, title="Transport", kind=item.kind, minutes_allotted=10)

    remove_agenda_item(added, by=facilitator)

    assert words(vectors(meeting)[0]) == {"winter", "meet", "transport"}


@on_postgresql
def test_scheduling_and_changing_a_meeting_writes_its_title(facilitator):
    forum = facilitator.memberships.get().forum
    # Ten in the morning, so that the hour ends on the day it starts.
    start = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(10))
    )
    (meeting,) = schedule_meetings(
        forum,
        by=facilitator,
        title="Spring forum",
        spans=[(start, start + dt.timedelta(hours=1))],
        place="Hall",
    )
    assert words(vectors(meeting)[0]) == {"spring", "forum"}

    update_meeting(
        meeting,
        by=facilitator,
        title="Autumn forum",
        start=meeting.start,
        end=meeting.end,
        place="Hall",
    )

    assert words(vectors(meeting)[0]) == {"autumn", "forum"}


@on_postgresql
def test_publish_minutes_writes_the_published_revision_only(facilitator):
    forum = facilitator.memberships.get().forum
    start = timezone.now() - dt.timedelta(days=1)
    held = MeetingFactory(forum=forum, start=start, end=start + dt.timedelta(hours=1))
    item = add_agenda_item(held, by=facilitator, title="Carers")
    record_minutes(held, by=facilitator, notes={item.pk: "Respite"}, decisions={item.pk: "Write"})
    assert vectors(held)[1] is None

    publish_minutes(held, by=facilitator)
    record_minutes(held, by=facilitator, notes={item.pk: "Narwhal"}, decisions={item.pk: "Write"})

    assert words(vectors(held)[1]) == {"respit", "write"}


@on_postgresql
def test_rebuild_search_vectors_fills_every_kind(facilitator, meeting):
    PracticeIssueFactory(title="Respite")
    GuidanceItemFactory(title="Respite guide")
    ConsultationFactory(title="Respite consultation")
    Meeting.objects.update(search_vector=None)

    rebuilt = rebuild_search_vectors(batch_size=1)

    assert (rebuilt.issues, rebuilt.library_items, rebuilt.consultations) == (1, 1, 1)
    assert rebuilt.meetings == 1
    assert words(vectors(meeting)[0]) == {"winter", "meet"}


@on_postgresql
def test_update_search_vectors_command_says_what_it_rebuilt(meeting, capsys):
    call_command("update_search_vectors")

    assert capsys.readouterr().out == (
        "Rebuilt the search vectors of 0 issue(s), 0 library item(s), 0 consultation(s) "
        "and 1 meeting(s).\n"
    )


def test_update_search_vectors_writes_only_where_vectors_are_kept(meeting, capsys):
    kept = connection.vendor == "postgresql"

    call_command("update_search_vectors")

    assert f"and {int(kept)} meeting(s)." in capsys.readouterr().out
    assert (vectors(meeting)[0] is not None) == kept


def test_refresh_meeting_search_writes_only_where_vectors_are_kept(
    meeting, django_assert_num_queries
):
    # PostgreSQL keeps vectors and writes them in one statement; SQLite keeps none.
    kept = int(connection.vendor == "postgresql")

    with django_assert_num_queries(kept):
        assert refresh_meeting_search(meeting) == kept
