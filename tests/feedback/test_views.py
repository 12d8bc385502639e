import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.choices import IssueStatus, Outcome
from feedback.models import Comment, PracticeIssue, Response, Watch
from feedback.services import issues as issue_services
from feedback.services import routing
from forums.choices import MeetingStatus, MembershipRole
from tests.factories.feedback import (
    EndorsementFactory,
    ExpertAdviceFactory,
    PracticeIssueFactory,
)
from tests.factories.forums import MeetingFactory, MembershipFactory
from tests.factories.members import PracticeAreaFactory, RegionFactory, UserFactory
from tests.factories.practice import GuidanceItemFactory


def issue_form(loop, **overrides):
    data = {
        "title": "Intake forms repeat the same questions",
        "description": "Families answer the same intake questions three times.",
        "practice_areas": [PracticeAreaFactory(name="Housing").pk],
        "origin_forum": loop.cfsn.pk,
        "attestation": "on",
        "action": "raise",
    }
    data.update(overrides)
    return data


def test_raise_issue_form_defaults_to_own_cfsn(client, loop):
    client.force_login(loop.practitioner)

    response = client.get(reverse("feedback:issue-create"))

    assert response.context["form"].initial["origin_forum"] == loop.cfsn.pk


def test_raise_issue_with_phone_number_reshows_form_with_input_and_message(client, loop):
    client.force_login(loop.practitioner)
    text = "Dad asked us to ring him on 0412 345 678 about intake."

    response = client.post(reverse("feedback:issue-create"), issue_form(loop, description=text))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This looks like identifying client information: a phone number" in html
    assert "“0412 345 678” on line 1" in html
    assert text in html
    assert 'value="Intake forms repeat the same questions"' in html
    assert PracticeIssue.objects.count() == 0


def test_raise_issue_without_attestation_reshows_form_with_message(client, loop):
    client.force_login(loop.practitioner)

    response = client.post(reverse("feedback:issue-create"), issue_form(loop, attestation=""))

    assert response.status_code == 200
    assert "Confirm that the issue holds no identifying information" in response.content.decode()
    assert PracticeIssue.objects.count() == 0


def test_raise_issue_valid_redirects_to_issue_page(client, loop):
    client.force_login(loop.practitioner)

    response = client.post(reverse("feedback:issue-create"), issue_form(loop), follow=True)

    issue = PracticeIssue.objects.get()
    assert issue.status == IssueStatus.QUEUED
    assert response.redirect_chain[-1][0] == issue.get_absolute_url()
    assert "Your issue has been raised at Northern CFSN" in response.content.decode()


def test_save_draft_keeps_draft_private_to_author(client, loop):
    client.force_login(loop.practitioner)
    client.post(reverse("feedback:issue-create"), issue_form(loop, action="draft", attestation=""))
    draft = PracticeIssue.objects.get()

    assert draft.status == IssueStatus.DRAFT
    client.force_login(loop.cfsn_facilitator)
    assert client.get(draft.get_absolute_url()).status_code == 403


def test_raising_a_draft_again_from_an_older_tab_goes_to_the_issue_with_a_message(client, loop):
    client.force_login(loop.practitioner)
    client.post(reverse("feedback:issue-create"), issue_form(loop, action="draft", attestation=""))
    draft = PracticeIssue.objects.get()
    edit = reverse("feedback:issue-edit", args=[draft.pk])
    client.post(edit, issue_form(loop))

    again = client.post(edit, issue_form(loop, description="Seen again at intake, twice."))
    opened = client.get(edit, follow=True)
    client.force_login(loop.cfsn_facilitator)
    someone_else = client.get(edit)

    # What was typed in the older tab is kept on the page, to copy into a comment.
    assert again.status_code == 200
    assert "This issue has been raised already" in again.content.decode()
    assert "Seen again at intake, twice." in again.content.decode()
    assert opened.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "This issue has been raised already" in opened.content.decode()
    issue = PracticeIssue.objects.get()
    assert issue.status == IssueStatus.QUEUED
    assert issue.description != "Seen again at intake, twice."
    assert draft.referrals.count() == 1
    assert someone_else.status_code == 403


