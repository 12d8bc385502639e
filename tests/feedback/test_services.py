import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from feedback.choices import EventKind, IssueStatus, Outcome, ReferralPurpose, ResponseScope
from feedback.exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from feedback.models import Endorsement, IssueEvent, PracticeIssue, Referral, Response, Watch
from feedback.services import issues as issue_services
from feedback.services import responses, routing
from feedback.tasks import carry_over_stranded
from forums.choices import AgendaItemKind, MeetingStatus
from forums.models import ActionItem, AgendaItem, Decision
from forums.services.meetings import complete_meeting, publish_meeting, schedule_meetings
from members.models import Notification, User
from members.services import deactivate_account
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import MeetingFactory
from tests.factories.members import PracticeAreaFactory, UserFactory


def raise_at_cfsn(loop, **overrides):
    values = {
        "by": loop.practitioner,
        "title": "Intake forms repeat the same questions",
        "description": "Three services ask families the same intake questions.",
        "practice_areas": [PracticeAreaFactory(name="Children and families")],
        "forum": loop.cfsn,
        "attested": True,
    }
    values.update(overrides)
    return issue_services.raise_issue(**values)


def escalate_at(issue, *, by, note=""):
    """Escalated at the meeting holding the issue, once that meeting has started."""
    item = issue.referrals.get(left_at__isnull=True).agenda_item
    with time_machine.travel(item.meeting.start + dt.timedelta(minutes=1), tick=False):
        return routing.record_outcome(
            item,
            outcome=Outcome.ESCALATED,
            note=note,
            by=by,
            summary="Seen in several services",
            rationale="Needs state-wide practice guidance",
        )


def escalate_to_strategic(loop, issue):
    """The CFSN places and escalates the issue; the State-wide Forum escalates it again."""
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    escalate_at(issue, by=loop.cfsn_facilitator)
    escalate_at(PracticeIssue.objects.get(pk=issue.pk), by=loop.statewide_facilitator)


def respond_at_meeting(loop, issue, **overrides):
    """The executive responds at the Strategic meeting, once it has started."""
    values = {
        "by": loop.executive,
        "decision": "Fund a shared intake form.",
        "owner": loop.executive,
        "due_date": timezone.localdate() + dt.timedelta(days=90),
        "scope": ResponseScope.ORIGIN,
    }
    values.update(overrides)
    with loop.at(loop.strategic_meeting):
        return responses.respond(issue, **values)


def test_raise_issue_queues_at_forum_and_tells_facilitators(loop):
    issue = raise_at_cfsn(loop)

    assert issue.status == IssueStatus.QUEUED
    assert issue.current_forum == loop.cfsn
    assert list(issue.referrals.values_list("forum", flat=True)) == [loop.cfsn.pk]
    assert Watch.objects.filter(issue=issue, user=loop.practitioner).exists()
    assert list(issue.events.values_list("kind", flat=True)) == [EventKind.RAISED]
    assert Notification.objects.filter(recipient=loop.cfsn_facilitator).count() == 1


def test_raise_issue_with_phone_number_is_refused_and_nothing_saved(loop):
    with pytest.raises(IdentifyingDetailsFound, match="a phone number “0412 345 678”"):
        raise_at_cfsn(loop, description="Mum asked us to call 0412 345 678.")

    assert PracticeIssue.objects.count() == 0


def test_raise_issue_without_attestation_is_refused(loop):
    with pytest.raises(TransitionNotAllowed, match="no identifying information"):
        raise_at_cfsn(loop, attested=False)


def test_save_draft_then_raise_keeps_one_issue(loop):
    draft = issue_services.save_draft(
        by=loop.practitioner,
        title="Draft",
        description="Not finished",
        practice_areas=[],
        forum=loop.cfsn,
    )

    issue = raise_at_cfsn(loop, draft=draft)

    assert issue.pk == draft.pk
    assert PracticeIssue.objects.count() == 1
    assert issue.status == IssueStatus.QUEUED


