"""With the broker stopped, raising and escalating still succeed; their emails wait, unsent."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.choices import Outcome
from feedback.models import PracticeIssue
from feedback.services import routing
from members.models import Notification
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.members import PracticeAreaFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_raise_issue_with_broker_down_succeeds_and_leaves_emails_owed(client, loop, broker_down):
    client.force_login(loop.practitioner)
    data = {
        "title": "Intake forms repeat the same questions",
        "description": "Families answer the same intake questions three times.",
        "practice_areas": [PracticeAreaFactory(name="Housing").pk],
        "origin_forum": loop.cfsn.pk,
        "attestation": "on",
        "action": "raise",
    }

    response = client.post(reverse("feedback:issue-create"), data)

    issue = PracticeIssue.objects.get()
    assert response.status_code == 302
    assert response.url == issue.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Your issue has been raised at Northern CFSN" in page
    owed = Notification.objects.filter(recipient=loop.cfsn_facilitator)
    assert [(n.sent_at, n.attempts) for n in owed] == [(None, 0)]


def test_escalate_with_broker_down_succeeds_and_leaves_emails_owed(
    client, loop, broker_down, time_machine
):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Waitlists for family support")
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    before = set(Notification.objects.values_list("pk", flat=True))
    time_machine.move_to(loop.cfsn_meeting.start + dt.timedelta(minutes=30))
    client.force_login(loop.cfsn_facilitator)

    response = client.post(
        reverse("feedback:outcome-record", args=[item.pk]),
        {"outcome": Outcome.ESCALATED, "summary": "Across regions", "rationale": "Systemic"},
    )

    assert response.status_code == 302
    assert response.url == issue.get_absolute_url()
    page = client.get(response.url).content.decode()
    when = f"{timezone.localtime(loop.statewide_meeting.start):%-d %B %Y}"
    assert (
        "Escalated to the State-wide Practitioner Forum: on the agenda of State-wide "
        f"Practitioner Forum meeting on {when}." in page
    )
    issue.refresh_from_db()
    assert issue.current_forum == loop.statewide
    new = Notification.objects.exclude(pk__in=before)
    assert new.filter(recipient=loop.statewide_facilitator).count() == 1
    assert new.filter(sent_at__isnull=False).count() == 0
