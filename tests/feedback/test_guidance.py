import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from feedback.choices import EventKind, IssueStatus, Outcome, ResponseScope
from feedback.exceptions import TransitionNotAllowed
from feedback.models import PracticeIssue
from feedback.services import issues as issue_services
from feedback.services import responses, routing
from feedback.services.guidance import cite_guidance
from forums.models import Decision
from practice.choices import GuidanceStatus
from tests.factories.forums import MembershipFactory
from tests.factories.members import PracticeAreaFactory, UserFactory
from tests.factories.practice import GuidanceItemFactory, PracticeLeadFactory


def _raise(loop, **overrides):
    values = {
        "by": loop.practitioner,
        "title": "Intake forms repeat the same questions",
        "description": "Three services ask families the same intake questions.",
        "practice_areas": [PracticeAreaFactory(name="Children and families")],
        "forum": loop.cfsn,
        "attested": True,
    }
    return issue_services.raise_issue(**{**values, **overrides})


def _superseded(**kwargs):
    successor = GuidanceItemFactory(title="Intake guide", version="2.0")
    return GuidanceItemFactory(
        title="Intake guide",
        version="1.0",
        status=GuidanceStatus.SUPERSEDED,
        superseded_by=successor,
        **kwargs,
    )


def _escalate_at(loop, issue, meeting, by):
    item = issue.referrals.get(left_at__isnull=True).agenda_item
    with loop.at(meeting):
        routing.record_outcome(
            item,
            outcome=Outcome.ESCALATED,
            note="",
            by=by,
            summary="Seen in several services",
            rationale="Needs state-wide practice guidance",
        )


# --- cite_guidance ------------------------------------------------------------------


def test_cite_guidance_adds_items_and_writes_one_event(loop):
    issue = _raise(loop)
    first = GuidanceItemFactory(title="Intake guide", version="1.0")
    second = GuidanceItemFactory(title="Safety tool", version="3")

    cite_guidance(issue, items=[first, second], by=loop.practitioner)

    assert list(issue.related_guidance.order_by("title")) == [first, second]
    event = issue.events.get(kind=EventKind.GUIDANCE_CITED)
    assert (event.actor, event.note) == (
        loop.practitioner,
        "Added: Intake guide (1.0)\nAdded: Safety tool (3)",
    )


def test_cite_guidance_removes_unticked_items(loop):
    issue = _raise(loop)
    kept, dropped = GuidanceItemFactory(title="Kept"), GuidanceItemFactory(title="Dropped")
    cite_guidance(issue, items=[kept, dropped], by=loop.practitioner)

    cite_guidance(issue, items=[kept], by=loop.practitioner)

    assert list(issue.related_guidance.all()) == [kept]
    assert list(
        issue.events.filter(kind=EventKind.GUIDANCE_CITED).values_list("note", flat=True)
    ) == ["Added: Dropped (1.0)\nAdded: Kept (1.0)", "Removed: Dropped (1.0)"]


def test_cite_guidance_without_change_writes_no_event(loop):
    issue = _raise(loop)
    item = GuidanceItemFactory()
    cite_guidance(issue, items=[item], by=loop.practitioner)

    cite_guidance(issue, items=[item], by=loop.practitioner)

    assert issue.events.filter(kind=EventKind.GUIDANCE_CITED).count() == 1


def test_cite_guidance_of_superseded_item_is_refused(loop):
    issue = _raise(loop)

    with pytest.raises(TransitionNotAllowed, match="has been superseded"):
        cite_guidance(issue, items=[_superseded()], by=loop.practitioner)

    assert issue.related_guidance.count() == 0


def test_cite_guidance_keeps_item_superseded_since_it_was_cited(loop):
    issue = _raise(loop)
    item, other = GuidanceItemFactory(), GuidanceItemFactory()
    cite_guidance(issue, items=[item], by=loop.practitioner)
    item.status, item.superseded_by = GuidanceStatus.SUPERSEDED, GuidanceItemFactory()
    item.save()

    cite_guidance(issue, items=[item, other], by=loop.practitioner)

    assert set(issue.related_guidance.all()) == {item, other}


# --- resolved by guidance -----------------------------------------------------------