def test_raising_a_draft_a_second_time_is_refused_and_leaves_it_at_one_forum(loop):
    draft = issue_services.save_draft(
        by=loop.practitioner, title="Draft", description="Ready", practice_areas=[], forum=loop.cfsn
    )
    raise_at_cfsn(loop, draft=draft)

    with pytest.raises(TransitionNotAllowed, match="already been raised"):
        raise_at_cfsn(loop, draft=draft, forum=loop.other_cfsn)

    assert list(Referral.objects.filter(issue=draft).values_list("forum", flat=True)) == [
        loop.cfsn.pk
    ]
    assert IssueEvent.objects.filter(issue=draft, kind=EventKind.RAISED).count() == 1


def test_information_sent_when_none_is_asked_for_is_refused_and_leaves_the_agenda_alone(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    with pytest.raises(TransitionNotAllowed, match="No information is asked for"):
        issue_services.provide_information(issue, by=loop.practitioner, text="From an old tab.")

    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA
    assert not issue.comments.exists()


def test_place_on_agenda_adds_practice_issue_item_and_notifies_submitter(loop):
    issue = raise_at_cfsn(loop)

    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA
    item = loop.cfsn_meeting.agenda_items.get()
    assert (item.kind, item.title) == (AgendaItemKind.PRACTICE_ISSUE, issue.title)
    assert item.referral.issue == issue
    assert Notification.objects.filter(
        recipient=loop.practitioner, subject__contains="On the agenda of Northern CFSN"
    ).exists()


def test_place_on_agenda_twice_is_refused(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=30),
        end=loop.cfsn_meeting.end + dt.timedelta(days=30),
    )

    with pytest.raises(TransitionNotAllowed, match="already on the agenda"):
        routing.place_on_agenda(issue, meeting=later, by=loop.cfsn_facilitator)

    assert later.agenda_items.count() == 0


def test_escalate_issue_places_it_on_next_statewide_meeting(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    escalate_at(issue, by=loop.cfsn_facilitator)

    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA
    assert issue.current_forum == loop.statewide
    item = loop.statewide_meeting.agenda_items.get()
    assert item.referral.summary == "Seen in several services"
    cfsn_referral = issue.referrals.get(forum=loop.cfsn)
    assert (cfsn_referral.outcome, cfsn_referral.left_at is not None) == (Outcome.ESCALATED, True)


def test_escalate_issue_without_summary_is_refused(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    with pytest.raises(TransitionNotAllowed, match="summary and a rationale"):
        routing.escalate_issue(issue, by=loop.cfsn_facilitator, summary=" ", rationale="x")


def test_escalate_issue_with_no_open_meeting_waits_then_joins_published_meeting(
    loop, django_capture_on_commit_callbacks
):
    loop.statewide_meeting.delete()
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    escalate_at(issue, by=loop.cfsn_facilitator)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.QUEUED

    # Ten in the morning, so that the three hours end on the day they start.
    start = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=20), dt.time(10))
    )
    [with_capture] = schedule_meetings(
        loop.statewide,
        by=loop.statewide_facilitator,
        title="State-wide forum",
        spans=[(start, start + dt.timedelta(hours=3))],
        place="Adelaide",
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(with_capture, by=loop.statewide_facilitator)

    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA
    assert with_capture.agenda_items.get().referral.issue == issue


def test_escalate_issue_pressed_twice_creates_one_referral(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    escalate_at(issue, by=loop.cfsn_facilitator)

    with pytest.raises(TransitionNotAllowed):
        routing.escalate_issue(
            issue, by=loop.cfsn_facilitator, summary="again", rationale="again", agenda_item=item
        )

    assert issue.referrals.filter(forum=loop.statewide).count() == 1


def test_record_outcome_carried_over_moves_item_to_next_meeting(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=30),
        end=loop.cfsn_meeting.end + dt.timedelta(days=30),
    )
    first_item = issue.referrals.get().agenda_item

    with loop.at(loop.cfsn_meeting):
        routing.record_outcome(
            first_item, outcome=Outcome.CARRIED_OVER, note="", by=loop.cfsn_facilitator
        )

    moved = later.agenda_items.get()
    assert moved.carried_over_from == first_item
    assert moved.referral.issue == issue
    assert issue.events.filter(kind=EventKind.CARRIED_OVER).count() == 1


def test_complete_meeting_carries_over_items_without_outcome(
    loop, django_capture_on_commit_callbacks
):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=30),
        end=loop.cfsn_meeting.end + dt.timedelta(days=30),
    )
    past = timezone.now() - dt.timedelta(hours=3)
    type(loop.cfsn_meeting).objects.filter(pk=loop.cfsn_meeting.pk).update(
        start=past, end=past + dt.timedelta(hours=2)
    )

    with django_capture_on_commit_callbacks(execute=True):
        complete_meeting(loop.cfsn_meeting, by=loop.cfsn_facilitator)

    assert later.agenda_items.get().referral.issue == issue
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA


