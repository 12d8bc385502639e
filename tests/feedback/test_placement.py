import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.choices import EventKind, IssueStatus, Outcome
from feedback.exceptions import TransitionNotAllowed
from feedback.models import IssueEvent
from feedback.services import issues as issue_services
from feedback.services import routing
from feedback.services.placement import move_to_later_meeting
from feedback.tasks import place_stranded
from forums.choices import AgendaItemKind, MeetingStatus, MembershipRole
from forums.exceptions import ForumActionRefused
from forums.models import AgendaItem, Decision, ForumAgendaDefault
from forums.services import agenda as forum_agenda
from forums.services.agenda import remove_agenda_item
from forums.services.meetings import publish_meeting
from forums.services.minutes import add_action_item, record_minutes
from members.models import Notification
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import AgendaItemFactory, MeetingFactory, MembershipFactory
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db


def _later(meeting, *, days=7, **fields):
    start = meeting.start + dt.timedelta(days=days)
    return MeetingFactory(
        forum=meeting.forum, start=start, end=start + dt.timedelta(hours=2), **fields
    )


def _placed(loop, title="Interpreter bookings", meeting=None):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title=title)
    routing.place_on_agenda(issue, meeting=meeting or loop.cfsn_meeting, by=loop.cfsn_facilitator)
    return issue


def _escalated(loop, title="Interpreter bookings"):
    issue = _placed(loop, title)
    with loop.at(loop.cfsn_meeting):
        routing.escalate_issue(issue, by=loop.cfsn_facilitator, summary="s", rationale="r")
    return issue


def _item(issue):
    return issue.referrals.get(left_at__isnull=True).agenda_item


def _carried_over(loop, issue, times):
    for _ in range(times):
        item = _item(issue)
        with loop.at(item.meeting):
            routing.record_outcome(
                item, outcome=Outcome.CARRIED_OVER, note="", by=loop.cfsn_facilitator
            )


def _notices_to(user):
    """The time notices this person got."""
    notices = Notification.objects.filter(recipient=user, subject__endswith=" minutes")
    return list(notices.values_list("subject", flat=True))


# --- Default minutes when routing ------------------------------------------------------


def test_place_on_agenda_item_takes_forums_default_for_practice_issue(loop):
    ForumAgendaDefault.objects.create(
        forum=loop.cfsn, kind=AgendaItemKind.PRACTICE_ISSUE, minutes=25
    )

    issue = _placed(loop)

    assert _item(issue).minutes_allotted == 25


def test_escalate_issue_item_takes_next_forums_default_not_the_origins(loop):
    ForumAgendaDefault.objects.create(
        forum=loop.cfsn, kind=AgendaItemKind.PRACTICE_ISSUE, minutes=25
    )
    ForumAgendaDefault.objects.create(
        forum=loop.statewide, kind=AgendaItemKind.PRACTICE_ISSUE, minutes=30
    )

    issue = _escalated(loop)

    assert (_item(issue).meeting, _item(issue).minutes_allotted) == (loop.statewide_meeting, 30)


def test_place_on_agenda_without_forum_setting_takes_fifteen_minutes(loop):
    issue = _placed(loop)

    assert _item(issue).minutes_allotted == 15


# --- The overrun notice ------------------------------------------------------------------


def test_escalate_issue_over_meetings_length_tells_each_facilitator_once(loop):
    chair = MembershipFactory(forum=loop.statewide, role=MembershipRole.CHAIR).user
    member = MembershipFactory(forum=loop.statewide).user
    AgendaItemFactory(meeting=loop.statewide_meeting, minutes_allotted=115)
    roomy = _later(loop.statewide_meeting)

    issue = _escalated(loop)

    subject = f"{loop.statewide_meeting} is now 130 of 120 minutes"
    assert _notices_to(loop.statewide_facilitator) == [subject]
    assert _notices_to(chair) == [subject]
    assert _notices_to(member) == []
    body = Notification.objects.get(recipient=chair, subject=subject).body
    assert "“Interpreter bookings”" in body
    assert f"The next meeting with room for its 15 minutes is {roomy}" in body
    assert _item(issue).meeting == loop.statewide_meeting


