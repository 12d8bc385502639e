"""A member of staff who is not an administrator finds in the admin only what the portal
would show them: restricted issues, draft meetings and unpublished minutes stay hidden."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from feedback.choices import IssueStatus
from feedback.models import Comment
from feedback.selectors import visible_issue
from forums.choices import ForumEventKind, MeetingStatus, MembershipRole
from forums.models import ActionItem, ForumEvent, Meeting
from forums.selectors.meetings import kept_minutes, readable_minutes, visible_meeting
from tests.factories.feedback import CommentFactory, PracticeIssueFactory
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    MinutesRevisionFactory,
)
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db


def staff_who_may_view(client, settings, *models: str, **fields):
    """Signed in as staff granted only the admin's view permission on `models`."""
    settings.MFA_REQUIRED = False
    person = UserFactory(is_staff=True, **fields)
    person.user_permissions.set(
        Permission.objects.filter(codename__in=[f"view_{model}" for model in models])
    )
    client.force_login(person)
    return person


def listed(client, url_name: str) -> str:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response.content.decode()


def test_staff_find_open_issues_but_not_restricted_ones_or_others_drafts(client, settings):
    staff_who_may_view(client, settings, "practiceissue", "comment")
    open_issue = PracticeIssueFactory(title="Intake forms repeat the same questions")
    restricted = PracticeIssueFactory(title="Sensitive pattern in one region", restricted=True)
    PracticeIssueFactory(title="Still being written", status=IssueStatus.DRAFT)
    CommentFactory(issue=open_issue, body="Seen in the north too.")
    CommentFactory(issue=restricted, body="Only for its forums.")

    issues = listed(client, "admin:feedback_practiceissue_changelist")
    comments = listed(client, "admin:feedback_comment_changelist")
    restricted_page = client.get(
        reverse("admin:feedback_practiceissue_change", args=[restricted.pk])
    )

    assert "Intake forms repeat the same questions" in issues
    assert "Sensitive pattern in one region" not in issues
    assert "Still being written" not in issues
    assert str(open_issue) in comments
    assert str(restricted) not in comments
    # The admin sends a request for a row it does not list back to its index.
    assert restricted_page.status_code == 302


def test_staff_who_belong_to_a_forum_a_restricted_issue_visited_find_it(client, settings):
    person = staff_who_may_view(client, settings, "practiceissue")
    restricted = PracticeIssueFactory(title="Sensitive pattern in one region", restricted=True)
    MembershipFactory(user=person, forum=restricted.current_forum)

    page = client.get(reverse("admin:feedback_practiceissue_change", args=[restricted.pk]))

    assert page.status_code == 200
    assert "Sensitive pattern in one region" in page.content.decode()


def test_an_administrator_finds_every_issue(client, settings):
    staff_who_may_view(client, settings, is_superuser=True)
    PracticeIssueFactory(title="Sensitive pattern in one region", restricted=True)
    PracticeIssueFactory(title="Still being written", status=IssueStatus.DRAFT)

    issues = listed(client, "admin:feedback_practiceissue_changelist")

    assert "Sensitive pattern in one region" in issues
    assert "Still being written" in issues


def test_staff_find_draft_meetings_only_of_forums_they_run(client, settings):
    person = staff_who_may_view(client, settings, "meeting", "agendaitem")
    theirs, other = ForumFactory(name="Northern CFSN"), ForumFactory(name="Southern CFSN")
    MembershipFactory(user=person, forum=theirs, role=MembershipRole.FACILITATOR)
    MeetingFactory(forum=theirs, title="Northern planning draft", status=MeetingStatus.DRAFT)
    hidden = MeetingFactory(
        forum=other, title="Southern planning draft", status=MeetingStatus.DRAFT
    )
    MeetingFactory(forum=other, title="Southern published meeting")
    AgendaItemFactory(meeting=hidden, title="Item of a draft")

    meetings = listed(client, "admin:forums_meeting_changelist")
    items = listed(client, "admin:forums_agendaitem_changelist")

    assert "Northern planning draft" in meetings
    assert "Southern published meeting" in meetings
    assert "Southern planning draft" not in meetings
    assert "Item of a draft" not in items