def test_items_a_held_meeting_was_left_holding_are_carried_over_by_the_next_sweep(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=30),
        end=loop.cfsn_meeting.end + dt.timedelta(days=30),
    )
    # Held, with its carrying over lost (the worker's database went away, say).
    type(loop.cfsn_meeting).objects.filter(pk=loop.cfsn_meeting.pk).update(
        status=MeetingStatus.COMPLETED
    )

    swept, again = carry_over_stranded(), carry_over_stranded()

    assert (swept, again) == (1, 0)
    assert later.agenda_items.get().referral.issue == issue
    assert issue.events.filter(kind=EventKind.CARRIED_OVER).count() == 1


def test_record_outcome_resolved_closes_issue_with_note(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    with loop.at(loop.cfsn_meeting):
        routing.record_outcome(
            item,
            outcome=Outcome.RESOLVED,
            note="Agreed one shared form.",
            by=loop.cfsn_facilitator,
        )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED
    assert issue.referrals.get().outcome_note == "Agreed one shared form."
    assert Notification.objects.filter(
        recipient=loop.practitioner, body="Agreed one shared form."
    ).exists()


def test_record_outcome_returned_then_information_provided_goes_back_to_queue(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    with loop.at(loop.cfsn_meeting):
        routing.record_outcome(
            item, outcome=Outcome.RETURNED, note="Which services?", by=loop.cfsn_facilitator
        )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.INFO_REQUESTED

    issue_services.provide_information(
        issue, by=loop.practitioner, text="Housing, health and education intake."
    )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.QUEUED
    assert issue.comments.get().body == "Housing, health and education intake."


def test_the_whole_loop_closes_where_it_began(loop):
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)
    later_cfsn = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=30),
        end=loop.cfsn_meeting.end + dt.timedelta(days=30),
    )

    response = respond_at_meeting(loop, issue, decision="Fund a shared intake form.")

    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESPONDED
    assert response.action_item.owner == loop.executive
    # The response goes to the CFSN's first meeting after it, not the one it came from.
    reflect_item = later_cfsn.agenda_items.get(kind=AgendaItemKind.RESPONSE)
    assert loop.cfsn_meeting.agenda_items.filter(kind=AgendaItemKind.RESPONSE).count() == 0

    with loop.at(later_cfsn):
        routing.mark_discussed(reflect_item, by=loop.cfsn_facilitator, note="Welcomed.")

    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    assert list(issue.referrals.values_list("forum__slug", "outcome")) == [
        ("northern-cfsn", Outcome.ESCALATED),
        ("statewide", Outcome.ESCALATED),
        ("strategic", Outcome.RESPONDED),
        ("northern-cfsn", Outcome.DISCUSSED),
    ]
    kinds = list(issue.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.RAISED,
        EventKind.PLACED,
        EventKind.ESCALATED,
        EventKind.ESCALATED,
        EventKind.RESPONDED,
        EventKind.CLOSED,
    ]
    assert (
        "On the agenda of State-wide Practitioner Forum meeting"
        in issue.events.filter(kind=EventKind.ESCALATED).first().note
    )
    subjects = list(
        Notification.objects.filter(recipient=loop.practitioner)
        .order_by("id")
        .values_list("subject", flat=True)
    )
    ref = issue.reference
    assert [s.removeprefix(f"{ref}: ").split(" on ")[0] for s in subjects] == [
        "On the agenda of Northern CFSN",
        "Escalated to State-wide Practitioner Forum",
        "Escalated to Strategic Leadership Forum",
        "The Strategic Leadership Forum has responded",
        "The loop is closed",
    ]