def test_record_outcome_resolved_by_guidance_stores_it_on_referral_event_and_minutes(loop):
    issue = _raise(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    guidance = GuidanceItemFactory(title="Intake guide", version="2.0")

    with loop.at(loop.cfsn_meeting):
        routing.record_outcome(
            item,
            outcome=Outcome.RESOLVED,
            note="The guide answers it.",
            by=loop.cfsn_facilitator,
            guidance=guidance,
        )

    referral = issue.referrals.get()
    assert referral.resolved_by_guidance == guidance
    assert referral.outcome_note == (
        "The guide answers it.\nResolved by guidance: Intake guide (2.0)."
    )
    event = issue.events.get(kind=EventKind.RESOLVED)
    assert event.note == "The guide answers it.\nResolved by guidance: Intake guide (2.0)."
    decision = Decision.objects.get(agenda_item=item)
    assert "Resolved by guidance: Intake guide (2.0)." in decision.text


def test_record_outcome_with_superseded_guidance_is_refused_and_changes_nothing(loop):
    issue = _raise(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    with loop.at(loop.cfsn_meeting), pytest.raises(TransitionNotAllowed, match="superseded"):
        routing.record_outcome(
            item,
            outcome=Outcome.RESOLVED,
            note="Answered.",
            by=loop.cfsn_facilitator,
            guidance=_superseded(),
        )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA
    assert issue.referrals.get().resolved_by_guidance is None


def test_record_outcome_escalated_with_guidance_is_refused(loop):
    issue = _raise(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    with loop.at(loop.cfsn_meeting), pytest.raises(TransitionNotAllowed, match="Only a resolved"):
        routing.record_outcome(
            item,
            outcome=Outcome.ESCALATED,
            note="",
            by=loop.cfsn_facilitator,
            summary="s",
            rationale="r",
            guidance=GuidanceItemFactory(),
        )


def test_decide_out_of_session_resolved_by_guidance_stores_it(loop):
    issue = _raise(loop)
    guidance = GuidanceItemFactory(title="Intake guide", version="2.0")

    with time_machine.travel(timezone.now() + dt.timedelta(hours=1), tick=False):
        routing.decide_out_of_session(
            issue,
            forum=loop.cfsn,
            outcome=Outcome.RESOLVED,
            reason="The guide was published this week.",
            by=loop.cfsn_facilitator,
            note="Answered by the guide.",
            guidance=guidance,
        )

    referral = issue.referrals.get()
    assert (referral.outcome, referral.resolved_by_guidance) == (Outcome.RESOLVED, guidance)


def test_respond_with_related_guidance_keeps_it_on_the_response(loop):
    issue = _raise(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    _escalate_at(loop, issue, loop.cfsn_meeting, loop.cfsn_facilitator)
    _escalate_at(
        loop,
        PracticeIssue.objects.get(pk=issue.pk),
        loop.statewide_meeting,
        loop.statewide_facilitator,
    )
    guidance = GuidanceItemFactory()

    with loop.at(loop.strategic_meeting):
        response = responses.respond(
            PracticeIssue.objects.get(pk=issue.pk),
            by=loop.executive,
            decision="Fund a shared intake form.",
            owner=loop.executive,
            due_date=timezone.localdate() + dt.timedelta(days=90),
            scope=ResponseScope.ORIGIN,
            related_guidance=[guidance],
        )

    assert list(response.related_guidance.all()) == [guidance]


# --- who may cite -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("submitter", True),
        ("cfsn_facilitator", True),
        ("other_cfsn_facilitator", False),
        ("practice_lead", True),
        ("executive", True),
        ("administrator", True),
        ("member", False),
    ],
)
def test_cite_guidance_permission_by_role(loop, who, allowed):
    issue = _raise(loop)
    people = {
        "submitter": loop.practitioner,
        "cfsn_facilitator": loop.cfsn_facilitator,
        "executive": loop.executive,
        "administrator": UserFactory(is_superuser=True),
        "member": UserFactory(),
        "practice_lead": PracticeLeadFactory().user,
    }
    if who == "other_cfsn_facilitator":
        people[who] = UserFactory()
        MembershipFactory(user=people[who], forum=loop.other_cfsn, role="facilitator")

    assert people[who].has_perm("feedback.cite_guidance", issue) is allowed


def test_cite_guidance_on_merged_issue_is_not_allowed(loop):
    primary, duplicate = _raise(loop), _raise(loop, title="Same intake problem")
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    duplicate.refresh_from_db()

    assert not loop.practitioner.has_perm("feedback.cite_guidance", duplicate)


# --- pages --------------------------------------------------------------------------


def test_cite_guidance_view_saves_ticked_items_and_shows_them_on_issue(client, loop):
    issue = _raise(loop)
    item = GuidanceItemFactory(title="Intake guide", version="1.0")
    client.force_login(loop.practitioner)

    response = client.post(
        reverse("feedback:issue-guidance", args=[issue.pk]), {"items": [item.pk]}
    )

    assert response.status_code == 302
    page = client.get(issue.get_absolute_url()).content.decode()
    assert f'<a href="{item.get_absolute_url()}">Intake guide (1.0)</a>' in page


def test_cite_guidance_view_for_stranger_is_forbidden(client, loop):
    issue = _raise(loop)
    client.force_login(UserFactory())

    response = client.get(reverse("feedback:issue-guidance", args=[issue.pk]))

    assert response.status_code == 403


def test_issue_page_points_superseded_citation_to_its_successor(client, loop):
    issue = _raise(loop)
    item = GuidanceItemFactory(title="Intake guide", version="1.0")
    cite_guidance(issue, items=[item], by=loop.practitioner)
    successor = GuidanceItemFactory(title="Intake guide", version="2.0")
    item.status, item.superseded_by = GuidanceStatus.SUPERSEDED, successor
    item.save()
    client.force_login(loop.practitioner)

    page = client.get(issue.get_absolute_url()).content.decode()

    assert (
        f'(superseded by <a href="{successor.get_absolute_url()}">Intake guide (2.0)</a>)' in page
    )


def test_outcome_view_records_resolved_by_guidance(client, loop):
    issue = _raise(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    guidance = GuidanceItemFactory(title="Intake guide", version="2.0")
    client.force_login(loop.cfsn_facilitator)

    with loop.at(loop.cfsn_meeting):
        response = client.post(
            reverse("feedback:outcome-record", args=[item.pk]),
            {"outcome": Outcome.RESOLVED, "note": "Answered.", "guidance": guidance.pk},
        )

    assert response.status_code == 302
    assert issue.referrals.get().resolved_by_guidance == guidance
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "resolved this issue with guidance from the practice library" in page


def test_outcome_form_with_guidance_but_not_resolved_shows_error(client, loop):
    issue = _raise(loop)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    with loop.at(loop.cfsn_meeting):
        response = client.post(
            reverse("feedback:outcome-record", args=[item.pk]),
            {
                "outcome": Outcome.ESCALATED,
                "summary": "s",
                "rationale": "r",
                "guidance": GuidanceItemFactory().pk,
            },
        )

    assert response.status_code == 200
    assert response.context["form"].errors["guidance"] == [
        "Only a resolved issue can name the guidance that resolved it."
    ]