def test_staff_read_actions_as_the_portal_shows_them(client, settings):
    person = staff_who_may_view(client, settings, "actionitem")
    theirs, other = ForumFactory(name="Northern CFSN"), ForumFactory(name="Southern CFSN")
    MembershipFactory(user=person, forum=theirs)
    held = {"status": MeetingStatus.COMPLETED, "start": timezone.now() - dt.timedelta(days=1)}
    for meeting, label in (
        (MeetingFactory(forum=theirs, **held), "own"),
        (MeetingFactory(forum=other, **held), "other"),
        (MeetingFactory(forum=other, minutes_published_at=timezone.now(), **held), "published"),
    ):
        ActionItemFactory(meeting=meeting, title=f"Action {label}")
    ActionItemFactory(meeting=None, forum=other, title="Action out of session")

    actions = listed(client, "admin:forums_actionitem_changelist")

    assert "Action own" in actions
    assert "Action published" in actions
    assert "Action out of session" in actions
    assert "Action other" not in actions


def test_minutes_being_written_are_read_only_by_staff_who_keep_them(client, settings):
    person = staff_who_may_view(client, settings, "decision", "minutesrevision", "agendaitem")
    theirs, other = ForumFactory(name="Northern CFSN"), ForumFactory(name="Southern CFSN")
    MembershipFactory(user=person, forum=theirs, role=MembershipRole.FACILITATOR)
    held = {"status": MeetingStatus.COMPLETED, "start": timezone.now() - dt.timedelta(days=1)}
    own = MeetingFactory(forum=theirs, **held)
    # Published, then changed again: the change is not published yet.
    published = MeetingFactory(
        forum=other,
        minutes_published_at=timezone.now(),
        agenda_published_at=timezone.now(),
        **held,
    )
    DecisionFactory(agenda_item=AgendaItemFactory(meeting=own), text="Decided at our meeting")
    item = AgendaItemFactory(meeting=published, title="Intake", notes="Draft notes, redrafted")
    DecisionFactory(agenda_item=item, text="Decided, then redrafted")
    MinutesRevisionFactory(meeting=published, number=1, published_at=timezone.now())
    MinutesRevisionFactory(meeting=published, number=2)

    decisions = listed(client, "admin:forums_decision_changelist")
    revisions = client.get(
        reverse("admin:forums_minutesrevision_changelist"), {"meeting__forum__id__exact": other.pk}
    )
    item_page = client.get(reverse("admin:forums_agendaitem_change", args=[item.pk]))

    assert "Decided at our meeting" in decisions
    assert "Decided, then redrafted" not in decisions
    assert revisions.context["cl"].result_count == 1
    assert revisions.context["cl"].result_list[0].number == 1
    assert item_page.status_code == 200
    assert "Intake" in item_page.content.decode()
    assert "Draft notes, redrafted" not in item_page.content.decode()


def test_a_visible_duplicate_names_its_restricted_primary_only_by_reference(client, settings):
    person = staff_who_may_view(client, settings, "practiceissue")
    primary = PracticeIssueFactory(title="Sensitive pattern in one region", restricted=True)
    duplicate = PracticeIssueFactory(
        title="Same pattern, seen here",
        restricted=True,
        status=IssueStatus.MERGED,
        merged_into=primary,
    )
    MembershipFactory(user=person, forum=duplicate.current_forum)

    page = client.get(reverse("admin:feedback_practiceissue_change", args=[duplicate.pk]))

    assert page.status_code == 200
    assert "Same pattern, seen here" in page.content.decode()
    assert primary.reference in page.content.decode()
    assert "Sensitive pattern in one region" not in page.content.decode()