def test_respond_to_every_cfsn_puts_response_on_each_cfsn_agenda(loop):
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)

    respond_at_meeting(
        loop, issue, decision="State-wide guidance issued.", scope=ResponseScope.ALL_CFSNS
    )

    reflections = Referral.objects.filter(issue=issue, purpose="reflect")
    assert set(reflections.values_list("forum", flat=True)) == {loop.cfsn.pk, loop.other_cfsn.pk}


def test_respond_to_issue_not_at_strategic_forum_is_refused(loop):
    issue = raise_at_cfsn(loop)

    with pytest.raises(TransitionNotAllowed, match="Only an issue escalated"):
        responses.respond(
            issue,
            by=loop.executive,
            decision="x",
            owner=loop.executive,
            due_date=timezone.localdate(),
            scope=ResponseScope.ORIGIN,
        )


def test_respond_with_an_owner_who_left_after_the_form_was_drawn_is_refused(loop):
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)
    owner = UserFactory(display_name="Lee Left")
    before = state_of(issue)
    deactivate_account(User.objects.get(pk=owner.pk), by=loop.executive)

    with pytest.raises(TransitionNotAllowed) as refused:
        respond_at_meeting(loop, issue, owner=owner)

    assert str(refused.value) == (
        "That person has left the portal: give the action to a current member."
    )
    assert owner.is_active is True  # the object the form handed over, read before they left
    assert state_of(issue) == before
    assert Response.objects.count() == 0
    assert not ActionItem.objects.filter(owner=owner).exists()


def test_merge_issues_moves_endorsements_and_watchers(loop):
    primary = raise_at_cfsn(loop)
    other = UserFactory()
    duplicate = raise_at_cfsn(loop, by=other, title="Same intake problem")
    endorser = UserFactory()
    issue_services.endorse_issue(duplicate, by=endorser)

    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (IssueStatus.MERGED, primary)
    assert set(primary.endorsements.values_list("user", flat=True)) == {other.pk, endorser.pk}
    assert {other.pk, endorser.pk} <= set(primary.watches.values_list("user", flat=True))
    assert duplicate.endorsements.count() == 0


def test_endorse_issue_twice_is_refused_and_counts_once(loop):
    issue = raise_at_cfsn(loop)
    endorser = UserFactory()
    issue_services.endorse_issue(issue, by=endorser)

    with pytest.raises(TransitionNotAllowed, match="already endorsed"):
        issue_services.endorse_issue(issue, by=endorser)

    assert Endorsement.objects.filter(issue=issue).count() == 1


def test_decline_issue_records_reason(loop):
    issue = raise_at_cfsn(loop)

    routing.decline_issue(
        issue,
        forum=loop.cfsn,
        by=loop.cfsn_facilitator,
        reason="A matter for the agency's own complaints process.",
    )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.DECLINED
    assert IssueEvent.objects.filter(issue=issue, kind=EventKind.DECLINED).get().note == (
        "A matter for the agency's own complaints process."
    )


def test_request_information_on_resolved_issue_is_refused(loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, status=IssueStatus.RESOLVED)

    with pytest.raises(TransitionNotAllowed):
        routing.request_information(issue, forum=loop.cfsn, by=loop.cfsn_facilitator, note="more?")


def test_draft_meeting_does_not_take_waiting_referrals(loop):
    draft = MeetingFactory(forum=loop.statewide, status=MeetingStatus.DRAFT)

    assert routing.place_waiting_referrals(draft) == 0


def test_cancel_meeting_carries_its_issues_to_the_next_meeting(
    loop, django_capture_on_commit_callbacks
):
    from forums.services.meetings import cancel_meeting

    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=30),
        end=loop.cfsn_meeting.end + dt.timedelta(days=30),
    )

    with django_capture_on_commit_callbacks(execute=True):
        cancel_meeting(loop.cfsn_meeting, by=loop.cfsn_facilitator)

    assert later.agenda_items.get().referral.issue == issue
    event = issue.events.get(kind=EventKind.CARRIED_OVER)
    assert "(cancelled); carried over automatically" in event.note