def test_escalate_issue_over_time_without_room_later_says_so(loop):
    AgendaItemFactory(meeting=loop.statewide_meeting, minutes_allotted=115)

    _escalated(loop)

    body = Notification.objects.get(
        recipient=loop.statewide_facilitator, subject__endswith=" minutes"
    ).body
    assert f"No later meeting of {loop.statewide.name} has room for it yet." in body


def test_escalate_issue_that_fits_tells_no_facilitator_of_time(loop):
    AgendaItemFactory(meeting=loop.statewide_meeting, minutes_allotted=105)

    _escalated(loop)

    assert not Notification.objects.filter(subject__contains=" minutes").exists()


def test_place_waiting_referrals_over_time_tells_each_facilitator_once(loop):
    waiting = loop.statewide_meeting
    waiting.status = MeetingStatus.DRAFT
    waiting.save(update_fields=["status"])
    for n in range(3):
        _escalated(loop, title=f"Issue {n}")
    AgendaItemFactory(meeting=waiting, minutes_allotted=100)
    waiting.status = MeetingStatus.PUBLISHED
    waiting.save(update_fields=["status"])

    placed = routing.place_waiting_referrals(waiting)

    assert placed == 3
    assert _notices_to(loop.statewide_facilitator) == [f"{waiting} is now 145 of 120 minutes"]


def test_place_waiting_referrals_over_time_names_the_published_meeting_not_one_skipped(loop):
    published = loop.statewide_meeting
    published.status = MeetingStatus.DRAFT
    published.save(update_fields=["status"])
    _escalated(loop, title="Waiting")
    # A later escalation, already triaged onto another coming meeting, is passed over.
    other = _later(published, days=14, status=MeetingStatus.DRAFT)
    routing.place_on_agenda(
        _escalated(loop, title="Scheduled"), meeting=other, by=loop.statewide_facilitator
    )
    AgendaItemFactory(meeting=published, minutes_allotted=115)
    published.status = MeetingStatus.PUBLISHED
    published.save(update_fields=["status"])

    placed = routing.place_waiting_referrals(published)

    assert placed == 1
    assert _notices_to(loop.statewide_facilitator) == [f"{published} is now 130 of 120 minutes"]


def test_carry_over_unfinished_over_time_tells_each_facilitator_once(loop):
    for n in range(3):
        _placed(loop, title=f"Issue {n}")
    later = _later(loop.cfsn_meeting)
    AgendaItemFactory(meeting=later, minutes_allotted=100)

    with loop.at(loop.cfsn_meeting, minutes=150):
        moved = routing.carry_over_unfinished(loop.cfsn_meeting)

    assert moved == 3
    assert later.agenda_items.count() == 4
    assert _notices_to(loop.cfsn_facilitator) == [f"{later} is now 145 of 120 minutes"]


def test_agenda_edit_view_after_overrun_shows_it_in_words(client, loop):
    AgendaItemFactory(meeting=loop.statewide_meeting, minutes_allotted=115)
    _escalated(loop)
    client.force_login(loop.statewide_facilitator)

    html = client.get(
        reverse("forums:agenda-edit", kwargs={"pk": loop.statewide_meeting.pk})
    ).content.decode()

    assert (
        f"<strong>Over time:</strong> {loop.statewide_meeting.title} is now 130 of 120 minutes."
        in html
    )


# --- Moving an issue's item to a later meeting -------------------------------------------


