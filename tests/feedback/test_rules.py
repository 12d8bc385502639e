"""The permission matrix: each view for each role, and the selectors agree with the rules."""

import pytest
from django.urls import reverse

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
        {"practitioner", "cfsn_facilitator", "executive", "administrator"},
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
        "respond",
        lambda lp, i: reverse("feedback:issue-respond", args=[i.pk]),
        "get",
        {"executive", "administrator"},
    ),
    (
        "outcome",
        lambda lp, i: reverse("feedback:outcome-record", args=[i.referrals.get().agenda_item.pk]),
        "get",
        {"cfsn_facilitator", "administrator"},
    ),
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
