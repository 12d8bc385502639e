"""A member of staff who is not an administrator finds in the admin only what the portal
would show them: restricted issues, draft meetings and unpublished minutes stay hidden."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from feedback.choices import IssueStatus
from forums.choices import MeetingStatus, MembershipRole
from tests.factories.feedback import CommentFactory, PracticeIssueFactory
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
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


def test_staff_read_unpublished_minutes_only_of_their_own_forums(client, settings):
    person = staff_who_may_view(client, settings, "decision", "actionitem")
    theirs, other = ForumFactory(name="Northern CFSN"), ForumFactory(name="Southern CFSN")
    MembershipFactory(user=person, forum=theirs)
    held = {"status": MeetingStatus.COMPLETED, "start": timezone.now() - dt.timedelta(days=1)}
    own_meeting = MeetingFactory(forum=theirs, **held)
    other_meeting = MeetingFactory(forum=other, **held)
    published = MeetingFactory(forum=other, minutes_published_at=timezone.now(), **held)
    for meeting, label in (
        (own_meeting, "own"),
        (other_meeting, "other"),
        (published, "published"),
    ):
        DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting), text=f"Decided {label}")
        ActionItemFactory(meeting=meeting, title=f"Action {label}")
    ActionItemFactory(meeting=None, forum=other, title="Action out of session")

    decisions = listed(client, "admin:forums_decision_changelist")
    actions = listed(client, "admin:forums_actionitem_changelist")

    assert "Decided own" in decisions
    assert "Decided published" in decisions
    assert "Decided other" not in decisions
    assert "Action own" in actions
    assert "Action published" in actions
    assert "Action out of session" in actions
    assert "Action other" not in actions
