"""Two facilitators at once, through two real database connections (PostgreSQL)."""

import pytest
from django.db import connection

from feedback.exceptions import TransitionNotAllowed
from feedback.models import Referral
from feedback.services import routing
from tests.concurrency import run_at_once
from tests.factories.feedback import PracticeIssueFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)


@pytest.fixture
def placed_issue(loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    return issue


@pytest.mark.django_db(transaction=True)
def test_escalate_issue_pressed_twice_at_once_creates_one_referral(loop, placed_issue):
    item = placed_issue.referrals.get().agenda_item

    def escalate():
        return routing.escalate_issue(
            placed_issue, by=loop.cfsn_facilitator, summary="s", rationale="r", agenda_item=item
        )

    # At the meeting, once it has started; the clock is the process's, so both threads see it.
    with loop.at(loop.cfsn_meeting):
        outcomes = run_at_once(escalate, escalate)

    refused = [o for o in outcomes if isinstance(o, TransitionNotAllowed)]
    assert len(refused) == 1
    assert Referral.objects.filter(issue=placed_issue, forum=loop.statewide).count() == 1
    assert loop.statewide_meeting.agenda_items.count() == 1


@pytest.mark.django_db(transaction=True)
def test_place_on_agenda_at_once_puts_issue_on_one_agenda(loop):
    from tests.factories.forums import MeetingFactory

    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start.replace(year=2099),
        end=loop.cfsn_meeting.end.replace(year=2099),
    )

    outcomes = run_at_once(
        lambda: routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator),
        lambda: routing.place_on_agenda(issue, meeting=later, by=loop.cfsn_facilitator),
    )

    assert sum(isinstance(o, TransitionNotAllowed) for o in outcomes) == 1
    assert loop.cfsn_meeting.agenda_items.count() + later.agenda_items.count() == 1


@pytest.mark.django_db(transaction=True)
def test_record_outcome_two_different_outcomes_at_once_one_wins_without_deadlock(
    loop, placed_issue
):
    from feedback.choices import Outcome

    item = placed_issue.referrals.get().agenda_item

    with loop.at(loop.cfsn_meeting):
        outcomes = run_at_once(
            lambda: routing.record_outcome(
                item,
                outcome=Outcome.ESCALATED,
                note="",
                by=loop.cfsn_facilitator,
                summary="s",
                rationale="r",
            ),
            lambda: routing.record_outcome(
                item, outcome=Outcome.RESOLVED, note="Sorted locally.", by=loop.cfsn_facilitator
            ),
        )

    assert sum(isinstance(o, TransitionNotAllowed) for o in outcomes) == 1
    assert not any(
        isinstance(o, Exception) and not isinstance(o, TransitionNotAllowed) for o in outcomes
    )
    assert Referral.objects.filter(issue=placed_issue, left_at__isnull=True).count() <= 1