def test_move_to_later_meeting_moves_referral_and_removes_old_item(loop):
    issue = _placed(loop)
    old = _item(issue)
    later = _later(loop.cfsn_meeting)

    move_to_later_meeting(old, meeting=later, by=loop.cfsn_facilitator)

    new = _item(issue)
    assert (new.meeting, new.title, new.minutes_allotted) == (later, old.title, 15)
    assert not AgendaItem.objects.filter(pk=old.pk).exists()
    event = issue.events.latest("id")
    assert (event.kind, event.agenda_item, event.actor) == (
        EventKind.PLACED,
        new,
        loop.cfsn_facilitator,
    )
    assert event.note.startswith(f"Moved from {loop.cfsn_meeting.title}")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA


def test_move_to_later_meeting_during_the_meeting_after_minutes_were_taken_is_refused(loop):
    issue = _placed(loop)
    item = _item(issue)
    later = _later(loop.cfsn_meeting, days=28)
    with loop.at(loop.cfsn_meeting, minutes=60):
        record_minutes(
            loop.cfsn_meeting,
            by=loop.cfsn_facilitator,
            notes={item.pk: "Three agencies agreed to share their intake forms."},
            decisions={item.pk: "Trial a shared form."},
        )
        action = add_action_item(
            loop.cfsn_meeting,
            by=loop.cfsn_facilitator,
            title="Draft the shared form",
            owner=loop.cfsn_facilitator,
            due_date=timezone.localdate() + dt.timedelta(days=20),
            agenda_item=item,
        )

        with pytest.raises(TransitionNotAllowed, match="stays on its agenda as the record"):
            move_to_later_meeting(item, meeting=later, by=loop.cfsn_facilitator)

    kept = AgendaItem.objects.get(pk=item.pk)
    assert kept.notes == "Three agencies agreed to share their intake forms."
    assert Decision.objects.get(meeting=loop.cfsn_meeting).agenda_item == kept
    action.refresh_from_db()
    assert action.agenda_item == kept
    assert _item(issue) == kept
    assert not AgendaItem.objects.filter(meeting=later, title=item.title).exists()


def test_move_to_later_meeting_during_the_meeting_an_item_not_reached_moves(loop):
    issue = _placed(loop)
    item = _item(issue)
    later = _later(loop.cfsn_meeting, days=28)

    with loop.at(loop.cfsn_meeting, minutes=60):
        move_to_later_meeting(item, meeting=later, by=loop.cfsn_facilitator)

    assert _item(issue).meeting == later
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_forums_move_during_the_meeting_keeps_an_item_with_notes_on_its_agenda(loop):
    item = AgendaItemFactory(meeting=loop.cfsn_meeting, title="Local services update")
    later = _later(loop.cfsn_meeting, days=28)
    with loop.at(loop.cfsn_meeting, minutes=60):
        record_minutes(
            loop.cfsn_meeting,
            by=loop.cfsn_facilitator,
            notes={item.pk: "Two new family support services opened."},
            decisions={},
        )

        with pytest.raises(ForumActionRefused, match="stays on its agenda as the record"):
            forum_agenda.move_to_later_meeting(item, meeting=later, by=loop.cfsn_facilitator)

    assert AgendaItem.objects.get(pk=item.pk).notes == "Two new family support services opened."
    assert not AgendaItem.objects.filter(meeting=later).exists()


@pytest.mark.parametrize("target", ["earlier", "other_forum", "draft", "started"])
def test_move_to_later_meeting_not_later_open_meeting_of_forum_is_refused_unchanged(loop, target):
    issue = _placed(loop)
    old = _item(issue)
    meetings = {
        "earlier": lambda: _later(loop.cfsn_meeting, days=-1),
        "other_forum": lambda: MeetingFactory(
            forum=loop.other_cfsn, start=loop.cfsn_meeting.start + dt.timedelta(days=7)
        ),
        "draft": lambda: _later(loop.cfsn_meeting, status=MeetingStatus.DRAFT),
        "started": lambda: _later(loop.cfsn_meeting, days=-5),
    }
    other = meetings[target]()
    events = IssueEvent.objects.count()

    with pytest.raises(TransitionNotAllowed):
        move_to_later_meeting(old, meeting=other, by=loop.cfsn_facilitator)

    assert _item(issue) == old
    assert AgendaItem.objects.filter(meeting=other).count() == 0
    assert IssueEvent.objects.count() == events


