"""Services that act on many issues at once lock each issue before its stay, as the services
acting on one issue do: a facilitator recording an outcome while a colleague marks the
meeting held, or moves the item, waits instead of deadlocking."""

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from feedback.choices import ConsultationStatus, ResponseScope
from feedback.models import Consultation, ConsultationAnswer, PracticeIssue, Referral
from feedback.services import consultations, placement, responses, routing
from forums.choices import MeetingStatus
from forums.models import Meeting
from tests.concurrency import while_locked
from tests.factories.feedback import ResponseFactory
from tests.factories.forums import ForumFactory, MeetingFactory
from tests.factories.members import UserFactory

from .test_notices import raise_at_cfsn
from .test_services import escalate_to_strategic

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
    ),
    pytest.mark.django_db(transaction=True),
]


def is_free(row) -> bool:
    """Whether another connection could lock the row now."""
    free = []

    def attempt():
        try:
            with transaction.atomic():
                type(row).objects.select_for_update(nowait=True).get(pk=row.pk)
            free.append(True)
        except DatabaseError:
            free.append(False)
        finally:
            connections.close_all()

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(timeout=10)
    return free == [True]


def stay_is_free(referral: Referral) -> bool:
    return is_free(referral)


def while_the_issue_is_held(issue: PracticeIssue, referral: Referral, call) -> tuple[bool, list]:
    """Hold the issue's lock, as a service acting on it does; run `call` until it waits;
    tell whether the stay was still free meanwhile."""
    return while_locked(
        lambda: PracticeIssue.objects.select_for_update().get(pk=issue.pk),
        call,
        lambda: stay_is_free(referral),
    )


def test_carrying_over_a_held_meetings_items_waits_for_the_issue_before_its_stay(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    referral = issue.referrals.get()
    type(loop.cfsn_meeting).objects.filter(pk=loop.cfsn_meeting.pk).update(
        status=MeetingStatus.COMPLETED
    )

    free, outcome = while_the_issue_is_held(
        issue, referral, lambda: routing.carry_over_unfinished(loop.cfsn_meeting)
    )

    assert (free, outcome) == (True, [1])


def test_a_published_meeting_taking_waiting_issues_waits_for_each_issue_before_its_stay(loop):
    issue = raise_at_cfsn(loop)
    referral = issue.referrals.get()
    Referral.objects.filter(pk=referral.pk).update(auto_place=True)
    meeting = MeetingFactory(
        forum=loop.cfsn,
        status=MeetingStatus.PUBLISHED,
        start=loop.cfsn_meeting.start,
        end=loop.cfsn_meeting.end,
    )

    free, outcome = while_the_issue_is_held(
        issue, referral, lambda: routing.place_waiting_referrals(meeting)
    )

    assert (free, outcome) == (True, [1])


def test_moving_an_item_to_a_later_meeting_waits_for_the_issue_before_its_stay(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    referral = issue.referrals.get()
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=7),
        end=loop.cfsn_meeting.end + dt.timedelta(days=7),
    )

    free, outcome = while_the_issue_is_held(
        issue,
        referral,
        lambda: placement.move_to_later_meeting(
            referral.agenda_item, meeting=later, by=loop.cfsn_facilitator
        ),
    )

    assert free is True
    assert [type(o) for o in outcome] == [Referral]


def test_moving_an_item_takes_its_own_meeting_before_the_later_one_as_carrying_over_does(loop):
    """Carrying an item over and matters arising lock a meeting, then the next one; moving an
    item to a later meeting does too, so a move during the meeting waits for a colleague
    recording an action there instead of deadlocking with them."""
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    referral = issue.referrals.get()
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=28),
        end=loop.cfsn_meeting.end + dt.timedelta(days=28),
    )

    with loop.at(loop.cfsn_meeting, minutes=60):
        later_free, outcome = while_locked(
            lambda: Meeting.objects.select_for_update().get(pk=loop.cfsn_meeting.pk),
            lambda: placement.move_to_later_meeting(
                referral.agenda_item, meeting=later, by=loop.cfsn_facilitator
            ),
            lambda: is_free(later),
        )

    assert later_free is True
    assert [type(o) for o in outcome] == [Referral]
    assert Referral.objects.get(pk=referral.pk).agenda_item.meeting == later


def test_answers_recorded_while_the_consultation_closes_wait_and_are_refused(loop):
    consultation = consultations.open_consultation(
        loop.statewide,
        by=loop.statewide_facilitator,
        title="Intake",
        brief="How is intake going?",
        questions=["What works?"],
        closes_on=timezone.localdate() + dt.timedelta(days=30),
        forums=[loop.cfsn],
    )
    target = consultation.targets.get()
    question = consultation.questions.get()

    def answer():
        with loop.at(loop.cfsn_meeting):
            return consultations.record_consultation_answers(
                target, answers={question.pk: "One form."}, by=loop.cfsn_facilitator
            )

    # Closing holds the consultation's lock while answers are being recorded, and closes it.
    _, outcome = while_locked(
        lambda: Consultation.objects.select_for_update().get(pk=consultation.pk),
        answer,
        lambda: Consultation.objects.filter(pk=consultation.pk).update(
            status=ConsultationStatus.CLOSED, closed_at=timezone.now()
        ),
    )

    assert [str(o) for o in outcome] == ["This consultation is closed: it takes no more answers."]
    assert not ConsultationAnswer.objects.exists()


def test_a_response_to_every_cfsn_takes_their_meetings_in_the_order_others_do(loop):
    """Consultations lock the forums' coming meetings in key order; a response sent to every
    CFSN does too, so the two wait for each other instead of deadlocking."""
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)
    # Named first, made last: its key comes after the others'.
    first_by_name = ForumFactory(name="Adelaide Hills CFSN")
    later = loop.strategic_meeting.start + dt.timedelta(days=7)
    coming = {
        forum: MeetingFactory(forum=forum, start=later, end=later + dt.timedelta(hours=2))
        for forum in (loop.cfsn, loop.other_cfsn, first_by_name)
    }

    with loop.at(loop.strategic_meeting):
        northern_free, outcome = while_locked(
            lambda: Meeting.objects.select_for_update().get(pk=coming[first_by_name].pk),
            lambda: responses.respond(
                PracticeIssue.objects.get(pk=issue.pk),
                by=loop.executive,
                decision="Fund a shared intake form.",
                owner=loop.executive,
                due_date=timezone.localdate() + dt.timedelta(days=90),
                scope=ResponseScope.ALL_CFSNS,
            ),
            lambda: is_free(coming[loop.cfsn]),
        )

    assert northern_free is False
    assert not isinstance(outcome[0], Exception), outcome


def test_handing_a_response_over_waits_for_its_issue_before_the_response():
    response = ResponseFactory()
    taking_over = UserFactory()

    free, outcome = while_locked(
        lambda: PracticeIssue.objects.select_for_update().get(pk=response.issue_id),
        lambda: responses.hand_over_response(response, to=taking_over, by=taking_over).owner,
        lambda: is_free(response),
    )

    # The response was left for whoever held its issue (posting progress, say) to take.
    assert (free, outcome) == (True, [taking_over])
