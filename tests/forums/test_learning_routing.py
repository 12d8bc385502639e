"""Learning sessions never take agenda items from routing: issues, carry-overs, waiting
referrals and matters arising go to the forum's own meetings only."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from feedback.choices import IssueStatus, Outcome
from feedback.exceptions import TransitionNotAllowed
from feedback.forms import PlaceOnAgendaForm
from feedback.services import issues as issue_services
from feedback.services import routing
from forums.choices import MembershipRole
from forums.models import AgendaItem, Meeting
from forums.selectors.agenda import later_open_meetings
from forums.services.matters import ensure_matters_arising, previous_meeting
from forums.services.meetings import publish_meeting
from tests.factories.forums import (
    ActionItemFactory,
    ForumFactory,
    LearningSessionFactory,
    MeetingFactory,
    MembershipFactory,
    StatewideForumFactory,
)
from tests.factories.members import PracticeAreaFactory, UserFactory


@pytest.fixture
def cfsn(db):
    return ForumFactory(name="Northern CFSN", slug="northern-cfsn")


@pytest.fixture
def statewide(db):
    return StatewideForumFactory()


@pytest.fixture
def facilitator(cfsn):
    person = UserFactory(display_name="Frank")
    MembershipFactory(user=person, forum=cfsn, role=MembershipRole.FACILITATOR)
    return person


@pytest.fixture
def statewide_facilitator(statewide):
    person = UserFactory(display_name="Sam")
    MembershipFactory(user=person, forum=statewide, role=MembershipRole.FACILITATOR)
    return person


def _at(days: int, hour: int = 10):
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _meeting(forum, days: int, **kwargs):
    start = _at(days)
    return MeetingFactory(forum=forum, start=start, end=start + dt.timedelta(hours=2), **kwargs)


def _session(forum, days: int, **kwargs):
    start = _at(days)
    return LearningSessionFactory(
        forum=forum, start=start, end=start + dt.timedelta(hours=2), **kwargs
    )


def _raise(cfsn):
    practitioner = UserFactory(display_name="Priya", region=cfsn.region)
    MembershipFactory(user=practitioner, forum=cfsn)
    return issue_services.raise_issue(
        by=practitioner,
        title="Intake forms repeat the same questions",
        description="Three services ask families the same intake questions.",
        practice_areas=[PracticeAreaFactory(name="Children and families")],
        forum=cfsn,
        attested=True,
    )


def test_open_for_items_learning_session_is_left_out(cfsn):
    meeting = _meeting(cfsn, 5)
    _session(cfsn, 3)

    assert list(Meeting.objects.open_for_items()) == [meeting]


def test_next_open_meeting_learning_session_earlier_is_skipped(cfsn):
    _session(cfsn, 3)
    meeting = _meeting(cfsn, 10)

    assert routing.next_open_meeting(cfsn) == meeting


def test_escalate_issue_learning_session_scheduled_earlier_is_skipped(cfsn, statewide, facilitator):
    cfsn_meeting = _meeting(cfsn, 3)
    session = _session(statewide, 5)
    statewide_meeting = _meeting(statewide, 12)
    issue = _raise(cfsn)
    routing.place_on_agenda(issue, meeting=cfsn_meeting, by=facilitator)
    item = issue.referrals.get().agenda_item

    with time_machine.travel(cfsn_meeting.start + dt.timedelta(minutes=1), tick=False):
        routing.record_outcome(
            item,
            outcome=Outcome.ESCALATED,
            note="",
            by=facilitator,
            summary="Seen in several services",
            rationale="Needs state-wide practice guidance",
        )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA
    assert issue.referrals.get(forum=statewide).agenda_item.meeting == statewide_meeting
    assert session.agenda_items.count() == 0


def test_escalate_issue_only_a_learning_session_ahead_waits_in_queue(cfsn, statewide, facilitator):
    cfsn_meeting = _meeting(cfsn, 3)
    session = _session(statewide, 5)
    issue = _raise(cfsn)
    routing.place_on_agenda(issue, meeting=cfsn_meeting, by=facilitator)
    item = issue.referrals.get().agenda_item

    with time_machine.travel(cfsn_meeting.start + dt.timedelta(minutes=1), tick=False):
        routing.record_outcome(
            item,
            outcome=Outcome.ESCALATED,
            note="",
            by=facilitator,
            summary="Seen in several services",
            rationale="Needs state-wide practice guidance",
        )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.QUEUED
    assert issue.referrals.get(forum=statewide).agenda_item is None
    assert session.agenda_items.count() == 0


def test_publish_meeting_learning_session_takes_no_waiting_referrals(
    cfsn, facilitator, django_capture_on_commit_callbacks
):
    issue = _raise(cfsn)
    referral = issue.referrals.get()
    referral.auto_place = True
    referral.save(update_fields=["auto_place"])
    session = _session(cfsn, 5, status="draft")

    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(session, by=facilitator)

    assert session.agenda_items.count() == 0
    assert routing.place_waiting_referrals(session) == 0


def test_record_outcome_carried_over_skips_learning_session(cfsn, facilitator):
    cfsn_meeting = _meeting(cfsn, 3)
    session = _session(cfsn, 10)
    later = _meeting(cfsn, 30)
    issue = _raise(cfsn)
    routing.place_on_agenda(issue, meeting=cfsn_meeting, by=facilitator)
    item = issue.referrals.get().agenda_item

    with time_machine.travel(cfsn_meeting.start + dt.timedelta(minutes=1), tick=False):
        routing.record_outcome(item, outcome=Outcome.CARRIED_OVER, note="", by=facilitator)

    assert later.agenda_items.get().carried_over_from == item
    assert session.agenda_items.count() == 0


def test_place_on_agenda_learning_session_is_refused(cfsn, facilitator):
    session = _session(cfsn, 5)
    issue = _raise(cfsn)

    with pytest.raises(TransitionNotAllowed, match="is a learning session"):
        routing.place_on_agenda(issue, meeting=session, by=facilitator)

    assert AgendaItem.objects.filter(meeting=session).count() == 0


def test_place_on_agenda_form_learning_session_is_not_offered(cfsn):
    meeting = _meeting(cfsn, 10)
    _session(cfsn, 5)

    form = PlaceOnAgendaForm(forum=cfsn)

    assert list(form.fields["meeting"].queryset) == [meeting]


def test_later_open_meetings_learning_session_is_left_out(cfsn):
    first = _meeting(cfsn, 3)
    _session(cfsn, 5)
    later = _meeting(cfsn, 10)

    assert list(later_open_meetings(first)) == [later]


def test_ensure_matters_arising_learning_session_gets_none(cfsn, facilitator):
    held = _meeting(cfsn, -10, status="completed")
    ActionItemFactory(meeting=held)
    session = _session(cfsn, 5)

    assert ensure_matters_arising(session, by=facilitator) is None
    assert session.agenda_items.count() == 0


def test_previous_meeting_learning_session_in_between_is_skipped(cfsn, facilitator):
    held = _meeting(cfsn, -10, status="completed")
    _session(cfsn, -3, status="completed")
    upcoming = _meeting(cfsn, 5)
    ActionItemFactory(meeting=held)

    item = ensure_matters_arising(upcoming, by=facilitator)

    assert previous_meeting(upcoming) == held
    assert item.matters_from == held