def test_move_to_later_meeting_item_without_issue_is_refused(loop):
    item = AgendaItemFactory(meeting=loop.cfsn_meeting)

    with pytest.raises(TransitionNotAllowed):
        move_to_later_meeting(item, meeting=_later(loop.cfsn_meeting), by=loop.cfsn_facilitator)

    assert AgendaItem.objects.get(pk=item.pk).meeting == loop.cfsn_meeting


def test_agenda_item_later_view_moves_issue_in_one_step(client, loop):
    issue = _placed(loop)
    later = _later(loop.cfsn_meeting)
    client.force_login(loop.cfsn_facilitator)

    response = client.post(
        reverse("feedback:agenda-item-later", kwargs={"item_pk": _item(issue).pk}),
        {"meeting": later.pk},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "forums:agenda-edit", kwargs={"pk": loop.cfsn_meeting.pk}
    )
    assert _item(issue).meeting == later


def test_agenda_item_later_view_other_forums_meeting_shows_refusal(client, loop):
    issue = _placed(loop)
    old = _item(issue)
    other = MeetingFactory(
        forum=loop.other_cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=7),
        status=MeetingStatus.DRAFT,
        title="Restructure briefing",
    )
    client.force_login(loop.cfsn_facilitator)

    response = client.post(
        reverse("feedback:agenda-item-later", kwargs={"item_pk": old.pk}),
        {"meeting": other.pk},
        follow=True,
    )

    html = response.content.decode()
    assert "That is a meeting of another forum" in html
    # Another forum's draft is for those who run that forum.
    assert "Restructure briefing" not in html
    assert _item(issue) == old


def test_agenda_item_later_view_by_other_forums_facilitator_is_forbidden(client, loop):
    issue = _placed(loop)
    outsider = MembershipFactory(forum=loop.other_cfsn, role=MembershipRole.FACILITATOR).user
    client.force_login(outsider)

    response = client.post(
        reverse("feedback:agenda-item-later", kwargs={"item_pk": _item(issue).pk}),
        {"meeting": _later(loop.cfsn_meeting).pk},
    )

    assert response.status_code == 403
    assert _item(issue).meeting == loop.cfsn_meeting


def test_forums_agenda_item_later_view_refuses_an_issues_item(client, loop):
    issue = _placed(loop)
    old = _item(issue)
    client.force_login(loop.cfsn_facilitator)

    response = client.post(
        reverse("forums:agenda-item-later", kwargs={"pk": loop.cfsn_meeting.pk, "item_pk": old.pk}),
        {"meeting": _later(loop.cfsn_meeting).pk},
        follow=True,
    )

    assert "brings a practice issue" in response.content.decode()
    assert _item(issue) == old


def test_agenda_edit_view_issue_item_posts_to_issue_move(client, loop):
    issue = _placed(loop)
    _later(loop.cfsn_meeting)
    client.force_login(loop.cfsn_facilitator)

    html = client.get(
        reverse("forums:agenda-edit", kwargs={"pk": loop.cfsn_meeting.pk})
    ).content.decode()

    move = reverse("feedback:agenda-item-later", kwargs={"item_pk": _item(issue).pk})
    assert f'action="{move}"' in html


# --- Carried over twice or more ----------------------------------------------------------


def _meetings(loop, count):
    return [_later(loop.cfsn_meeting, days=7 * n) for n in range(1, count + 1)]


