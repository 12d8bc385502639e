"""The loop drawn on the issue page: which step an issue is at, and the dates of each stay."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.choices import DeliveryStatus, IssueStatus, Outcome, ReferralPurpose
from feedback.models import Referral
from feedback.path import loop_steps
from tests.factories.feedback import PracticeIssueFactory, ReferralFactory, ResponseFactory
from tests.factories.forums import ForumFactory, StatewideForumFactory, StrategicForumFactory

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def _stay(issue, forum, *, days: tuple[int, int | None], outcome="", purpose="consider"):
    referral = ReferralFactory(issue=issue, forum=forum, purpose=purpose, outcome=outcome)
    left = DAY + dt.timedelta(days=days[1]) if days[1] is not None else None
    Referral.objects.filter(pk=referral.pk).update(
        entered_at=DAY + dt.timedelta(days=days[0]), left_at=left
    )
    return referral


def steps_of(issue):
    return [(s.name, s.state, s.detail) for s in loop_steps(issue, list(issue.referrals.all()))]


def test_issue_escalated_to_the_state_wide_forum_is_there_with_its_cfsn_done():
    cfsn = ForumFactory(name="Northern CFSN")
    issue = PracticeIssueFactory(origin_forum=cfsn, referral=False, status=IssueStatus.ON_AGENDA)
    _stay(issue, cfsn, days=(0, 20), outcome=Outcome.ESCALATED)
    _stay(issue, StatewideForumFactory(), days=(20, None))

    assert steps_of(issue) == [
        ("Northern CFSN", "done", "2 Mar 2026 to 22 Mar 2026: escalated to the next tier"),
        ("State-wide Practitioner Forum", "current", "Since 22 Mar 2026"),
        ("Strategic Leadership Forum", "upcoming", "Not reached yet"),
        ("Back to Northern CFSN", "upcoming", "Not reached yet"),
        ("Response delivered", "upcoming", "Not reached yet"),
    ]


def test_issue_resolved_at_its_cfsn_needs_no_later_step():
    cfsn = ForumFactory(name="Northern CFSN")
    issue = PracticeIssueFactory(origin_forum=cfsn, referral=False, status=IssueStatus.RESOLVED)
    _stay(issue, cfsn, days=(0, 30), outcome=Outcome.RESOLVED)

    states = [(name, state) for name, state, _ in steps_of(issue)]

    assert states == [
        ("Northern CFSN", "done"),
        ("State-wide Practitioner Forum", "not_needed"),
        ("Strategic Leadership Forum", "not_needed"),
        ("Back to Northern CFSN", "not_needed"),
        ("Response delivered", "not_needed"),
    ]


def test_issue_raised_at_the_state_wide_forum_begins_there_and_closes_back_there():
    statewide = StatewideForumFactory()
    issue = PracticeIssueFactory(origin_forum=statewide, referral=False, status=IssueStatus.CLOSED)
    _stay(issue, statewide, days=(0, 20), outcome=Outcome.ESCALATED)
    _stay(issue, StrategicForumFactory(), days=(20, 40), outcome=Outcome.RESPONDED)
    _stay(
        issue, statewide, days=(40, 60), outcome=Outcome.DISCUSSED, purpose=ReferralPurpose.REFLECT
    )

    states = [(name, state, detail) for name, state, detail in steps_of(issue)][:4]

    assert states == [
        ("Regional CFSN", "not_needed", "Raised at State-wide Practitioner Forum"),
        (
            "State-wide Practitioner Forum",
            "done",
            "2 Mar 2026 to 22 Mar 2026: escalated to the next tier",
        ),
        ("Strategic Leadership Forum", "done", "22 Mar 2026 to 11 Apr 2026: response recorded"),
        (
            "Back to State-wide Practitioner Forum",
            "done",
            "11 Apr 2026 to 1 May 2026: response discussed",
        ),
    ]


def test_delivered_response_completes_every_step():
    cfsn = ForumFactory(name="Northern CFSN")
    issue = PracticeIssueFactory(origin_forum=cfsn, referral=False, status=IssueStatus.CLOSED)
    _stay(issue, cfsn, days=(0, 10), outcome=Outcome.ESCALATED)
    _stay(issue, StatewideForumFactory(), days=(10, 40), outcome=Outcome.ESCALATED)
    _stay(issue, StrategicForumFactory(), days=(40, 90), outcome=Outcome.RESPONDED)
    # The same response went to another CFSN too; the path follows the issue's own.
    _stay(issue, ForumFactory(), days=(90, 95), purpose=ReferralPurpose.REFLECT)
    _stay(issue, cfsn, days=(90, 120), outcome=Outcome.DISCUSSED, purpose=ReferralPurpose.REFLECT)
    ResponseFactory(
        issue=issue,
        delivery_status=DeliveryStatus.DELIVERED,
        delivered_at=DAY + dt.timedelta(days=200),
    )

    steps = steps_of(issue)

    assert [state for _, state, _ in steps] == ["done"] * 5
    assert steps[3][2] == "31 May 2026 to 30 Jun 2026: response discussed"
    assert steps[4][2] == "Delivered on 18 Sep 2026"


def test_draft_has_not_started_the_loop():
    issue = PracticeIssueFactory(status=IssueStatus.DRAFT, submitted_at=None)

    assert steps_of(issue)[0][1:] == ("upcoming", "Not raised yet: a draft")


def test_issue_page_draws_the_stepper_with_the_current_step_marked(member_client):
    issue = PracticeIssueFactory(title="Intake forms repeat questions")

    page = member_client.get(reverse("feedback:issue-detail", args=[issue.pk])).content.decode()

    assert 'aria-label="Where this issue is in the loop"' in page
    assert page.count('aria-current="step"') == 1
    assert "Now here" in page
    assert f"Since {timezone.localdate():%-d %b %Y}" in page
