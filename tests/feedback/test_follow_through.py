import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from feedback.choices import DeliveryStatus, EventKind, IssueStatus, Outcome, ResponseScope
from feedback.exceptions import OwnerRefused, TransitionNotAllowed
from feedback.forms import ResponseForm
from feedback.models import IssueEvent, PracticeIssue, Response, ResponseProgress, Watch
from feedback.services import follow_through, responses, routing
from feedback.services import issues as issue_services
from forums.choices import ActionStatus, MembershipRole
from forums.exceptions import ForumActionRefused
from forums.services.minutes import update_action_status
from members.models import Notification
from tests.factories.feedback import PracticeIssueFactory, ResponseFactory
from tests.factories.forums import MembershipFactory
from tests.factories.members import PracticeAreaFactory, UserFactory


def responded_issue(loop, *, owner=None, restricted=False) -> PracticeIssue:
    """Raised at the CFSN, escalated through each tier at its meeting, answered at the
    Strategic meeting and sent back to the CFSN."""
    issue = issue_services.raise_issue(
        by=loop.practitioner,
        title="Intake forms repeat the same questions",
        description="Three services ask families the same intake questions.",
        practice_areas=[PracticeAreaFactory(name="Children and families")],
        forum=loop.cfsn,
        attested=True,
        restricted=restricted,
    )
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    for meeting, facilitator in (
        (loop.cfsn_meeting, loop.cfsn_facilitator),
        (loop.statewide_meeting, loop.statewide_facilitator),
    ):
        item = issue.referrals.get(left_at__isnull=True).agenda_item
        with loop.at(meeting):
            routing.record_outcome(
                item,
                outcome=Outcome.ESCALATED,
                note="",
                by=facilitator,
                summary="Seen in several services",
                rationale="Needs practice guidance",
            )
    with loop.at(loop.strategic_meeting):
        responses.respond(
            PracticeIssue.objects.get(pk=issue.pk),
            by=loop.executive,
            decision="Fund a shared intake form.",
            owner=owner or loop.executive,
            due_date=loop.strategic_meeting.start.date() + dt.timedelta(days=90),
            review_date=loop.strategic_meeting.start.date() + dt.timedelta(days=30),
            scope=ResponseScope.ORIGIN,
        )
    return PracticeIssue.objects.get(pk=issue.pk)


def progress_notices(issue) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(subject__startswith=f"{issue.reference}: Progress").values_list(
            "recipient__display_name", "subject"
        )
    )


# --- Respond ------------------------------------------------------------------------------


def test_respond_tells_the_owner_the_action_is_theirs_with_a_link_to_the_issue(loop):
    owner = UserFactory(display_name="Olga")

    issue = responded_issue(loop, owner=owner)

    notice = Notification.objects.get(recipient=owner, subject__startswith="New action")
    assert notice.subject == (
        f"New action: Carry out the response to {issue.reference}: "
        "Intake forms repeat the same questions"
    )
    assert notice.url == issue.get_absolute_url()
    assert "is yours to carry out, due" in notice.body


def test_respond_to_a_restricted_issue_refuses_an_owner_who_may_not_see_it(loop):
    outsider = UserFactory(display_name="Olga")

    with pytest.raises(OwnerRefused, match="Olga may not see this restricted issue"):
        responded_issue(loop, owner=outsider, restricted=True)

    assert not Response.objects.exists()
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_respond_with_review_date_keeps_owner_due_and_review_dates(loop):
    issue = responded_issue(loop)

    response = Response.objects.get(issue=issue)
    start = loop.strategic_meeting.start.date()
    assert (response.owner, response.due_date, response.review_date) == (
        loop.executive,
        start + dt.timedelta(days=90),
        start + dt.timedelta(days=30),
    )
    assert (response.delivery_status, response.delivered_at) == (DeliveryStatus.PLANNED, None)


def test_due_for_review_shows_from_the_review_date_until_the_owner_posts_progress(client, loop):
    issue = responded_issue(loop)
    review = issue.response.review_date

    def badge_on(day) -> bool:
        with time_machine.travel(
            timezone.make_aware(dt.datetime.combine(day, dt.time(12))), tick=False
        ):
            client.force_login(loop.practitioner)
            page = client.get(issue.get_absolute_url()).content.decode()
        assert "Review date" in page
        return "Due for review</span>" in page

    before = badge_on(review - dt.timedelta(days=1))
    on_the_day = badge_on(review)
    with time_machine.travel(
        timezone.make_aware(dt.datetime.combine(review + dt.timedelta(days=2), dt.time(9))),
        tick=False,
    ):
        follow_through.post_progress(
            issue.response,
            status=DeliveryStatus.IN_PROGRESS,
            note="Reviewed: still right.",
            by=loop.executive,
        )
    after_review = badge_on(review + dt.timedelta(days=3))

    assert (before, on_the_day, after_review) == (False, True, False)