def test_place_on_agenda_restricted_issue_shows_only_its_reference_on_the_agenda(loop):
    issue = raise_at_cfsn(loop, restricted=True, title="Sensitive practice concern")

    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    item = loop.cfsn_meeting.agenda_items.get()
    assert item.title == f"Restricted practice issue {issue.reference}"
    assert item.description == ""


def test_tell_watchers_skips_a_watcher_who_cannot_see_the_restricted_issue(loop):
    issue = raise_at_cfsn(loop, restricted=True)
    outsider = UserFactory()
    Watch.objects.create(issue=issue, user=outsider)

    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    assert Notification.objects.filter(recipient=outsider).count() == 0
    assert Notification.objects.filter(recipient=loop.practitioner).count() == 1


def test_merge_public_issue_into_restricted_one_is_refused(loop):
    primary = raise_at_cfsn(loop, restricted=True)
    duplicate = raise_at_cfsn(loop, by=UserFactory(), title="Public duplicate")

    with pytest.raises(TransitionNotAllowed, match="cannot be merged into a restricted one"):
        routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)


def test_merge_into_a_finished_issue_is_refused(loop):
    primary = raise_at_cfsn(loop)
    routing.decline_issue(primary, forum=loop.cfsn, by=loop.cfsn_facilitator, reason="Out of scope")
    duplicate = raise_at_cfsn(loop, by=UserFactory(), title="Duplicate")

    with pytest.raises(TransitionNotAllowed, match="still open"):
        routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)


def test_respond_to_escalated_issue_still_waiting_for_a_strategic_meeting(loop):
    loop.strategic_meeting.delete()
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.QUEUED

    responses.respond(
        issue,
        by=loop.executive,
        decision="Agreed out of session.",
        owner=loop.executive,
        due_date=timezone.localdate(),
        scope=ResponseScope.ORIGIN,
        out_of_session_reason="The budget round closes before the next meeting.",
    )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESPONDED
    strategic = issue.referrals.get(forum=loop.strategic)
    assert (strategic.outcome, strategic.out_of_session) == (Outcome.RESPONDED, True)
    assert strategic.out_of_session_reason == "The budget round closes before the next meeting."