def test_agenda_edit_view_issue_carried_over_twice_is_flagged_with_count(client, loop):
    _meetings(loop, 2)
    twice = _placed(loop, "Twice")
    once = _placed(loop, "Once")
    _carried_over(loop, twice, 2)
    _carried_over(loop, once, 1)
    client.force_login(loop.cfsn_facilitator)

    twice_html = client.get(
        reverse("forums:agenda-edit", kwargs={"pk": _item(twice).meeting_id})
    ).content.decode()
    once_html = client.get(
        reverse("forums:agenda-edit", kwargs={"pk": _item(once).meeting_id})
    ).content.decode()

    assert "Carried over 2 times" in twice_html
    assert "Carried over" not in once_html.replace("Carried over to the next meeting", "")


def test_meeting_detail_issue_carried_over_twice_is_flagged(client, loop):
    _meetings(loop, 2)
    issue = _placed(loop)
    _carried_over(loop, issue, 2)
    client.force_login(loop.cfsn_facilitator)

    html = client.get(
        reverse("forums:meeting-detail", kwargs={"pk": _item(issue).meeting_id})
    ).content.decode()

    assert "Carried over 2 times" in html


def test_forum_queue_issue_carried_over_three_times_is_flagged_with_count(client, loop):
    _meetings(loop, 2)
    issue = _placed(loop, "Waiting long")
    # The third carry-over finds no later meeting: the issue waits in the queue.
    _carried_over(loop, issue, 3)
    client.force_login(loop.cfsn_facilitator)

    response = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))

    assert [(r.issue.title, r.carried_over) for r in response.context["queue"]] == [
        ("Waiting long", 3)
    ]
    assert "Carried over 3 times" in response.content.decode()


def test_forum_queue_scheduled_issue_carried_over_twice_is_flagged(client, loop):
    _meetings(loop, 2)
    issue = _placed(loop)
    _carried_over(loop, issue, 2)
    client.force_login(loop.cfsn_facilitator)

    response = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))

    assert [r.carried_over for r in response.context["scheduled"]] == [2]
    assert "Carried over 2 times" in response.content.decode()


def test_carried_over_count_ignores_an_earlier_stay_at_the_forum(client, loop):
    _meetings(loop, 2)
    issue = _placed(loop)
    _carried_over(loop, issue, 2)
    referral = issue.referrals.get(left_at__isnull=True)
    referral.entered_at = referral.entered_at + dt.timedelta(days=60)
    referral.save(update_fields=["entered_at"])
    client.force_login(loop.cfsn_facilitator)

    response = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))

    assert [r.carried_over for r in response.context["scheduled"]] == [0]


# --- Query counts ------------------------------------------------------------------------


def _carried_over_issues(loop, size):
    _meetings(loop, 2)
    issues = [_placed(loop, f"Issue {n}") for n in range(size)]
    for issue in issues:
        _carried_over(loop, issue, 2)
    return issues


@pytest.mark.parametrize("size", [2, 6])
def test_agenda_edit_view_queries_do_not_grow_with_flagged_items(
    client, loop, size, django_assert_num_queries
):
    issues = _carried_over_issues(loop, size)
    meeting = _item(issues[0]).meeting
    client.force_login(loop.cfsn_facilitator)

    # An agenda that fits on one page is counted from its rows.
    with django_assert_num_queries(11):
        response = client.get(reverse("forums:agenda-edit", kwargs={"pk": meeting.pk}))

    assert [e.carried_over for e in response.context["timed_agenda"]] == [2] * size


@pytest.mark.parametrize("size", [2, 6])
def test_forum_queue_queries_do_not_grow_with_flagged_issues(
    client, loop, size, django_assert_num_queries
):
    _carried_over_issues(loop, size)
    client.force_login(loop.cfsn_facilitator)

    with django_assert_num_queries(9):
        response = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))

    assert [r.carried_over for r in response.context["scheduled"]] == [2] * size


# --- Taking an issue's item off the agenda ----------------------------------------------