def test_response_form_without_review_date_is_invalid():
    form = ResponseForm(
        data={
            "decision": "Fund it.",
            "owner": "",
            "due_date": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
            "scope": ResponseScope.ORIGIN,
        }
    )

    assert not form.is_valid()
    assert form.errors["review_date"] == ["This field is required."]


@pytest.mark.django_db
def test_response_form_with_past_review_date_is_invalid():
    owner = UserFactory()
    form = ResponseForm(
        data={
            "decision": "Fund it.",
            "owner": owner.pk,
            "due_date": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
            "review_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "scope": ResponseScope.ORIGIN,
        }
    )

    assert not form.is_valid()
    assert form.errors["review_date"] == ["The review date cannot be in the past."]


# --- Progress updates -----------------------------------------------------------------------


def test_post_progress_tells_watchers_and_cfsn_facilitators_once_each(loop):
    issue = responded_issue(loop)
    # The CFSN's facilitator also watches the issue: still one notice.
    Watch.objects.create(issue=issue, user=loop.cfsn_facilitator)
    watcher = UserFactory(display_name="Wendy")
    Watch.objects.create(issue=issue, user=watcher)
    co_facilitator = UserFactory(display_name="Fiona")
    MembershipFactory(user=co_facilitator, forum=loop.cfsn, role=MembershipRole.CHAIR)

    follow_through.post_progress(
        issue.response, status=DeliveryStatus.IN_PROGRESS, note="Form drafted.", by=loop.executive
    )

    subject = f"{issue.reference}: Progress on the response: in progress"
    assert progress_notices(issue) == [
        ("Fiona", subject),
        ("Frank", subject),
        ("Priya", subject),
        ("Wendy", subject),
    ]


def test_post_progress_writes_one_event_and_one_update(loop):
    issue = responded_issue(loop)
    events_before = IssueEvent.objects.filter(issue=issue).count()

    follow_through.post_progress(
        issue.response, status=DeliveryStatus.IN_PROGRESS, note="Form drafted.", by=loop.executive
    )

    event = IssueEvent.objects.filter(issue=issue).latest("id")
    assert IssueEvent.objects.filter(issue=issue).count() == events_before + 1
    assert (event.kind, event.actor, event.note) == (
        EventKind.PROGRESS,
        loop.executive,
        "In progress. Form drafted.",
    )
    assert list(ResponseProgress.objects.values_list("status", "note", "by")) == [
        (DeliveryStatus.IN_PROGRESS, "Form drafted.", loop.executive.pk)
    ]


def test_post_progress_by_someone_other_than_owner_is_refused_and_changes_nothing(loop):
    issue = responded_issue(loop)

    with pytest.raises(TransitionNotAllowed, match="Only the owner"):
        follow_through.post_progress(
            issue.response, status=DeliveryStatus.DELIVERED, note="Done.", by=loop.cfsn_facilitator
        )

    response = Response.objects.get(issue=issue)
    assert response.delivery_status == DeliveryStatus.PLANNED
    assert ResponseProgress.objects.count() == 0
    assert response.action_item.status == ActionStatus.OPEN


def test_post_progress_by_administrator_is_accepted(loop):
    issue = responded_issue(loop)
    admin = UserFactory(is_superuser=True)

    follow_through.post_progress(
        issue.response, status=DeliveryStatus.IN_PROGRESS, note="Started.", by=admin
    )

    assert Response.objects.get(issue=issue).delivery_status == DeliveryStatus.IN_PROGRESS


def test_post_progress_not_proceeding_without_reason_is_refused(loop):
    issue = responded_issue(loop)

    with pytest.raises(TransitionNotAllowed, match="Say why the response is not proceeding"):
        follow_through.post_progress(
            issue.response, status=DeliveryStatus.NOT_PROCEEDING, note="  ", by=loop.executive
        )

    assert Response.objects.get(issue=issue).delivery_status == DeliveryStatus.PLANNED
    assert ResponseProgress.objects.count() == 0