def test_request_information_for_issue_on_an_agenda_is_refused(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    with pytest.raises(TransitionNotAllowed, match="record the outcome there"):
        routing.request_information(
            issue, forum=loop.cfsn, by=loop.cfsn_facilitator, note="Which services?"
        )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA


def test_respond_to_restricted_issue_names_only_its_reference_in_the_action(loop):
    issue = raise_at_cfsn(loop, restricted=True, title="Sensitive practice concern")
    escalate_to_strategic(loop, issue)

    response = respond_at_meeting(loop, issue, decision="Agreed.")

    assert response.action_item.title == f"Carry out the response to {issue.reference}"


def test_record_outcome_writes_it_into_the_items_minutes(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    with loop.at(loop.cfsn_meeting):
        routing.record_outcome(
            item,
            outcome=Outcome.RESOLVED,
            note="Agreed one shared form.",
            by=loop.cfsn_facilitator,
        )

    assert item.decisions.get().text == (
        f"{issue.reference}: Resolved at this tier. Agreed one shared form."
    )


def test_record_outcome_for_restricted_issue_minutes_only_its_reference(loop):
    issue = raise_at_cfsn(loop, restricted=True)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    escalate_at(issue, by=loop.cfsn_facilitator)

    assert item.decisions.get().text == f"{issue.reference}: Escalated to the next tier."


# --- Outcomes happen at meetings that have started ----------------------------------------


def state_of(issue):
    """Everything an outcome could change about an issue, to show that nothing did."""
    return {
        "issue": PracticeIssue.objects.filter(pk=issue.pk).values_list("status", "current_forum")[
            0
        ],
        "referrals": list(
            Referral.objects.filter(issue=issue)
            .order_by("id")
            .values_list("forum", "outcome", "outcome_note", "left_at", "agenda_item")
        ),
        "events": IssueEvent.objects.filter(issue=issue).count(),
        "decisions": Decision.objects.count(),
        "items": AgendaItem.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.mark.parametrize(
    ("outcome", "extra"),
    [
        (Outcome.RESOLVED, {"note": "Agreed."}),
        (Outcome.ESCALATED, {"note": "", "summary": "Across regions", "rationale": "Systemic"}),
        (Outcome.CARRIED_OVER, {"note": ""}),
        (Outcome.RETURNED, {"note": "Which services?"}),
    ],
)
def test_record_outcome_before_the_meeting_starts_is_refused_and_changes_nothing(
    loop, outcome, extra
):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    before = state_of(issue)

    with (
        time_machine.travel(loop.cfsn_meeting.start - dt.timedelta(minutes=1), tick=False),
        pytest.raises(TransitionNotAllowed, match="Northern CFSN meeting has not started yet"),
    ):
        routing.record_outcome(item, outcome=outcome, by=loop.cfsn_facilitator, **extra)

    assert state_of(issue) == before


def test_record_outcome_at_the_minute_the_meeting_starts_is_accepted(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    with loop.at(loop.cfsn_meeting, minutes=0):
        routing.record_outcome(
            item, outcome=Outcome.RESOLVED, note="Agreed.", by=loop.cfsn_facilitator
        )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED


def test_escalate_issue_before_the_meeting_starts_is_refused_and_changes_nothing(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    before = state_of(issue)

    with pytest.raises(TransitionNotAllowed, match="has not started yet"):
        routing.escalate_issue(issue, by=loop.cfsn_facilitator, summary="s", rationale="r")

    assert state_of(issue) == before


def test_record_outcome_on_a_draft_meeting_is_refused(loop):
    issue = raise_at_cfsn(loop)
    draft = MeetingFactory(forum=loop.cfsn, status=MeetingStatus.DRAFT)
    routing.place_on_agenda(issue, meeting=draft, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    with loop.at(draft), pytest.raises(TransitionNotAllowed, match="not been published"):
        routing.record_outcome(
            item, outcome=Outcome.RESOLVED, note="Agreed.", by=loop.cfsn_facilitator
        )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA


def test_mark_discussed_before_the_meeting_starts_is_refused_and_changes_nothing(loop):
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)
    later_cfsn = MeetingFactory(
        forum=loop.cfsn,
        start=loop.strategic_meeting.start + dt.timedelta(days=10),
        end=loop.strategic_meeting.end + dt.timedelta(days=10),
    )
    respond_at_meeting(loop, issue)
    reflect_item = later_cfsn.agenda_items.get(kind=AgendaItemKind.RESPONSE)
    before = state_of(issue)

    with (
        loop.at(loop.strategic_meeting, minutes=30),
        pytest.raises(TransitionNotAllowed, match="has not started yet"),
    ):
        routing.mark_discussed(reflect_item, by=loop.cfsn_facilitator, note="Welcomed.")

    assert state_of(issue) == before


def test_respond_before_the_strategic_meeting_starts_is_refused_and_changes_nothing(loop):
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)
    before = state_of(issue)

    with pytest.raises(TransitionNotAllowed, match="Strategic Leadership Forum meeting has not"):
        responses.respond(
            issue,
            by=loop.executive,
            decision="Fund it.",
            owner=loop.executive,
            due_date=timezone.localdate(),
            scope=ResponseScope.ORIGIN,
        )

    assert state_of(issue) == before
    assert Response.objects.count() == 0


def test_respond_waiting_for_a_strategic_meeting_without_a_reason_is_refused(loop):
    loop.strategic_meeting.delete()
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)

    with pytest.raises(TransitionNotAllowed, match="out of session with a reason"):
        responses.respond(
            issue,
            by=loop.executive,
            decision="Fund it.",
            owner=loop.executive,
            due_date=timezone.localdate(),
            scope=ResponseScope.ORIGIN,
        )

    assert Response.objects.count() == 0


def test_respond_return_leg_lands_on_the_first_cfsn_meeting_after_the_response(loop):
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)
    before_response = MeetingFactory(
        forum=loop.cfsn,
        start=loop.strategic_meeting.start - dt.timedelta(days=1),
        end=loop.strategic_meeting.end - dt.timedelta(days=1),
    )
    first_after = MeetingFactory(
        forum=loop.cfsn,
        start=loop.strategic_meeting.start + dt.timedelta(days=5),
        end=loop.strategic_meeting.end + dt.timedelta(days=5),
    )
    MeetingFactory(
        forum=loop.cfsn,
        start=loop.strategic_meeting.start + dt.timedelta(days=35),
        end=loop.strategic_meeting.end + dt.timedelta(days=35),
    )

    respond_at_meeting(loop, issue)

    reflection = issue.referrals.get(purpose="reflect")
    assert reflection.agenda_item.meeting == first_after
    assert not before_response.agenda_items.exists()
    assert not loop.cfsn_meeting.agenda_items.filter(kind=AgendaItemKind.RESPONSE).exists()


def test_record_outcome_escalated_keeps_the_note_on_the_path_and_timeline(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    escalate_at(issue, by=loop.cfsn_facilitator, note="Members asked for regional figures.")

    cfsn_referral = issue.referrals.get(forum=loop.cfsn)
    assert cfsn_referral.outcome_note == (
        "Members asked for regional figures.\nSeen in several services"
    )
    event = issue.events.get(kind=EventKind.ESCALATED)
    assert "\nNote: Members asked for regional figures.\n" in event.note
    assert event.out_of_session is False


# --- Out-of-session decisions -------------------------------------------------------------


REASON = "The funding round closes before the next meeting."


def test_decide_out_of_session_escalation_is_labelled_on_path_timeline_and_minutes(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), tick=False):
        routing.decide_out_of_session(
            issue,
            forum=loop.cfsn,
            outcome=Outcome.ESCALATED,
            reason=REASON,
            by=loop.cfsn_facilitator,
            note="Chair and facilitator agreed.",
            summary="Across regions",
            rationale="Systemic",
        )

    issue.refresh_from_db()
    assert (issue.status, issue.current_forum) == (IssueStatus.ON_AGENDA, loop.statewide)
    referral = issue.referrals.get(forum=loop.cfsn)
    assert (referral.outcome, referral.out_of_session, referral.out_of_session_reason) == (
        Outcome.ESCALATED,
        True,
        REASON,
    )
    event = issue.events.get(kind=EventKind.ESCALATED)
    assert (event.out_of_session, event.agenda_item) == (True, None)
    assert f"Out-of-session decision. Reason: {REASON}" in event.note
    assert item.decisions.get().text == (
        f"{issue.reference}: Out-of-session decision of 24 November 2026: Escalated to the "
        f"next tier. Chair and facilitator agreed.\nAcross regions Reason: {REASON}"
    )
    assert Referral.objects.filter(out_of_session=True).count() == 1


def test_decide_out_of_session_resolves_a_queued_issue_and_notes_it_at_the_next_meeting(loop):
    issue = raise_at_cfsn(loop)

    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), tick=False):
        routing.decide_out_of_session(
            issue,
            forum=loop.cfsn,
            outcome=Outcome.RESOLVED,
            reason=REASON,
            by=loop.cfsn_facilitator,
            note="Agreed one shared form.",
        )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED
    event = issue.events.get(kind=EventKind.RESOLVED)
    assert (event.out_of_session, event.note) == (
        True,
        f"Agreed one shared form.\nOut-of-session decision. Reason: {REASON}",
    )
    noted = loop.cfsn_meeting.agenda_items.get()
    assert (noted.title, noted.kind) == (
        f"Out-of-session decision to note: {issue.title}",
        AgendaItemKind.DECISION,
    )
    assert noted.decisions.get().text == (
        f"{issue.reference}: Out-of-session decision of 24 November 2026: Resolved at this "
        f"tier. Agreed one shared form. Reason: {REASON}"
    )


