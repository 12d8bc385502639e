"""The permission matrix: each view for each role, and the selectors agree with the rules."""

import pytest
import rules
from django.urls import reverse

from feedback.choices import IssueStatus
from feedback.selectors import issues_visible_to
from feedback.services import routing
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.members import UserFactory

ROLES = [
    "anonymous",
    "practitioner",
    "outsider",
    "cfsn_facilitator",
    "statewide_facilitator",
    "executive",
    "administrator",
]


def user_for(loop, role):
    if role == "anonymous":
        return None
    if role == "outsider":
        return UserFactory()
    if role == "administrator":
        return UserFactory(is_superuser=True, is_staff=True)
    return getattr(loop, role)


def status_for(client, loop, role, url, method="get"):
    user = user_for(loop, role)
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url)
    if response.status_code == 302 and "/accounts/login/" in response.url:
        return "login"
    return response.status_code


# Each row: url builder, method, roles allowed (others: 403, or sign-in when anonymous).
MATRIX = [
    (
        "issue-list",
        lambda lp, i: reverse("feedback:issue-list"),
        "get",
        {
            "practitioner",
            "outsider",
            "cfsn_facilitator",
            "statewide_facilitator",
            "executive",
            "administrator",
        },
    ),
    (
        "issue-create",
        lambda lp, i: reverse("feedback:issue-create"),
        "get",
        {
            "practitioner",
            "outsider",
            "cfsn_facilitator",
            "statewide_facilitator",
            "executive",
            "administrator",
        },
    ),
    (
        "restricted-issue",
        lambda lp, i: i.get_absolute_url(),
        "get",
        {"practitioner", "cfsn_facilitator", "administrator"},
    ),
    (
        "triage-place",
        lambda lp, i: reverse("feedback:issue-place", args=[i.pk]),
        "get",
        {"cfsn_facilitator", "administrator"},
    ),
    (
        "triage-decline",
        lambda lp, i: reverse("feedback:issue-decline", args=[i.pk]),
        "get",
        {"cfsn_facilitator", "administrator"},
    ),
    (
        "forum-queue",
        lambda lp, i: reverse("feedback:forum-queue", args=[lp.cfsn.slug]),
        "get",
        {"cfsn_facilitator", "administrator"},
    ),
    (
        "executive-queue",
        lambda lp, i: reverse("feedback:executive-queue"),
        "get",
        {"executive", "administrator"},
    ),
    (
        "outcome",
        lambda lp, i: reverse("feedback:outcome-record", args=[i.referrals.get().agenda_item.pk]),
        "get",
        {"cfsn_facilitator", "administrator"},
    ),
    # Only practice leads advise and have a queue (tests/feedback/test_advice.py covers
    # them); none of these roles leads an area, administrators included.
    (
        "issue-advise",
        lambda lp, i: reverse("feedback:issue-advise", args=[i.pk]),
        "get",
        set(),
    ),
    ("lead-queue", lambda lp, i: reverse("feedback:lead-queue"), "get", set()),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "url", "method", "allowed"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_feedback_view_for_role_allows_or_refuses(client, loop, role, name, url, method, allowed):
    issue = PracticeIssueFactory(
        origin_forum=loop.cfsn, raised_by=loop.practitioner, restricted=True
    )
    routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)

    # At the meeting, once it has started: outcomes are recorded only then.
    with loop.at(loop.cfsn_meeting):
        result = status_for(client, loop, role, url(loop, issue), method)

    if role in allowed:
        assert result == 200
    elif role == "anonymous":
        assert result == "login"
    else:
        assert result == 403


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize("restricted", [False, True])
def test_issues_visible_to_agrees_with_view_permission(loop, role, restricted):
    user = user_for(loop, role)
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, restricted=restricted)
    draft = PracticeIssueFactory(origin_forum=loop.cfsn, status="draft", referral=False)

    visible = set(issues_visible_to(user))

    assert (issue in visible) == user.has_perm("feedback.view_issue", issue)
    assert (draft in visible) == user.has_perm("feedback.view_issue", draft)


# --- Responding: only to an issue waiting at the Strategic Leadership Forum ------------


@pytest.mark.parametrize("role", ROLES)
def test_respond_page_for_role_on_issue_waiting_at_strategic_forum(client, loop, role):
    issue = PracticeIssueFactory(
        origin_forum=loop.cfsn, current_forum=loop.strategic, restricted=True
    )

    result = status_for(client, loop, role, reverse("feedback:issue-respond", args=[issue.pk]))

    expected = {"anonymous": "login", "executive": 200, "administrator": 200}
    assert result == expected.get(role, 403)


@pytest.mark.parametrize(("role", "expected"), [("executive", 403), ("administrator", 404)])
def test_respond_page_of_someone_elses_draft_is_refused_without_its_title(
    client, loop, role, expected
):
    draft = PracticeIssueFactory(
        origin_forum=loop.cfsn,
        current_forum=loop.strategic,
        status=IssueStatus.DRAFT,
        title="Private draft about intake",
        referral=False,
    )
    client.force_login(user_for(loop, role))

    response = client.get(reverse("feedback:issue-respond", args=[draft.pk]))

    assert response.status_code == expected
    assert "Private draft about intake" not in response.content.decode()


@pytest.mark.parametrize("role", ["executive", "administrator"])
@pytest.mark.parametrize(
    ("status", "at_strategic"),
    [
        (IssueStatus.QUEUED, False),
        (IssueStatus.ON_AGENDA, False),
        (IssueStatus.RESPONDED, True),
        (IssueStatus.CLOSED, True),
        (IssueStatus.DECLINED, True),
        (IssueStatus.MERGED, True),
    ],
)
def test_respond_page_of_issue_not_waiting_for_a_response_shows_the_issue_and_says_so(
    client, loop, role, status, at_strategic
):
    issue = PracticeIssueFactory(
        origin_forum=loop.cfsn,
        current_forum=loop.strategic if at_strategic else loop.cfsn,
        status=status,
        title="Already dealt with",
    )
    client.force_login(user_for(loop, role))

    response = client.get(reverse("feedback:issue-respond", args=[issue.pk]), follow=True)

    assert response.redirect_chain == [(issue.get_absolute_url(), 302)]
    assert "This issue is no longer waiting for a response" in response.content.decode()


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize(
    ("status", "at_strategic", "raised_by_role"),
    [
        (IssueStatus.QUEUED, True, None),
        (IssueStatus.ON_AGENDA, True, None),
        (IssueStatus.QUEUED, False, None),
        (IssueStatus.RESPONDED, True, None),
        (IssueStatus.DRAFT, True, None),
        (IssueStatus.DRAFT, True, "executive"),
    ],
)
def test_respond_issue_permission_needs_executive_visible_and_waiting(
    loop, role, status, at_strategic, raised_by_role
):
    user = user_for(loop, role)
    issue = PracticeIssueFactory(
        origin_forum=loop.cfsn,
        current_forum=loop.strategic if at_strategic else loop.cfsn,
        status=status,
        raised_by=user_for(loop, raised_by_role) if raised_by_role else loop.practitioner,
        referral=False,
    )
    waiting = at_strategic and status in (IssueStatus.QUEUED, IssueStatus.ON_AGENDA)

    # The rule itself: superusers would pass user.has_perm through Django's ModelBackend.
    allowed = rules.has_perm("feedback.respond_issue", user, issue)

    assert allowed == (waiting and role in {"executive", "administrator"})