def test_removing_an_issues_item_returns_the_issue_to_its_forums_queue(client, loop):
    issue = _placed(loop)
    issue_services.set_watching(issue, by=loop.practitioner, watching=True)
    item = _item(issue)

    remove_agenda_item(item, by=loop.cfsn_facilitator)

    issue.refresh_from_db()
    event = issue.events.latest("created_at", "id")
    client.force_login(loop.cfsn_facilitator)
    queue = client.get(reverse("feedback:forum-queue", args=[loop.cfsn.slug]))
    assert issue.status == IssueStatus.QUEUED
    assert issue.referrals.get(left_at__isnull=True).agenda_item is None
    assert (event.kind, event.note) == (
        EventKind.QUEUED,
        f"Taken off the agenda of {loop.cfsn_meeting.title}, "
        f"{timezone.localtime(loop.cfsn_meeting.start):%-d %B %Y}; "
        f"it waits in the queue of {loop.cfsn.name}.",
    )
    assert [r.issue_id for r in queue.context["queue"]] == [issue.pk]
    assert Notification.objects.filter(
        recipient=loop.practitioner,
        subject=f"{issue.reference}: Taken off the agenda of {loop.cfsn_meeting.title}",
    ).exists()


def test_removing_an_item_that_brings_no_issue_leaves_the_issues_alone(loop):
    issue = _placed(loop)
    other = AgendaItemFactory(meeting=loop.cfsn_meeting, title="Welcome")

    remove_agenda_item(other, by=loop.cfsn_facilitator)

    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA
    assert _item(issue).meeting == loop.cfsn_meeting


def test_removing_an_issues_item_says_first_that_the_issue_goes_back_to_the_queue(client, loop):
    item = _item(_placed(loop))
    welcome = AgendaItemFactory(meeting=loop.cfsn_meeting, title="Welcome")
    client.force_login(loop.cfsn_facilitator)

    def confirm(target):
        url = reverse(
            "forums:agenda-item-delete", kwargs={"pk": loop.cfsn_meeting.pk, "item_pk": target.pk}
        )
        return client.get(url).content.decode()

    said = f"It brings a practice issue: the issue goes back to the queue of {loop.cfsn.name}"
    assert said in confirm(item)
    assert said not in confirm(welcome)


def test_deleting_a_meeting_returns_the_issues_on_its_agenda_to_the_queue(loop):
    issue = _placed(loop)

    loop.cfsn_meeting.delete()

    issue.refresh_from_db()
    assert issue.status == IssueStatus.QUEUED
    assert issue.referrals.get(left_at__isnull=True).agenda_item is None
    assert issue.events.latest("created_at", "id").note.startswith(
        f"Taken off the agenda of {loop.cfsn_meeting.title}"
    )


def test_escalations_left_waiting_when_placing_failed_join_the_next_open_meeting_by_sweep(loop):
    published = loop.statewide_meeting
    published.status = MeetingStatus.DRAFT
    published.save(update_fields=["status"])
    issue = _escalated(loop)
    # Published, with its placing lost.
    type(published).objects.filter(pk=published.pk).update(status=MeetingStatus.PUBLISHED)

    swept, again = place_stranded(), place_stranded()

    assert (swept, again) == (1, 0)
    assert _item(issue).meeting == published


def test_an_issue_on_a_draft_meetings_agenda_names_the_meeting_only_to_those_who_run_it(
    client, loop
):
    draft = MeetingFactory(
        forum=loop.cfsn,
        status=MeetingStatus.DRAFT,
        title="Budget restructure session",
        start=loop.cfsn_meeting.start + dt.timedelta(days=14),
    )
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Interpreter bookings")
    routing.place_on_agenda(issue, meeting=draft, by=loop.cfsn_facilitator)
    client.force_login(UserFactory())
    outsider = client.get(issue.get_absolute_url()).content.decode()
    client.force_login(loop.cfsn_facilitator)
    runner = client.get(issue.get_absolute_url()).content.decode()
    told = Notification.objects.filter(recipient=issue.raised_by).values_list("subject", "body")

    assert "Budget restructure session" not in outsider
    assert "A meeting being prepared" in outsider
    assert "Budget restructure session" in runner
    assert [subject for subject, _body in told] == [
        f"{issue.reference}: On a coming agenda of {loop.cfsn.name}"
    ]
    assert not any("Budget restructure" in subject + body for subject, body in told)