def test_decide_out_of_session_without_a_reason_is_refused_and_changes_nothing(loop):
    issue = raise_at_cfsn(loop)
    before = state_of(issue)

    with pytest.raises(TransitionNotAllowed, match="Give the reason"):
        routing.decide_out_of_session(
            issue,
            forum=loop.cfsn,
            outcome=Outcome.RESOLVED,
            reason="  ",
            by=loop.cfsn_facilitator,
            note="Agreed.",
        )

    assert state_of(issue) == before


def test_decide_out_of_session_while_the_meeting_holding_it_runs_is_refused(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    before = state_of(issue)

    with (
        loop.at(loop.cfsn_meeting),
        pytest.raises(TransitionNotAllowed, match="has started and has this issue on its agenda"),
    ):
        routing.decide_out_of_session(
            issue,
            forum=loop.cfsn,
            outcome=Outcome.RESOLVED,
            reason=REASON,
            by=loop.cfsn_facilitator,
            note="Agreed.",
        )

    assert state_of(issue) == before


def test_decide_out_of_session_carried_over_is_refused(loop):
    issue = raise_at_cfsn(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    with pytest.raises(TransitionNotAllowed, match="cannot be taken out of session"):
        routing.decide_out_of_session(
            issue,
            forum=loop.cfsn,
            outcome=Outcome.CARRIED_OVER,
            reason=REASON,
            by=loop.cfsn_facilitator,
        )


def test_decide_out_of_session_discussed_closes_the_loop_labelled(loop):
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)
    respond_at_meeting(loop, issue)

    routing.decide_out_of_session(
        issue,
        forum=loop.cfsn,
        outcome=Outcome.DISCUSSED,
        reason=REASON,
        by=loop.cfsn_facilitator,
        note="Welcomed by email.",
    )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    reflection = issue.referrals.get(purpose="reflect")
    assert (reflection.outcome, reflection.out_of_session) == (Outcome.DISCUSSED, True)
    assert issue.events.get(kind=EventKind.CLOSED).out_of_session is True


def test_respond_out_of_session_is_labelled_and_its_action_belongs_to_no_meeting(loop):
    issue = raise_at_cfsn(loop)
    escalate_to_strategic(loop, issue)

    response = responses.respond(
        issue,
        by=loop.executive,
        decision="Fund it.",
        owner=loop.executive,
        due_date=timezone.localdate(),
        scope=ResponseScope.ORIGIN,
        out_of_session_reason=REASON,
    )

    assert (response.action_item.meeting, response.action_item.agenda_item) == (None, None)
    event = issue.events.get(kind=EventKind.RESPONDED)
    assert event.out_of_session is True
    assert f"Out-of-session decision. Reason: {REASON}" in event.note
    assert issue.referrals.get(forum=loop.strategic).out_of_session is True


def test_respond_to_every_cfsn_on_an_issue_raised_at_the_state_wide_forum_closes_back_there(loop):
    issue = raise_at_cfsn(loop, forum=loop.statewide)
    routing.place_on_agenda(issue, meeting=loop.statewide_meeting, by=loop.statewide_facilitator)
    escalate_at(PracticeIssue.objects.get(pk=issue.pk), by=loop.statewide_facilitator)
    respond_at_meeting(loop, PracticeIssue.objects.get(pk=issue.pk), scope=ResponseScope.ALL_CFSNS)
    reflections = Referral.objects.filter(issue=issue, purpose=ReferralPurpose.REFLECT)
    assert {r.forum for r in reflections} == {loop.cfsn, loop.other_cfsn, loop.statewide}
    later = loop.strategic_meeting.start + dt.timedelta(days=10)
    for forum in (loop.cfsn, loop.other_cfsn, loop.statewide):
        meeting = MeetingFactory(forum=forum, start=later, end=later + dt.timedelta(hours=2))
        with time_machine.travel(loop.strategic_meeting.start + dt.timedelta(days=1), tick=False):
            routing.place_waiting_referrals(meeting)

    for reflection in reflections.select_related("agenda_item__meeting"):
        item = reflection.agenda_item
        with time_machine.travel(item.meeting.start + dt.timedelta(minutes=5), tick=False):
            routing.mark_discussed(item, by=loop.statewide_facilitator, note="Discussed.")

    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    assert issue.events.latest("id").forum == loop.statewide