def test_keepers_and_administrators_read_minutes_being_written(client, settings):
    forum = ForumFactory(name="Northern CFSN")
    keeper = staff_who_may_view(client, settings, "minutesrevision", "agendaitem", "forumevent")
    MembershipFactory(user=keeper, forum=forum, role=MembershipRole.FACILITATOR)
    held = {"status": MeetingStatus.COMPLETED, "start": timezone.now() - dt.timedelta(days=1)}
    meeting = MeetingFactory(
        forum=forum, minutes_published_at=timezone.now(), agenda_published_at=timezone.now(), **held
    )
    item = AgendaItemFactory(meeting=meeting, title="Intake", notes="Draft notes, redrafted")
    MinutesRevisionFactory(meeting=meeting, number=1, published_at=timezone.now())
    MinutesRevisionFactory(meeting=meeting, number=2)

    for person in (keeper, UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(person)
        revisions = client.get(reverse("admin:forums_minutesrevision_changelist"))
        item_page = client.get(reverse("admin:forums_agendaitem_change", args=[item.pk]))

        assert revisions.context["cl"].result_count == 2
        assert "Draft notes, redrafted" in item_page.content.decode()


def test_a_forums_record_is_read_only_by_staff_who_run_it(client, settings):
    person = staff_who_may_view(client, settings, "forumevent")
    theirs, other = ForumFactory(name="Northern CFSN"), ForumFactory(name="Southern CFSN")
    MembershipFactory(user=person, forum=theirs, role=MembershipRole.FACILITATOR)
    MembershipFactory(user=person, forum=other)
    ForumEvent.objects.create(forum=theirs, kind=ForumEventKind.MINUTES_RECORDED, note="Ours")
    ForumEvent.objects.create(
        forum=other, kind=ForumEventKind.MINUTES_RECORDED, note="Quietly defund the pilot"
    )

    events = client.get(reverse("admin:forums_forumevent_changelist"))

    assert [event.note for event in events.context["cl"].result_list] == ["Ours"]


# --- The conditions agree with the rules, row by row --------------------------------------

PEOPLE = ["member", "facilitator", "outsider", "administrator"]


def person(role: str, forum):
    if role == "administrator":
        return UserFactory(is_superuser=True, is_staff=True)
    someone = UserFactory()
    if role != "outsider":
        MembershipFactory(
            user=someone,
            forum=forum,
            role=MembershipRole.FACILITATOR if role == "facilitator" else MembershipRole.MEMBER,
        )
    return someone


@pytest.mark.parametrize("role", PEOPLE)
def test_the_admins_meeting_and_minutes_conditions_agree_with_the_rules(role):
    forum = ForumFactory()
    user = person(role, forum)
    held = {"status": MeetingStatus.COMPLETED, "start": timezone.now() - dt.timedelta(days=1)}
    meetings = [
        MeetingFactory(forum=forum, status=MeetingStatus.DRAFT),
        MeetingFactory(forum=forum),
        MeetingFactory(forum=forum, status=MeetingStatus.CANCELLED, published_at=None),
        MeetingFactory(forum=forum, status=MeetingStatus.CANCELLED),
        MeetingFactory(forum=forum, **held),
        MeetingFactory(forum=forum, minutes_published_at=timezone.now(), **held),
    ]
    actions = [ActionItemFactory(meeting=meeting) for meeting in meetings]

    seen = set(Meeting.objects.filter(visible_meeting(user)))
    read = set(ActionItem.objects.filter(readable_minutes(user)))
    kept = set(ActionItem.objects.filter(kept_minutes(user)))

    for meeting, action in zip(meetings, actions, strict=True):
        assert (meeting in seen) == user.has_perm("forums.view_meeting", meeting), meeting
        assert (action in read) == user.has_perm("forums.view_minutes", meeting), meeting
        assert (action in kept) == user.has_perm("forums.record_minutes", meeting), meeting


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("restricted", [False, True])
def test_the_admins_condition_on_an_issues_rows_agrees_with_who_sees_the_issue(role, restricted):
    issue = PracticeIssueFactory(restricted=restricted)
    draft = PracticeIssueFactory(status=IssueStatus.DRAFT)
    user = person(role, issue.current_forum)
    CommentFactory(issue=issue)
    CommentFactory(issue=draft)

    seen = set(Comment.objects.filter(visible_issue(user, "issue")).values_list("issue", flat=True))

    for shown in (issue, draft):
        assert (shown.pk in seen) == user.has_perm("feedback.view_issue", shown)