def test_issue_detail_shows_timeline_and_endorsement_regions(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, raised_by=loop.practitioner)
    EndorsementFactory(issue=issue, user=UserFactory(region=RegionFactory(name="East")))
    EndorsementFactory(issue=issue, user=UserFactory(region=RegionFactory(name="West")))
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    client.force_login(loop.practitioner)

    html = client.get(issue.get_absolute_url()).content.decode()

    assert "2 endorsements from 2 regions" in html
    assert "Placed on an agenda" in html
    assert loop.cfsn_meeting.title in html


def test_endorse_button_adds_one_endorsement(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    client.force_login(loop.practitioner)

    client.post(reverse("feedback:issue-endorse", args=[issue.pk]))
    client.post(reverse("feedback:issue-endorse", args=[issue.pk]))

    assert issue.endorsements.count() == 1


def test_outcome_escalate_without_summary_reshows_form_with_messages(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    with loop.at(loop.cfsn_meeting):
        response = client.post(
            reverse("feedback:outcome-record", args=[item.pk]),
            {"outcome": Outcome.ESCALATED, "summary": "", "rationale": "Systemic"},
        )

    assert response.status_code == 200
    assert "An escalation needs this." in response.content.decode()
    assert "Systemic</textarea>" in response.content.decode()
    issue.refresh_from_db()
    assert issue.current_forum == loop.cfsn


def test_outcome_escalate_moves_issue_to_statewide_agenda(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    with loop.at(loop.cfsn_meeting):
        client.post(
            reverse("feedback:outcome-record", args=[item.pk]),
            {
                "outcome": Outcome.ESCALATED,
                "summary": "Across regions",
                "rationale": "Needs guidance",
            },
        )

    issue.refresh_from_db()
    assert issue.current_forum == loop.statewide
    assert loop.statewide_meeting.agenda_items.get().referral.issue == issue


def test_respond_with_past_due_date_reshows_form(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, current_forum=loop.strategic)
    client.force_login(loop.executive)

    response = client.post(
        reverse("feedback:issue-respond", args=[issue.pk]),
        {
            "decision": "Fund it.",
            "owner": loop.executive.pk,
            "due_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "scope": "origin",
        },
    )

    assert response.status_code == 200
    assert "The due date cannot be in the past." in response.content.decode()
    assert "Fund it." in response.content.decode()


def test_issue_list_search_finds_by_word(client, loop):
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Housing waitlists")
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Interpreter bookings")
    client.force_login(loop.practitioner)

    response = client.get(reverse("feedback:issue-list"), {"q": "interpreter"})

    assert [i.title for i in response.context["issues"]] == ["Interpreter bookings"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("interpreter -bookings", ["Interpreter briefings"]),
        ('"interpreter bookings"', ["Interpreter bookings"]),
        ("housing or briefings", ["Interpreter briefings", "Housing waitlists"]),
        # "or" is too common a word to search for, alone or left out.
        (
            "interpreter -or",
            ["Interpreter bookings", "Interpreter briefings", "Bookings for interpreter"],
        ),
        ("or", []),
        ('- ""', []),
    ],
)
def test_issue_list_search_reads_a_minus_quotes_and_or(client, loop, query, found):
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Housing waitlists")
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Interpreter bookings")
    PracticeIssueFactory(
        origin_forum=loop.cfsn, title="Interpreter briefings", description="They run late."
    )
    PracticeIssueFactory(
        origin_forum=loop.cfsn, title="Bookings for interpreter", description="Short notice."
    )
    client.force_login(loop.practitioner)

    response = client.get(reverse("feedback:issue-list"), {"q": query})

    assert sorted(i.title for i in response.context["issues"]) == sorted(found)


def test_issue_list_filters_by_status_and_region(client, loop):
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Ours")
    PracticeIssueFactory(origin_forum=loop.other_cfsn, title="Theirs")
    PracticeIssueFactory(origin_forum=loop.cfsn, title="Done", status=IssueStatus.RESOLVED)
    client.force_login(loop.practitioner)

    response = client.get(
        reverse("feedback:issue-list"), {"status": "queued", "region": loop.cfsn.region.pk}
    )

    assert [i.title for i in response.context["issues"]] == ["Ours"]


def _many_issues(loop, size):
    for n in range(size):
        issue = PracticeIssueFactory(origin_forum=loop.cfsn, title=f"Issue {n}")
        issue.practice_areas.add(PracticeAreaFactory(name=f"Area {n % 3}"))
        EndorsementFactory(issue=issue)


@pytest.mark.parametrize("size", [2, 12])
def test_issue_list_queries_do_not_grow(client, loop, size, django_assert_max_num_queries):
    _many_issues(loop, size)
    client.force_login(loop.practitioner)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("feedback:issue-list"))

    assert len(response.context["issues"]) == size


@pytest.mark.parametrize("size", [2, 12])
def test_triage_queue_queries_do_not_grow(client, loop, size, django_assert_max_num_queries):
    _many_issues(loop, size)
    client.force_login(loop.cfsn_facilitator)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))

    assert len(response.context["queue"]) == size


