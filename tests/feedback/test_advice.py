"""Practice leads: told of issues in their areas, expert advice, and ACCO input."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from feedback.choices import EventKind, IssueStatus, Outcome
from feedback.exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from feedback.models import ExpertAdvice, IssueEvent, PracticeIssue
from feedback.services import advice as advice_services
from feedback.services import issues as issue_services
from feedback.services import routing
from forums.choices import MembershipRole
from members.choices import NotificationKind, Sector
from members.models import Notification
from tests.factories.feedback import ExpertAdviceFactory, PracticeIssueFactory
from tests.factories.forums import MembershipFactory
from tests.factories.members import OrganisationFactory, PracticeAreaFactory, UserFactory
from tests.factories.practice import PracticeLeadFactory

ACCO_AREA = "Aboriginal children and families"
CLEAN_ADVICE = "Use the shared intake checklist and agree one lead agency."


@pytest.fixture
def areas(db):
    return {
        "children": PracticeAreaFactory(name="Children and families"),
        "aboriginal": PracticeAreaFactory(name=ACCO_AREA, seeks_acco_input=True),
        "housing": PracticeAreaFactory(name="Housing"),
    }


@pytest.fixture
def lead(areas):
    person = UserFactory(display_name="Lena Lead")
    PracticeLeadFactory(user=person, practice_area=areas["children"])
    return person


def raise_in(loop, areas, *, by=None, restricted=False, title="Intake forms repeat questions"):
    return issue_services.raise_issue(
        by=by or loop.practitioner,
        title=title,
        description="Three services ask families the same intake questions.",
        practice_areas=areas,
        forum=loop.cfsn,
        restricted=restricted,
        attested=True,
    )


def practice_notices(user):
    return list(
        Notification.objects.filter(recipient=user, kind=NotificationKind.PRACTICE)
        .order_by("pk")
        .values_list("subject", "url")
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


# --- Leads are told ----------------------------------------------------------------------


def test_raise_issue_in_leads_area_tells_the_lead_once_with_a_link(loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])

    assert practice_notices(lead) == [
        (
            f"{issue.reference}: In your practice area: Intake forms repeat questions "
            "(raised at Northern CFSN)",
            issue.get_absolute_url(),
        )
    ]


def test_raise_issue_in_two_areas_one_lead_leads_tells_them_once(loop, areas, lead):
    PracticeLeadFactory(user=lead, practice_area=areas["housing"])

    raise_in(loop, [areas["children"], areas["housing"]])

    assert len(practice_notices(lead)) == 1


def test_raise_issue_by_the_lead_does_not_tell_them(loop, areas, lead):
    raise_in(loop, [areas["children"]], by=lead)

    assert practice_notices(lead) == []


def test_raise_issue_in_another_area_does_not_tell_the_lead(loop, areas, lead):
    raise_in(loop, [areas["housing"]])

    assert practice_notices(lead) == []


def test_raise_issue_lead_who_facilitates_the_forum_gets_only_the_triage_notice(loop, areas, lead):
    MembershipFactory(user=lead, forum=loop.cfsn, role=MembershipRole.FACILITATOR)

    raise_in(loop, [areas["children"]])

    assert practice_notices(lead) == []
    assert Notification.objects.filter(recipient=lead).count() == 1


def test_save_draft_does_not_tell_the_lead(loop, areas, lead):
    issue_services.save_draft(
        by=loop.practitioner,
        title="Not ready",
        description="Still writing.",
        practice_areas=[areas["children"]],
        forum=loop.cfsn,
    )

    assert practice_notices(lead) == []


def test_raise_restricted_issue_tells_lead_only_its_reference_with_their_queue(loop, areas, lead):
    issue = raise_in(loop, [areas["children"]], restricted=True)

    assert practice_notices(lead) == [
        (
            f"In your practice area: Restricted practice issue {issue.reference} "
            "(raised at Northern CFSN)",
            reverse("feedback:lead-queue"),
        )
    ]


def test_raise_restricted_issue_lead_in_the_forum_sees_its_title(loop, areas, lead):
    MembershipFactory(user=lead, forum=loop.cfsn)

    issue = raise_in(loop, [areas["children"]], restricted=True)

    assert practice_notices(lead) == [
        (
            f"{issue.reference}: In your practice area: Intake forms repeat questions "
            "(raised at Northern CFSN)",
            issue.get_absolute_url(),
        )
    ]


def test_escalate_issue_tells_the_lead_once_more(loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    escalate_at_its_meeting(issue, by=loop.cfsn_facilitator)

    assert [subject for subject, _ in practice_notices(lead)] == [
        f"{issue.reference}: In your practice area: Intake forms repeat questions "
        "(raised at Northern CFSN)",
        f"{issue.reference}: In your practice area: Intake forms repeat questions "
        "(escalated to State-wide Practitioner Forum)",
    ]


def test_escalate_issue_lead_who_watches_it_gets_only_the_watchers_notice(loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])
    issue_services.set_watching(issue, by=lead, watching=True)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    before = Notification.objects.filter(recipient=lead).count()

    escalate_at_its_meeting(issue, by=loop.cfsn_facilitator)

    assert Notification.objects.filter(recipient=lead).count() == before + 1
    assert len(practice_notices(lead)) == 1


def test_escalate_issue_by_the_lead_does_not_tell_them(loop, areas, lead):
    MembershipFactory(user=lead, forum=loop.cfsn, role=MembershipRole.FACILITATOR)
    issue = raise_in(loop, [areas["children"]])
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=lead)

    escalate_at_its_meeting(issue, by=lead)

    assert practice_notices(lead) == []


# --- Expert advice ------------------------------------------------------------------------


def test_give_advice_writes_advice_and_one_advice_event_with_it_as_note(loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])

    advice = advice_services.give_advice(
        issue, area=areas["children"], body=f"  {CLEAN_ADVICE}  ", by=lead
    )

    assert (advice.issue, advice.author, advice.practice_area, advice.body) == (
        issue,
        lead,
        areas["children"],
        CLEAN_ADVICE,
    )
    events = IssueEvent.objects.filter(issue=issue, kind=EventKind.ADVICE)
    assert [(e.actor, e.note) for e in events] == [(lead, CLEAN_ADVICE)]


def test_give_advice_tells_submitter_and_watchers_once_each_not_the_lead(loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])
    watcher = UserFactory()
    issue_services.set_watching(issue, by=watcher, watching=True)
    issue_services.set_watching(issue, by=lead, watching=True)

    advice = advice_services.give_advice(issue, area=areas["children"], body=CLEAN_ADVICE, by=lead)

    told = Notification.objects.filter(subject__contains="Expert advice")
    assert sorted(n.recipient_id for n in told) == sorted([loop.practitioner.pk, watcher.pk])
    assert {(n.subject, n.body, n.url, n.kind) for n in told} == {
        (
            f"{issue.reference}: Expert advice from Lena Lead (Children and families lead)",
            CLEAN_ADVICE,
            f"{issue.get_absolute_url()}#advice-{advice.pk}",
            NotificationKind.PRACTICE,
        )
    }


def test_give_advice_tells_submitter_who_stopped_watching(loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])
    issue_services.set_watching(issue, by=loop.practitioner, watching=False)

    advice_services.give_advice(issue, area=areas["children"], body=CLEAN_ADVICE, by=lead)

    assert Notification.objects.filter(
        recipient=loop.practitioner, subject__contains="Expert advice"
    ).exists()


def test_give_advice_by_a_lead_of_another_area_is_refused(loop, areas, lead):
    issue = raise_in(loop, [areas["children"], areas["housing"]])

    with pytest.raises(TransitionNotAllowed, match="Only a practice lead of Housing"):
        advice_services.give_advice(issue, area=areas["housing"], body=CLEAN_ADVICE, by=lead)

    assert ExpertAdvice.objects.count() == 0


def test_give_advice_for_an_area_not_of_the_issue_is_refused(loop, areas, lead):
    PracticeLeadFactory(user=lead, practice_area=areas["housing"])
    issue = raise_in(loop, [areas["children"]])

    with pytest.raises(TransitionNotAllowed, match="“Housing” is not one of this issue"):
        advice_services.give_advice(issue, area=areas["housing"], body=CLEAN_ADVICE, by=lead)


def test_give_advice_on_a_restricted_issue_the_lead_cannot_see_is_refused(loop, areas, lead):
    issue = raise_in(loop, [areas["children"]], restricted=True)

    with pytest.raises(TransitionNotAllowed, match="You cannot see this issue"):
        advice_services.give_advice(issue, area=areas["children"], body=CLEAN_ADVICE, by=lead)


def test_give_advice_on_a_draft_is_refused(loop, areas, lead):
    draft = issue_services.save_draft(
        by=loop.practitioner,
        title="Not ready",
        description="Still writing.",
        practice_areas=[areas["children"]],
        forum=loop.cfsn,
    )

    with pytest.raises(TransitionNotAllowed, match="A draft cannot be advised on"):
        advice_services.give_advice(draft, area=areas["children"], body=CLEAN_ADVICE, by=lead)


def test_give_advice_on_a_merged_issue_is_refused(loop, areas, lead):
    primary = raise_in(loop, [areas["children"]])
    duplicate = raise_in(loop, [areas["children"]], title="Same intake questions again")
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)

    with pytest.raises(TransitionNotAllowed, match="merged into another"):
        advice_services.give_advice(duplicate, area=areas["children"], body=CLEAN_ADVICE, by=lead)


def test_give_advice_empty_is_refused(loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])

    with pytest.raises(TransitionNotAllowed, match="Write the advice"):
        advice_services.give_advice(issue, area=areas["children"], body="   ", by=lead)


def test_give_advice_with_a_phone_number_is_refused_and_writes_nothing(loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])

    with pytest.raises(IdentifyingDetailsFound):
        advice_services.give_advice(
            issue, area=areas["children"], body="Call the mother on 0412 345 678.", by=lead
        )

    assert ExpertAdvice.objects.count() == 0
    assert not IssueEvent.objects.filter(kind=EventKind.ADVICE).exists()


# --- Input from Aboriginal community-controlled organisations ------------------------------


@pytest.fixture
def acco_lead(areas):
    person = UserFactory(display_name="Alinta Lead")
    PracticeLeadFactory(user=person, practice_area=areas["aboriginal"])
    return person


def test_give_advice_by_lead_of_acco_area_records_acco_input_at_its_moment(loop, areas, acco_lead):
    issue = raise_in(loop, [areas["aboriginal"], areas["children"]])

    advice = advice_services.give_advice(
        issue, area=areas["aboriginal"], body=CLEAN_ADVICE, by=acco_lead
    )

    issue.refresh_from_db()
    assert issue.acco_input_at == advice.created_at


def test_give_advice_by_lead_of_other_area_does_not_record_acco_input(loop, areas, lead):
    issue = raise_in(loop, [areas["aboriginal"], areas["children"]])

    advice_services.give_advice(issue, area=areas["children"], body=CLEAN_ADVICE, by=lead)

    issue.refresh_from_db()
    assert issue.acco_input_at is None


def test_add_comment_by_acco_member_records_acco_input_once(loop, areas):
    issue = raise_in(loop, [areas["aboriginal"]])
    acco = OrganisationFactory(sector=Sector.ACCO)
    first = issue_services.add_comment(
        issue, by=UserFactory(organisation=acco), body="Talk to the family's community first."
    )

    issue_services.add_comment(
        issue, by=UserFactory(organisation=acco), body="We agree with the earlier comment."
    )

    issue.refresh_from_db()
    assert issue.acco_input_at == first.created_at


def test_add_comment_by_acco_member_outside_acco_areas_records_nothing(loop, areas):
    issue = raise_in(loop, [areas["children"]])

    issue_services.add_comment(
        issue,
        by=UserFactory(organisation=OrganisationFactory(sector=Sector.ACCO)),
        body="A comment on practice.",
    )

    issue.refresh_from_db()
    assert issue.acco_input_at is None


def test_add_comment_by_government_member_records_no_acco_input(loop, areas):
    issue = raise_in(loop, [areas["aboriginal"]])

    issue_services.add_comment(
        issue,
        by=UserFactory(organisation=OrganisationFactory(sector=Sector.GOVERNMENT)),
        body="A comment on practice.",
    )

    issue.refresh_from_db()
    assert issue.acco_input_at is None


# --- Permission ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("lead", True),
        ("lead_of_other_area", False),
        ("practitioner", False),
        ("facilitator", False),
    ],
)
def test_give_advice_permission_by_role(loop, areas, lead, who, allowed):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    issue.practice_areas.set([areas["children"]])
    other = UserFactory()
    PracticeLeadFactory(user=other, practice_area=areas["housing"])
    people = {
        "lead": lead,
        "lead_of_other_area": other,
        "practitioner": loop.practitioner,
        "facilitator": loop.cfsn_facilitator,
        "admin": UserFactory(is_superuser=True),
    }

    assert people[who].has_perm("feedback.give_advice", issue) is allowed


@pytest.mark.parametrize(
    ("state", "allowed"),
    [("queued", True), ("resolved", True), ("draft", False), ("merged", False)],
)
def test_give_advice_permission_by_issue_state(loop, areas, lead, state, allowed):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, status=IssueStatus(state))
    issue.practice_areas.set([areas["children"]])

    assert lead.has_perm("feedback.give_advice", issue) is allowed


def test_give_advice_permission_restricted_only_where_lead_may_see(loop, areas, lead):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, restricted=True)
    issue.practice_areas.set([areas["children"]])
    before = lead.has_perm("feedback.give_advice", issue)
    member = UserFactory()
    PracticeLeadFactory(user=member, practice_area=areas["children"])
    MembershipFactory(user=member, forum=loop.cfsn)

    assert (before, member.has_perm("feedback.give_advice", issue)) == (False, True)


@pytest.mark.parametrize(("is_lead", "allowed"), [(True, True), (False, False)])
def test_view_lead_queue_permission_only_for_leads(areas, is_lead, allowed):
    user = UserFactory()
    if is_lead:
        PracticeLeadFactory(user=user, practice_area=areas["housing"])

    assert user.has_perm("feedback.view_lead_queue") is allowed


# --- Pages --------------------------------------------------------------------------------


def test_issue_page_shows_leads_advice_with_badge_and_timeline_entry(client, loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])
    advice_services.give_advice(issue, area=areas["children"], body=CLEAN_ADVICE, by=lead)
    client.force_login(loop.practitioner)

    html = client.get(issue.get_absolute_url()).content.decode()

    assert "Practice leads: Lena Lead (Children and families)" in html
    advice_section = html[html.index('id="advice-heading"') : html.index('id="comments-heading"')]
    assert CLEAN_ADVICE in advice_section
    assert "Practice lead, Children and families" in advice_section
    timeline = html[html.index('id="timeline-heading"') : html.index('id="advice-heading"')]
    assert "Expert advice" in timeline
    assert CLEAN_ADVICE in timeline
    assert 'action="/issues/' not in advice_section


def test_issue_page_offers_the_advice_form_to_the_lead(client, loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])
    client.force_login(lead)

    html = client.get(issue.get_absolute_url()).content.decode()

    assert f'action="{reverse("feedback:issue-advise", args=[issue.pk])}"' in html


def test_issue_page_acco_area_shows_not_yet_then_given_on_date_by_name(
    client, loop, areas, acco_lead
):
    issue = raise_in(loop, [areas["aboriginal"]])
    client.force_login(loop.practitioner)
    before = client.get(issue.get_absolute_url()).content.decode()
    with time_machine.travel(dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC), tick=False):
        advice_services.give_advice(
            issue, area=areas["aboriginal"], body=CLEAN_ADVICE, by=acco_lead
        )

    after = client.get(issue.get_absolute_url()).content.decode()

    label = "Input from an Aboriginal community-controlled organisation:"
    assert f"{label}\n  <strong>not yet</strong>" in before
    assert f"{label}\n  given on 4 March 2026 by Alinta Lead" in after


def test_issue_page_without_acco_area_shows_no_acco_status(client, loop, areas):
    issue = raise_in(loop, [areas["children"]])
    client.force_login(loop.practitioner)

    html = client.get(issue.get_absolute_url()).content.decode()

    assert "Aboriginal community-controlled organisation" not in html


def test_advice_view_post_adds_advice_and_returns_to_it(client, loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])
    client.force_login(lead)

    response = client.post(
        reverse("feedback:issue-advise", args=[issue.pk]),
        {"area": areas["children"].pk, "body": CLEAN_ADVICE},
    )

    advice = ExpertAdvice.objects.get()
    assert response.status_code == 302
    assert response.url == f"{issue.get_absolute_url()}#advice-{advice.pk}"


def test_advice_view_privacy_refusal_keeps_the_text(client, loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])
    client.force_login(lead)
    text = "Ring the carer on 0412 345 678 before the meeting."

    response = client.post(
        reverse("feedback:issue-advise", args=[issue.pk]),
        {"area": areas["children"].pk, "body": text},
    )

    assert response.status_code == 200
    assert response.context["form"].data["body"] == text
    assert text in response.content.decode()
    assert "identifying client information" in response.content.decode()
    assert ExpertAdvice.objects.count() == 0


def test_advice_view_area_not_led_is_an_invalid_choice(client, loop, areas, lead):
    issue = raise_in(loop, [areas["children"], areas["housing"]])
    client.force_login(lead)

    response = client.post(
        reverse("feedback:issue-advise", args=[issue.pk]),
        {"area": areas["housing"].pk, "body": CLEAN_ADVICE},
    )

    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert ExpertAdvice.objects.count() == 0


@pytest.mark.parametrize("who", ["practitioner", "admin"])
def test_advice_view_get_by_non_lead_is_forbidden(client, loop, areas, lead, who):
    issue = raise_in(loop, [areas["children"]])
    people = {"practitioner": loop.practitioner, "admin": UserFactory(is_superuser=True)}
    client.force_login(people[who])

    response = client.get(reverse("feedback:issue-advise", args=[issue.pk]))

    assert response.status_code == 403


def test_outcome_form_shows_acco_prompt_with_forum_acco_members_and_leads(
    client, loop, areas, acco_lead
):
    acco = OrganisationFactory(name="Kinship Circle", sector=Sector.ACCO)
    MembershipFactory(user=UserFactory(display_name="Nadia", organisation=acco), forum=loop.cfsn)
    issue = raise_in(loop, [areas["aboriginal"]])
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    with loop.at(loop.cfsn_meeting):
        html = client.get(reverse("feedback:outcome-record", args=[item.pk])).content.decode()

    assert (
        "This issue is in the Aboriginal children and families practice area. Seek input "
        "from an Aboriginal community-controlled organisation member or the area's practice "
        "lead before recording an outcome."
    ) in html
    assert "Nadia (Kinship Circle)" in html
    assert "Practice leads: Alinta Lead (Aboriginal children and families)" in html


def test_outcome_form_once_acco_input_given_shows_no_prompt(client, loop, areas, acco_lead):
    issue = raise_in(loop, [areas["aboriginal"]])
    advice_services.give_advice(issue, area=areas["aboriginal"], body=CLEAN_ADVICE, by=acco_lead)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    with loop.at(loop.cfsn_meeting):
        html = client.get(reverse("feedback:outcome-record", args=[item.pk])).content.decode()

    assert "Seek input from an Aboriginal" not in html


def test_out_of_session_form_shows_acco_prompt(client, loop, areas):
    issue = raise_in(loop, [areas["aboriginal"]])
    client.force_login(loop.cfsn_facilitator)

    html = client.get(reverse("feedback:issue-out-of-session", args=[issue.pk])).content.decode()

    assert "Seek input from an Aboriginal community-controlled organisation member" in html


def test_outcome_with_acco_input_missing_is_still_recorded(loop, areas):
    issue = raise_in(loop, [areas["aboriginal"]])
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item

    with loop.at(loop.cfsn_meeting):
        routing.record_outcome(
            item, outcome=Outcome.RESOLVED, note="Agreed locally.", by=loop.cfsn_facilitator
        )

    assert PracticeIssue.objects.get(pk=issue.pk).status == IssueStatus.RESOLVED


def test_triage_queue_row_prompts_for_acco_input_only_where_missing(client, loop, areas):
    waiting = raise_in(loop, [areas["aboriginal"]], title="Waiting for ACCO input")
    raise_in(loop, [areas["children"]], title="No ACCO area")
    given = raise_in(loop, [areas["aboriginal"]], title="ACCO input given")
    issue_services.add_comment(
        given,
        by=UserFactory(organisation=OrganisationFactory(sector=Sector.ACCO)),
        body="Our view.",
    )
    client.force_login(loop.cfsn_facilitator)

    response = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))

    flagged = {r.issue.title for r in response.context["queue"] if r.awaits_acco}
    assert flagged == {waiting.title}
    assert response.content.decode().count("ACCO input not yet given") == 1


def test_personal_data_lists_advice_the_member_wrote(client, loop, areas, lead):
    issue = raise_in(loop, [areas["children"]])
    advice = advice_services.give_advice(issue, area=areas["children"], body=CLEAN_ADVICE, by=lead)
    ExpertAdviceFactory(body="Someone else's advice.")
    client.force_login(lead)

    data = json.loads(client.get(reverse("members:personal-data-download")).content)

    assert [
        (a["issue"], a["issue_title"], a["as_lead_of"], a["advice"]) for a in data["expert_advice"]
    ] == [(issue.reference, issue.title, "Children and families", CLEAN_ADVICE)]
    assert data["expert_advice"][0]["written_at"] == advice.created_at.isoformat()