def test_post_progress_not_proceeding_with_reason_cancels_the_action(loop):
    issue = responded_issue(loop)

    follow_through.post_progress(
        issue.response,
        status=DeliveryStatus.NOT_PROCEEDING,
        note="Funding was withdrawn.",
        by=loop.executive,
    )

    response = Response.objects.select_related("action_item").get(issue=issue)
    assert response.delivery_status == DeliveryStatus.NOT_PROCEEDING
    assert response.delivered_at is not None
    assert response.action_item.status == ActionStatus.CANCELLED
    assert IssueEvent.objects.filter(issue=issue).latest("id").kind == EventKind.NOT_PROCEEDING


def test_post_progress_in_progress_then_delivered_moves_the_action_along(loop):
    issue = responded_issue(loop)

    follow_through.post_progress(
        issue.response, status=DeliveryStatus.IN_PROGRESS, note="", by=loop.executive
    )
    in_progress = Response.objects.get(issue=issue).action_item.status
    follow_through.post_progress(
        issue.response, status=DeliveryStatus.DELIVERED, note="Form live.", by=loop.executive
    )

    response = Response.objects.select_related("action_item").get(issue=issue)
    assert in_progress == ActionStatus.IN_PROGRESS
    assert response.action_item.status == ActionStatus.DONE
    assert response.action_item.completed_at is not None
    assert response.delivery_status == DeliveryStatus.DELIVERED


def test_post_progress_after_delivered_is_refused(loop):
    issue = responded_issue(loop)
    follow_through.post_progress(
        issue.response, status=DeliveryStatus.DELIVERED, note="Form live.", by=loop.executive
    )

    with pytest.raises(TransitionNotAllowed, match="“delivered”, so it cannot become"):
        follow_through.post_progress(
            issue.response, status=DeliveryStatus.IN_PROGRESS, note="", by=loop.executive
        )

    assert ResponseProgress.objects.count() == 1


def test_progress_view_by_owner_posts_and_issue_page_shows_delivered(client, loop):
    issue = responded_issue(loop)
    client.force_login(loop.executive)

    posted = client.post(
        reverse("feedback:issue-progress", args=[issue.pk]),
        {"status": DeliveryStatus.DELIVERED, "note": "Form live in all services."},
    )
    page = client.get(issue.get_absolute_url()).content.decode()

    assert posted.status_code == 302
    assert 'Delivered <span aria-hidden="true">✓</span>' in page
    assert "Loop not closed yet" in page
    assert "Form live in all services." in page


def test_progress_view_not_proceeding_without_reason_shows_error(client, loop):
    issue = responded_issue(loop)
    client.force_login(loop.executive)

    page = client.post(
        reverse("feedback:issue-progress", args=[issue.pk]),
        {"status": DeliveryStatus.NOT_PROCEEDING, "note": ""},
    )

    assert page.status_code == 200
    assert page.context["form"].errors["note"] == ["Say why the response is not proceeding."]
    assert ResponseProgress.objects.count() == 0


def test_progress_view_by_cfsn_facilitator_is_forbidden(client, loop):
    issue = responded_issue(loop)
    client.force_login(loop.cfsn_facilitator)

    page = client.get(reverse("feedback:issue-progress", args=[issue.pk]))

    assert page.status_code == 403


def test_progress_view_after_delivery_redirects_to_issue(client, loop):
    issue = responded_issue(loop)
    follow_through.post_progress(
        issue.response, status=DeliveryStatus.DELIVERED, note="Done.", by=loop.executive
    )
    client.force_login(loop.executive)

    page = client.get(reverse("feedback:issue-progress", args=[issue.pk]))

    assert (page.status_code, page["Location"]) == (302, issue.get_absolute_url())


# --- Closed and delivered, shown and filtered -----------------------------------------------


@pytest.fixture
def four_ends(db):
    """Closed and delivered; responded and overdue; closed and not proceeding; no response."""
    past = timezone.localdate() - dt.timedelta(days=3)
    both = ResponseFactory(
        issue=PracticeIssueFactory(status=IssueStatus.CLOSED, title="Closed and delivered"),
        delivery_status=DeliveryStatus.DELIVERED,
    ).issue
    overdue = ResponseFactory(
        issue=PracticeIssueFactory(status=IssueStatus.RESPONDED, title="Overdue"),
        delivery_status=DeliveryStatus.IN_PROGRESS,
        due_date=past,
    ).issue
    dropped = ResponseFactory(
        issue=PracticeIssueFactory(status=IssueStatus.CLOSED, title="Not proceeding"),
        delivery_status=DeliveryStatus.NOT_PROCEEDING,
        due_date=past,
    ).issue
    waiting = PracticeIssueFactory(title="No response")
    return both, overdue, dropped, waiting


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"delivery": "delivered"}, ["Closed and delivered"]),
        ({"delivery": "not_delivered"}, ["Overdue"]),
        ({"delivery": "not_proceeding"}, ["Not proceeding"]),
        ({"delivery": "overdue"}, ["Overdue"]),
        ({"status": "closed"}, ["Closed and delivered", "Not proceeding"]),
        ({"status": "closed", "delivery": "delivered"}, ["Closed and delivered"]),
        ({}, ["Closed and delivered", "No response", "Not proceeding", "Overdue"]),
    ],
)
def test_issue_list_delivery_filter_lists_exact_rows(client, four_ends, query, titles):
    client.force_login(UserFactory())

    page = client.get(reverse("feedback:issue-list"), query)

    assert sorted(issue.title for issue in page.context["issues"]) == titles


