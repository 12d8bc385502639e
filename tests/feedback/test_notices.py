"""One notice per person per event: a watcher who also facilitates is told once."""

import datetime as dt

import time_machine
from django.utils import timezone

from feedback.choices import Outcome, ResponseScope
from feedback.models import PracticeIssue
from feedback.services import issues as issue_services
from feedback.services import merging, responses, routing
from feedback.services.common import tell
from forums.choices import MembershipRole
from members.models import Notification
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import MembershipFactory
from tests.factories.members import PracticeAreaFactory, UserFactory


def raise_at_cfsn(loop, *, by=None, title="Intake forms repeat the same questions"):
    return issue_services.raise_issue(
        by=by or loop.practitioner,
        title=title,
        description="Three services ask families the same intake questions.",
        practice_areas=[PracticeAreaFactory(name="Children and families")],
        forum=loop.cfsn,
        attested=True,
    )


def escalate_at_its_meeting(issue, *, by):
    item = issue.referrals.get(left_at__isnull=True).agenda_item
    with time_machine.travel(item.meeting.start + dt.timedelta(minutes=1), tick=False):
        routing.record_outcome(
            item,
            outcome=Outcome.ESCALATED,
            note="",
            by=by,
            summary="Seen in several services",
            rationale="Needs state-wide practice guidance",
        )
    return PracticeIssue.objects.get(pk=issue.pk)


def to_statewide(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    return escalate_at_its_meeting(issue, by=loop.cfsn_facilitator)


def notices(user, since: int) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, pk__gt=since)
        .order_by("pk")
        .values_list("subject", flat=True)
    )


def last_notice_id() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_escalate_to_strategic_tells_the_watching_executive_once(loop):
    issue = to_statewide(loop)
    issue_services.set_watching(issue, by=loop.executive, watching=True)
    since = last_notice_id()

    escalate_at_its_meeting(issue, by=loop.statewide_facilitator)

    assert notices(loop.executive, since) == [
        f"{issue.reference}: Escalated to Strategic Leadership Forum"
    ]


def test_escalate_to_strategic_tells_a_non_watching_executive_and_the_watchers_once_each(loop):
    issue = to_statewide(loop)
    since = last_notice_id()

    escalate_at_its_meeting(issue, by=loop.statewide_facilitator)

    subject = f"{issue.reference}: Escalated to Strategic Leadership Forum"
    assert notices(loop.executive, since) == [subject]
    assert notices(loop.practitioner, since) == [subject]


def test_escalate_to_strategic_tells_no_strategic_observer(loop):
    observer = MembershipFactory(forum=loop.strategic, role=MembershipRole.OBSERVER).user
    issue = to_statewide(loop)
    since = last_notice_id()

    escalate_at_its_meeting(issue, by=loop.statewide_facilitator)

    assert notices(observer, since) == []


def test_respond_tells_the_watching_cfsn_facilitator_once(loop):
    issue = to_statewide(loop)
    issue = escalate_at_its_meeting(issue, by=loop.statewide_facilitator)
    issue_services.set_watching(issue, by=loop.cfsn_facilitator, watching=True)
    other_facilitator = MembershipFactory(forum=loop.cfsn, role=MembershipRole.CHAIR).user
    since = last_notice_id()

    with loop.at(loop.strategic_meeting):
        responses.respond(
            issue,
            by=loop.executive,
            decision="Fund a shared intake form.",
            owner=loop.executive,
            due_date=timezone.localdate() + dt.timedelta(days=90),
            scope=ResponseScope.ORIGIN,
        )

    subject = f"{issue.reference}: The Strategic Leadership Forum has responded"
    assert notices(loop.cfsn_facilitator, since) == [subject]
    assert notices(other_facilitator, since) == [subject]
    assert notices(loop.practitioner, since) == [subject]


def test_merge_tells_a_supporter_who_watches_the_duplicate_once(loop):
    primary = raise_at_cfsn(loop)
    duplicate = raise_at_cfsn(loop, by=UserFactory(), title="Same intake problem")
    supporter = UserFactory()
    issue_services.endorse_issue(duplicate, by=supporter)
    issue_services.set_watching(duplicate, by=supporter, watching=True)
    since = last_notice_id()

    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)

    assert notices(supporter, since) == [f"{duplicate.reference}: Merged into {primary.reference}"]


def test_unmerge_tells_someone_watching_both_issues_once(loop):
    primary = raise_at_cfsn(loop)
    duplicate = raise_at_cfsn(loop, by=UserFactory(), title="Same intake problem")
    both = UserFactory()
    issue_services.set_watching(primary, by=both, watching=True)
    issue_services.set_watching(duplicate, by=both, watching=True)
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    since = last_notice_id()

    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    assert notices(both, since) == [
        f"{duplicate.reference}: No longer merged into {primary.reference}"
    ]
    assert notices(primary.raised_by, since) == [
        f"{duplicate.reference}: No longer merged into {primary.reference}"
    ]


def test_tell_watcher_and_facilitator_of_two_forums_gets_one_notice(loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    person = UserFactory()
    MembershipFactory(user=person, forum=loop.other_cfsn, role=MembershipRole.FACILITATOR)
    MembershipFactory(user=person, forum=loop.statewide, role=MembershipRole.CHAIR)
    issue_services.set_watching(issue, by=person, watching=True)

    tell(issue, subject="Moved", facilitators_of=[loop.other_cfsn, loop.statewide])

    assert notices(person, 0) == [f"{issue.reference}: Moved"]


def test_tell_leaves_out_the_excluded_person_and_inactive_accounts(loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    former = UserFactory(is_active=False)
    MembershipFactory(user=former, forum=loop.cfsn, role=MembershipRole.FACILITATOR)

    tell(issue, subject="Moved", facilitators_of=[loop.cfsn], exclude=loop.cfsn_facilitator)

    assert notices(loop.cfsn_facilitator, 0) == []
    assert notices(former, 0) == []
    assert notices(issue.raised_by, 0) == [f"{issue.reference}: Moved"]