def test_placing_on_a_meeting_cancelled_since_the_form_was_drawn_says_so(loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Interpreter bookings")
    type(loop.cfsn_meeting).objects.filter(pk=loop.cfsn_meeting.pk).update(
        status=MeetingStatus.CANCELLED
    )
    stale = type(loop.cfsn_meeting).objects.get(pk=loop.cfsn_meeting.pk)
    stale.status = MeetingStatus.PUBLISHED  # as the page that offered it read it

    with pytest.raises(TransitionNotAllowed, match="cancelled"):
        routing.place_on_agenda(issue, meeting=stale, by=loop.cfsn_facilitator)

    issue.refresh_from_db()
    assert issue.status == IssueStatus.QUEUED
    assert not AgendaItem.objects.filter(meeting=loop.cfsn_meeting).exists()


# --- A meeting being prepared is not named to those who do not run its forum -------------


@pytest.fixture
def on_a_draft(loop):
    soon = timezone.now() + dt.timedelta(days=2)
    draft = MeetingFactory(
        forum=loop.cfsn,
        status=MeetingStatus.DRAFT,
        title="Planning day for the new service",
        start=soon,
        end=soon + dt.timedelta(hours=2),
    )
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, raised_by=loop.practitioner)
    routing.place_on_agenda(issue, meeting=draft, by=loop.cfsn_facilitator)
    issue_services.set_watching(issue, by=loop.practitioner, watching=True)
    return draft, issue


def _what_the_submitter_reads(client, loop, issue) -> str:
    client.force_login(loop.practitioner)
    page = client.get(reverse("feedback:issue-detail", args=[issue.pk])).content.decode()
    notices = Notification.objects.filter(recipient=loop.practitioner)
    return page + " ".join(f"{n.subject} {n.body}" for n in notices)


def test_taking_an_issue_off_a_draft_agenda_does_not_name_the_draft(client, loop, on_a_draft):
    _draft, issue = on_a_draft

    remove_agenda_item(_item(issue), by=loop.cfsn_facilitator)

    read = _what_the_submitter_reads(client, loop, issue)
    assert "Planning day" not in read
    assert "Taken off the agenda of a meeting of Northern CFSN being prepared" in read


def test_moving_an_issue_from_a_draft_agenda_does_not_name_the_draft(client, loop, on_a_draft):
    draft, issue = on_a_draft

    move_to_later_meeting(_item(issue), meeting=_later(draft), by=loop.cfsn_facilitator)

    read = _what_the_submitter_reads(client, loop, issue)
    assert "Planning day" not in read
    assert "Moved from a meeting of Northern CFSN being prepared to " in read


def test_an_escalation_taken_off_the_agenda_is_not_put_back_by_the_sweep(
    loop, django_capture_on_commit_callbacks
):
    issue = _escalated(loop)
    remove_agenda_item(_item(issue), by=loop.statewide_facilitator)

    swept = place_stranded()

    assert swept == 0
    assert issue.referrals.get(left_at__isnull=True).agenda_item is None
    next_one = _later(loop.statewide_meeting, status=MeetingStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(next_one, by=loop.statewide_facilitator)
    assert _item(issue).meeting == next_one


def test_an_escalation_taken_off_the_agenda_joins_the_meeting_after_by_the_sweep(loop):
    issue = _escalated(loop)
    after = _later(loop.statewide_meeting, days=28)
    remove_agenda_item(_item(issue), by=loop.statewide_facilitator)

    before_it = place_stranded()
    with loop.at(loop.statewide_meeting, minutes=5):
        once_it_started = place_stranded()

    assert (before_it, once_it_started) == (0, 1)
    assert _item(issue).meeting == after