def test_issue_list_cards_show_delivery_of_each_issue(client, four_ends):
    client.force_login(UserFactory())

    html = client.get(reverse("feedback:issue-list")).content.decode()

    assert html.count('Delivered <span aria-hidden="true">✓</span>') == 1
    assert html.count(">Not proceeding</span>") == 1
    assert html.count('border ms-1">Not delivered yet<') == 1
    assert html.count(">Overdue</span>") == 1


def test_issue_page_closed_and_not_proceeding_shows_both_ends(client, four_ends):
    _, _, dropped, _ = four_ends
    client.force_login(UserFactory())

    html = client.get(dropped.get_absolute_url()).content.decode()

    assert 'Loop closed <span aria-hidden="true">✓</span>' in html
    assert 'Not proceeding <span aria-hidden="true">✓</span>' in html


@pytest.mark.parametrize("size", [2, 12])
def test_issue_list_with_responses_queries_do_not_grow(client, db, size, django_assert_num_queries):
    for n in range(size):
        ResponseFactory(
            issue=PracticeIssueFactory(status=IssueStatus.CLOSED, title=f"Issue {n}"),
            delivery_status=DeliveryStatus.DELIVERED if n % 2 else DeliveryStatus.IN_PROGRESS,
            due_date=timezone.localdate() - dt.timedelta(days=n % 3),
        )
    client.force_login(UserFactory())

    with django_assert_num_queries(10):
        page = client.get(reverse("feedback:issue-list"), {"delivery": "delivered"})

    assert len(page.context["issues"]) == size // 2


def test_overdue_response_is_overdue_until_delivered(db):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        response = ResponseFactory(due_date=dt.date(2026, 3, 1))
        overdue = response.is_overdue
        response.delivery_status = DeliveryStatus.DELIVERED
        delivered = response.is_overdue

    assert (overdue, delivered) == (True, False)


@pytest.mark.parametrize("updates", [1, 6])
def test_issue_page_queries_do_not_grow_with_progress_updates(
    client, db, updates, django_assert_num_queries
):
    response = ResponseFactory(issue=PracticeIssueFactory(status=IssueStatus.RESPONDED))
    for n in range(updates):
        ResponseProgress.objects.create(
            response=response, status=DeliveryStatus.IN_PROGRESS, note=f"Step {n}"
        )
    client.force_login(response.owner)

    with django_assert_num_queries(14):
        page = client.get(response.issue.get_absolute_url())

    assert page.content.decode().count("Step ") == updates


def test_response_action_status_is_changed_only_through_progress(loop):
    issue = responded_issue(loop)
    action = issue.response.action_item

    with pytest.raises(ForumActionRefused) as refusal:
        update_action_status(action, by=loop.executive, status=ActionStatus.DONE)

    action.refresh_from_db()
    assert str(refusal.value) == (
        f"'{action.title}' follows the progress its owner reports on the practice issue: "
        "post progress there."
    )
    assert action.status == ActionStatus.OPEN
    assert Response.objects.get(issue=issue).delivery_status == DeliveryStatus.PLANNED


def test_my_actions_response_action_links_to_its_issue_instead_of_a_status_form(client, loop):
    issue = responded_issue(loop)
    action = issue.response.action_item
    client.force_login(loop.executive)

    page = client.get(reverse("forums:my-actions"))
    update = client.post(
        reverse("forums:action-update", args=[action.pk]), {"status": ActionStatus.DONE}
    )

    html = page.content.decode()
    assert f'href="{issue.get_absolute_url()}">Post progress on {issue.reference}: ' in html
    assert reverse("forums:action-update", args=[action.pk]) not in html
    assert update.status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