@pytest.mark.parametrize("size", [2, 12])
def test_executive_queue_queries_do_not_grow(client, loop, size, django_assert_max_num_queries):
    for n in range(size):
        issue = PracticeIssueFactory(origin_forum=loop.cfsn, title=f"Issue {n}")
        routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
        with loop.at(loop.cfsn_meeting):
            routing.escalate_issue(issue, by=loop.cfsn_facilitator, summary="s", rationale="r")
        with loop.at(loop.statewide_meeting):
            routing.escalate_issue(issue, by=loop.statewide_facilitator, summary="s", rationale="r")
    client.force_login(loop.executive)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("feedback:executive-queue"), {"sort": "endorsements"})

    assert len(response.context["referrals"]) == size


def test_statewide_queue_flags_issue_endorsed_from_three_regions(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Shared intake")
    issue.practice_areas.add(PracticeAreaFactory(name="Housing"))
    for name in ("A", "B", "C"):
        EndorsementFactory(issue=issue, user=UserFactory(region=RegionFactory(name=name)))
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    with loop.at(loop.cfsn_meeting):
        routing.escalate_issue(issue, by=loop.cfsn_facilitator, summary="s", rationale="r")
    client.force_login(loop.statewide_facilitator)

    html = client.get(reverse("feedback:forum-queue", args=["statewide"])).content.decode()

    assert "Patterns across regions" in html
    assert "Possibly systemic" in html


def test_raise_issue_form_does_not_offer_the_strategic_forum(client, loop):
    client.force_login(loop.practitioner)

    form = client.get(reverse("feedback:issue-create")).context["form"]

    assert loop.strategic not in form.fields["origin_forum"].queryset
    assert loop.statewide in form.fields["origin_forum"].queryset


def test_triage_action_on_a_draft_is_not_found_even_for_an_administrator(client, loop):
    draft = PracticeIssueFactory(
        origin_forum=loop.cfsn, status=IssueStatus.DRAFT, current_forum=None, referral=False
    )
    client.force_login(UserFactory(is_superuser=True))

    response = client.post(reverse("feedback:issue-decline", args=[draft.pk]), {"note": "x"})

    assert response.status_code == 404


def test_outcome_pressed_twice_says_it_is_already_recorded(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)
    data = {"outcome": Outcome.RESOLVED, "note": "Sorted."}
    with loop.at(loop.cfsn_meeting):
        client.post(reverse("feedback:outcome-record", args=[item.pk]), data)

        again = client.post(reverse("feedback:outcome-record", args=[item.pk]), data, follow=True)

    assert "An outcome has already been recorded for this item." in again.content.decode()


# --- Length limits and one-line titles -------------------------------------------------


def test_raise_issue_with_100_kb_description_gets_only_the_length_message(client, loop):
    # Text the form refuses for its length is never scanned by the privacy guard: the person
    # reads one message, about the length, and the page answers without reading 100 KB.
    client.force_login(loop.practitioner)
    description = "Call 0412 345 678 about it. " + "1 " * 25_000 + "a." * 25_000

    response = client.post(
        reverse("feedback:issue-create"), issue_form(loop, description=description)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters (it has 100028)." in html
    assert "identifying client information" not in html
    assert 'value="Intake forms repeat the same questions"' in html
    assert PracticeIssue.objects.count() == 0


def test_raise_issue_form_tells_the_browser_the_length_limits(client, loop):
    client.force_login(loop.practitioner)

    html = client.get(reverse("feedback:issue-create")).content.decode()

    assert 'name="title" maxlength="200"' in html
    assert 'maxlength="20000"' in html


def test_raise_issue_title_with_line_breaks_is_stored_on_one_line(client, loop):
    client.force_login(loop.practitioner)

    client.post(
        reverse("feedback:issue-create"),
        issue_form(loop, title="Intake forms\r\nrepeat\tthe  same questions\u2028again"),
    )

    assert PracticeIssue.objects.get().title == "Intake forms repeat the same questions again"


def test_comment_longer_than_the_limit_reshows_with_length_message(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, current_forum=loop.cfsn)
    client.force_login(loop.practitioner)

    response = client.post(
        reverse("feedback:issue-comment", args=[issue.pk]), {"body": "x" * 10_001}
    )

    assert "Ensure this value has at most 10000 characters (it has 10001)." in (
        response.content.decode()
    )
    assert Comment.objects.count() == 0


# --- Outcomes at meetings that have started; out-of-session decisions; landing -------------


def _on(meeting):
    return f"{meeting.title} on {timezone.localtime(meeting.start):%-d %B %Y}"


def test_outcome_form_before_the_meeting_starts_is_not_offered_and_says_when(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    response = client.get(reverse("feedback:outcome-record", args=[item.pk]), follow=True)

    assert response.redirect_chain[-1][0] == issue.get_absolute_url()
    html = response.content.decode()
    assert "Northern CFSN meeting has not started yet" in html
    assert reverse("feedback:outcome-record", args=[item.pk]) not in html


def test_outcome_post_before_the_meeting_starts_is_refused_and_changes_nothing(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    events = issue.events.count()
    client.force_login(loop.cfsn_facilitator)

    response = client.post(
        reverse("feedback:outcome-record", args=[item.pk]),
        {"outcome": Outcome.RESOLVED, "note": "Sorted."},
        follow=True,
    )

    assert "Northern CFSN meeting has not started yet" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA
    assert issue.referrals.get().outcome == ""
    assert issue.events.count() == events
    assert item.decisions.count() == 0


def test_outcome_links_appear_once_the_meeting_has_started(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    link = reverse("feedback:outcome-record", args=[issue.referrals.get().agenda_item.pk])
    client.force_login(loop.cfsn_facilitator)
    pages = [
        issue.get_absolute_url(),
        reverse("feedback:forum-queue", args=[loop.cfsn.slug]),
    ]

    before = [link in client.get(url).content.decode() for url in pages]
    with loop.at(loop.cfsn_meeting):
        during = [link in client.get(url).content.decode() for url in pages]
        meeting_page = client.get(loop.cfsn_meeting.get_absolute_url()).content.decode()

    assert before == [False, False]
    assert during == [True, True]
    # The meeting page leads straight to the item's outcome, not to the whole queue.
    assert f'href="{link}"' in meeting_page
    assert "Outcomes to record" in meeting_page
    assert "Outcomes to record" not in (
        client.get(loop.cfsn_meeting.get_absolute_url()).content.decode()
    )


def test_outcome_escalated_lands_on_the_issue_saying_where_it_is_now(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    with loop.at(loop.cfsn_meeting):
        response = client.post(
            reverse("feedback:outcome-record", args=[item.pk]),
            {
                "outcome": Outcome.ESCALATED,
                "note": "Members want state-wide data.",
                "summary": "Across regions",
                "rationale": "Needs guidance",
            },
            follow=True,
        )

    assert response.redirect_chain[-1][0] == issue.get_absolute_url()
    html = response.content.decode()
    assert (
        f"Escalated to the State-wide Practitioner Forum: on the agenda of "
        f"{_on(loop.statewide_meeting)}." in html
    )
    assert "Members want state-wide data." in html


def test_outcome_escalated_with_no_open_meeting_says_it_waits(client, loop):
    loop.statewide_meeting.delete()
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    with loop.at(loop.cfsn_meeting):
        response = client.post(
            reverse("feedback:outcome-record", args=[item.pk]),
            {"outcome": Outcome.ESCALATED, "summary": "Across regions", "rationale": "Systemic"},
            follow=True,
        )

    assert (
        "Escalated to the State-wide Practitioner Forum: waiting for its next meeting."
        in response.content.decode()
    )


def test_outcome_with_another_item_waiting_lands_on_the_next_item(client, loop):
    first = PracticeIssueFactory(origin_forum=loop.cfsn, title="First issue")
    second = PracticeIssueFactory(origin_forum=loop.cfsn, title="Second issue")
    for issue in (first, second):
        routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    first_item = first.referrals.get().agenda_item
    second_item = second.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    with loop.at(loop.cfsn_meeting):
        response = client.post(
            reverse("feedback:outcome-record", args=[first_item.pk]),
            {"outcome": Outcome.RESOLVED, "note": "Agreed one form."},
            follow=True,
        )

    assert response.redirect_chain[-1][0] == reverse(
        "feedback:outcome-record", args=[second_item.pk]
    )
    assert "Next on this agenda: “Second issue”." in response.content.decode()


def test_issue_page_offers_an_out_of_session_decision_only_to_who_runs_the_forum(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    link = reverse("feedback:issue-out-of-session", args=[issue.pk])

    client.force_login(loop.cfsn_facilitator)
    facilitator_page = client.get(issue.get_absolute_url()).content.decode()
    with loop.at(loop.cfsn_meeting):
        during_meeting = client.get(issue.get_absolute_url()).content.decode()
    client.force_login(loop.practitioner)
    practitioner_page = client.get(issue.get_absolute_url()).content.decode()

    assert link in facilitator_page
    assert link not in during_meeting
    assert link not in practitioner_page


def test_out_of_session_escalation_is_labelled_on_the_path_and_timeline(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, raised_by=loop.practitioner)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    client.force_login(loop.cfsn_facilitator)

    response = client.post(
        reverse("feedback:issue-out-of-session", args=[issue.pk]),
        {
            "outcome": Outcome.ESCALATED,
            "reason": "The funding round closes first.",
            "summary": "Across regions",
            "rationale": "Systemic",
        },
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == issue.get_absolute_url()
    assert "Out-of-session decision recorded. Escalated to the State-wide" in html
    client.force_login(loop.practitioner)
    page = client.get(issue.get_absolute_url()).content.decode()
    path = page.split('id="path-heading"')[1].split("<h3")[0]
    timeline = page.split('<ol class="timeline')[1]
    assert "Out-of-session decision</span> Escalated to the next tier" in path
    assert "Reason for deciding out of session: The funding round closes first." in path
    assert "Out-of-session decision</span>" in timeline


def test_out_of_session_without_a_reason_reshows_the_form_and_changes_nothing(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    client.force_login(loop.cfsn_facilitator)

    response = client.post(
        reverse("feedback:issue-out-of-session", args=[issue.pk]),
        {"outcome": Outcome.RESOLVED, "reason": "", "note": "Agreed."},
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.QUEUED


def test_out_of_session_while_the_meeting_runs_sends_to_the_outcome_form(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    with loop.at(loop.cfsn_meeting):
        response = client.get(reverse("feedback:issue-out-of-session", args=[issue.pk]))

    assert response.url == reverse("feedback:outcome-record", args=[item.pk])


def _at_strategic(loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Shared intake")
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    with loop.at(loop.cfsn_meeting):
        routing.escalate_issue(issue, by=loop.cfsn_facilitator, summary="s", rationale="r")
    with loop.at(loop.statewide_meeting):
        routing.escalate_issue(issue, by=loop.statewide_facilitator, summary="s", rationale="r")
    return issue


def response_data(**overrides):
    return {
        "decision": "Fund it.",
        "owner": "",
        "due_date": (timezone.localdate() + dt.timedelta(days=200)).isoformat(),
        "review_date": (timezone.localdate() + dt.timedelta(days=100)).isoformat(),
        "scope": "origin",
        **overrides,
    }


def test_respond_before_the_strategic_meeting_asks_the_chair_for_a_reason(client, loop):
    issue = _at_strategic(loop)
    client.force_login(loop.executive)
    url = reverse("feedback:issue-respond", args=[issue.pk])

    refused = client.post(url, response_data(owner=loop.executive.pk))
    accepted = client.post(
        url,
        response_data(owner=loop.executive.pk, out_of_session_reason="Budget round closes."),
    )

    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert accepted.status_code == 302
    assert issue.referrals.get(forum=loop.strategic).out_of_session is True


def test_respond_before_the_strategic_meeting_is_not_offered_to_an_executive_member(client, loop):
    issue = _at_strategic(loop)
    member = UserFactory()
    MembershipFactory(user=member, forum=loop.strategic, role=MembershipRole.EXECUTIVE)
    client.force_login(member)

    response = client.post(
        reverse("feedback:issue-respond", args=[issue.pk]),
        response_data(owner=member.pk),
        follow=True,
    )

    assert "Strategic Leadership Forum meeting has not started yet" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA


def test_respond_at_the_strategic_meeting_needs_no_reason(client, loop):
    issue = _at_strategic(loop)

    with loop.at(loop.strategic_meeting):
        client.force_login(loop.executive)
        form = client.get(reverse("feedback:issue-respond", args=[issue.pk])).context["form"]
        response = client.post(
            reverse("feedback:issue-respond", args=[issue.pk]),
            response_data(owner=loop.executive.pk),
        )

    assert "out_of_session_reason" not in form.fields
    assert response.status_code == 302
    assert issue.referrals.get(forum=loop.strategic).out_of_session is False


def test_respond_sent_after_a_colleague_responded_keeps_the_decision_typed(client, loop):
    issue = _at_strategic(loop)
    colleague = UserFactory()
    MembershipFactory(user=colleague, forum=loop.strategic, role=MembershipRole.EXECUTIVE)
    url = reverse("feedback:issue-respond", args=[issue.pk])

    with loop.at(loop.strategic_meeting):
        client.force_login(colleague)
        client.post(url, response_data(owner=colleague.pk))
        client.force_login(loop.executive)
        late = client.post(
            url, response_data(owner=loop.executive.pk, decision="Commission a review.")
        )

    assert late.status_code == 200
    html = late.content.decode()
    # Announced, and taking the focus, so a keyboard or screen-reader user starts from why.
    alert = html.split(
        '<div class="alert alert-block alert-danger" role="alert" tabindex="-1" autofocus>'
    )[1]
    assert alert.split("</div>")[0].count("This issue is no longer waiting for a response") == 1
    assert "Commission a review." in html
    assert Response.objects.get(issue=issue).recorded_by == colleague


def test_save_draft_with_only_a_title_keeps_it(client, loop):
    client.force_login(loop.practitioner)

    response = client.post(
        reverse("feedback:issue-create"),
        issue_form(loop, action="draft", attestation="", description="", practice_areas=[]),
    )

    draft = PracticeIssue.objects.get()
    assert response.status_code == 302
    assert draft.status == IssueStatus.DRAFT
    assert draft.title == "Intake forms repeat the same questions"
    assert draft.description == ""


def test_raise_issue_without_description_asks_for_it_and_keeps_the_title(client, loop):
    client.force_login(loop.practitioner)

    response = client.post(reverse("feedback:issue-create"), issue_form(loop, description=""))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert 'value="Intake forms repeat the same questions"' in html
    assert PracticeIssue.objects.count() == 0


def test_issue_page_offers_facilitator_only_the_outcomes_of_their_own_forum(client, loop):
    from feedback.choices import ReferralPurpose
    from tests.factories.feedback import ReferralFactory
    from tests.factories.forums import AgendaItemFactory, MeetingFactory

    issue = PracticeIssueFactory(
        origin_forum=loop.cfsn, status=IssueStatus.RESPONDED, referral=False
    )
    now = timezone.now()
    items = {}
    for forum in (loop.cfsn, loop.other_cfsn):
        held = MeetingFactory(
            forum=forum, start=now - dt.timedelta(minutes=30), end=now + dt.timedelta(hours=1)
        )
        items[forum.slug] = AgendaItemFactory(meeting=held, kind="response")
        ReferralFactory(
            issue=issue,
            forum=forum,
            purpose=ReferralPurpose.REFLECT,
            agenda_item=items[forum.slug],
        )
    client.force_login(loop.cfsn_facilitator)

    html = client.get(issue.get_absolute_url()).content.decode()

    assert reverse("feedback:outcome-record", args=[items["northern-cfsn"].pk]) in html
    assert reverse("feedback:outcome-record", args=[items["southern-cfsn"].pk]) not in html


def test_triage_queue_actions_are_buttons_that_wrap_and_issue_names_its_tier(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    client.force_login(loop.cfsn_facilitator)

    queue = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug])).content.decode()
    page = client.get(issue.get_absolute_url()).content.decode()

    place = reverse("feedback:issue-place", args=[issue.pk])
    assert '<div class="row-actions">' in queue
    assert f'<a class="btn btn-sm btn-primary" href="{place}"' in queue
    assert '<span class="tier-badge">Regional CFSN meeting</span>' in page


def test_issue_page_reads_its_viewer_endorsement_watch_duplicates_guidance_and_advice(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    duplicate = PracticeIssueFactory(
        origin_forum=loop.cfsn, status=IssueStatus.MERGED, merged_into=issue
    )
    issue.related_guidance.add(GuidanceItemFactory(title="Shared intake checklist"))
    ExpertAdviceFactory(issue=issue, body="Start from the intake checklist.")
    EndorsementFactory(issue=issue, user=loop.practitioner)
    Watch.objects.create(issue=issue, user=loop.practitioner)
    client.force_login(loop.practitioner)

    html = client.get(issue.get_absolute_url()).content.decode()

    assert "You have endorsed this issue." in html
    assert "Stop watching" in html
    assert f'href="{duplicate.get_absolute_url()}"' in html
    assert "Shared intake checklist" in html
    assert "Start from the intake checklist." in html


def test_issue_page_without_endorsement_watch_duplicates_guidance_or_advice_says_so(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    EndorsementFactory(issue=PracticeIssueFactory(origin_forum=loop.cfsn), user=loop.practitioner)
    client.force_login(loop.practitioner)

    html = client.get(issue.get_absolute_url()).content.decode()

    assert "Endorse: we see this too" in html
    assert "Watch this issue" in html
    assert "Merged duplicates" not in html
    assert "No practice library items are cited for this issue." in html
    assert "No practice lead has advised on this issue yet." in html


def test_triage_pages_tell_no_one_who_may_not_triage_what_state_an_issue_is_in(client, loop):
    draft = issue_services.save_draft(
        issue=None,
        by=loop.practitioner,
        title="Respite waiting lists",
        description="",
        practice_areas=[],
        forum=loop.cfsn,
    )
    raised = PracticeIssueFactory(origin_forum=loop.cfsn, restricted=True)
    answers = {}
    for who in ("anonymous", "member", "administrator"):
        if who == "member":
            client.force_login(UserFactory())
        elif who == "administrator":
            client.force_login(UserFactory(is_superuser=True))
        answers[who] = [
            client.get(reverse("feedback:issue-decline", args=[issue.pk])).status_code
            for issue in (draft, raised)
        ]

    assert answers == {
        "anonymous": [302, 302],
        "member": [403, 403],
        "administrator": [404, 200],
    }


def _escalated_by_a_colleague(loop):
    """An issue a CFSN facilitator's colleague escalated at their meeting."""
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    item = issue.referrals.get().agenda_item
    with loop.at(loop.cfsn_meeting):
        routing.record_outcome(
            item,
            outcome=Outcome.ESCALATED,
            note="",
            by=loop.cfsn_facilitator,
            summary="Seen across the region",
            rationale="Needs state-wide guidance",
        )
    return issue


def test_decline_sent_after_a_colleague_escalated_the_issue_keeps_the_reason_typed(client, loop):
    issue = _escalated_by_a_colleague(loop)
    client.force_login(loop.cfsn_facilitator)
    url = reverse("feedback:issue-decline", args=[issue.pk])

    opened = client.get(url, follow=True)
    sent = client.post(url, {"note": "Covered by the intake guidance."})

    assert opened.redirect_chain == [(issue.get_absolute_url(), 302)]
    assert sent.status_code == 200
    html = sent.content.decode()
    assert "This issue has moved on meanwhile" in html
    assert "Covered by the intake guidance." in html
    issue.refresh_from_db()
    assert issue.current_forum == loop.statewide


def test_place_sent_after_a_colleague_escalated_the_issue_lists_no_meeting_of_the_next_forum(
    client, loop
):
    issue = _escalated_by_a_colleague(loop)
    MeetingFactory(
        forum=loop.statewide, status=MeetingStatus.DRAFT, title="State-wide planning day"
    )
    client.force_login(loop.cfsn_facilitator)

    sent = client.post(
        reverse("feedback:issue-place", args=[issue.pk]),
        {"meeting": loop.cfsn_meeting.pk},
        follow=True,
    )

    html = sent.content.decode()
    assert sent.redirect_chain == [(issue.get_absolute_url(), 302)]
    assert "This issue has moved on meanwhile" in html
    assert "State-wide planning day" not in html
