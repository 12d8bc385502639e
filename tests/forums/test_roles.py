"""Roles decide, not membership: every role at every tier's forum against every action."""

import pytest

from feedback.selectors import forums_to_triage
from forums.choices import MembershipRole, Tier
from members.rules import must_use_mfa
from tests.factories.feedback import PracticeIssueFactory, ReferralFactory
from tests.factories.forums import (
    AgendaItemFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StatewideForumFactory,
    StrategicForumFactory,
)
from tests.factories.members import UserFactory

ACTIONS = (
    "schedule meeting",
    "build agenda",
    "record outcome",
    "triage",
    "record response",
    "view executive queue",
    "manage membership",
    "see restricted issue",
)
Y, N = True, False
CHAIR, FACILITATOR, EXECUTIVE = "chair", "facilitator", "executive"
MEMBER, GUEST, LIVED, OBSERVER = "member", "guest_expert", "lived_experience", "observer"
NONE, ADMIN = "no membership", "administrator"

# What each person may do with that tier's forum. A response is always the Strategic
# Leadership Forum's, to an issue waiting for it; the restricted issue has been at the forum.
# fmt: off
TABLE = {
    Tier.REGIONAL: {
        CHAIR:       (Y, Y, Y, Y, N, N, Y, Y),
        FACILITATOR: (Y, Y, Y, Y, N, N, Y, Y),
        EXECUTIVE:   (N, N, N, N, N, N, N, Y),
        MEMBER:      (N, N, N, N, N, N, N, Y),
        GUEST:       (N, N, N, N, N, N, N, Y),
        LIVED:       (N, N, N, N, N, N, N, Y),
        OBSERVER:    (N, N, N, N, N, N, N, Y),
        NONE:        (N, N, N, N, N, N, N, N),
        ADMIN:       (Y, Y, Y, Y, Y, Y, Y, Y),
    },
    Tier.STATEWIDE: {
        CHAIR:       (Y, Y, Y, Y, N, N, Y, Y),
        FACILITATOR: (Y, Y, Y, Y, N, N, Y, Y),
        EXECUTIVE:   (N, N, N, N, N, N, N, Y),
        MEMBER:      (N, N, N, N, N, N, N, Y),
        GUEST:       (N, N, N, N, N, N, N, Y),
        LIVED:       (N, N, N, N, N, N, N, Y),
        OBSERVER:    (N, N, N, N, N, N, N, Y),
        NONE:        (N, N, N, N, N, N, N, N),
        ADMIN:       (Y, Y, Y, Y, Y, Y, Y, Y),
    },
    Tier.STRATEGIC: {
        CHAIR:       (Y, Y, Y, Y, Y, Y, Y, Y),
        FACILITATOR: (Y, Y, Y, Y, Y, Y, Y, Y),
        EXECUTIVE:   (Y, Y, Y, Y, Y, Y, N, Y),
        MEMBER:      (N, N, N, N, N, N, N, Y),
        GUEST:       (N, N, N, N, N, N, N, Y),
        LIVED:       (N, N, N, N, N, N, N, Y),
        OBSERVER:    (N, N, N, N, N, N, N, Y),
        NONE:        (N, N, N, N, N, N, N, N),
        ADMIN:       (Y, Y, Y, Y, Y, Y, Y, Y),
    },
}
# fmt: on
CASES = [
    (tier, role, action, allowed)
    for tier, rows in TABLE.items()
    for role, answers in rows.items()
    for action, allowed in zip(ACTIONS, answers, strict=True)
]


def test_role_table_every_tier_lists_every_role_exactly():
    expected = {*MembershipRole.values, NONE, ADMIN}

    assert all(set(rows) == expected for rows in TABLE.values())
    assert set(TABLE) == set(Tier.values)


def forum_at(tier: str):
    if tier == Tier.REGIONAL:
        return ForumFactory()
    if tier == Tier.STATEWIDE:
        return StatewideForumFactory()
    return StrategicForumFactory()


def person(role: str, forum):
    if role == ADMIN:
        return UserFactory(is_superuser=True, is_staff=True)
    if role == NONE:
        return UserFactory()
    return MembershipFactory(forum=forum, role=role).user


def answer(action: str, user, forum) -> bool:
    strategic = StrategicForumFactory()
    if action == "schedule meeting":
        return user.has_perm("forums.schedule_meeting", forum)
    if action == "build agenda":
        return user.has_perm("forums.build_agenda", MeetingFactory(forum=forum))
    if action == "record outcome":
        item = AgendaItemFactory(meeting=MeetingFactory(forum=forum))
        return user.has_perm("feedback.record_outcome", item)
    if action == "triage":
        issue = PracticeIssueFactory(origin_forum=ForumFactory(), current_forum=forum)
        return user.has_perm("feedback.triage_issue", issue)
    if action == "record response":
        awaiting = PracticeIssueFactory(origin_forum=ForumFactory(), current_forum=strategic)
        return user.has_perm("feedback.respond_issue", awaiting)
    if action == "view executive queue":
        return user.has_perm("feedback.view_executive_queue")
    if action == "manage membership":
        return user.has_perm("forums.manage_membership", forum)
    restricted = PracticeIssueFactory(origin_forum=ForumFactory(), restricted=True)
    if restricted.current_forum != forum:
        ReferralFactory(issue=restricted, forum=forum)
    return user.has_perm("feedback.view_issue", restricted)


@pytest.mark.parametrize(("tier", "role", "action", "allowed"), CASES)
def test_role_at_tier_may_do_action_only_as_the_table_says(db, tier, role, action, allowed):
    forum = forum_at(tier)
    user = person(role, forum)

    got = answer(action, user, forum)

    assert got is allowed


def test_restricted_issue_never_at_the_strategic_forum_is_hidden_from_its_chair(db):
    chair = MembershipFactory(forum=StrategicForumFactory(), role=MembershipRole.CHAIR).user
    restricted = PracticeIssueFactory(restricted=True)

    allowed = chair.has_perm("feedback.view_issue", restricted)

    assert allowed is False


@pytest.mark.parametrize("role", MembershipRole.values)
def test_must_use_mfa_every_strategic_role_is_required(db, settings, role):
    settings.MFA_REQUIRED = True
    settings.MFA_REQUIRED_ROLES = []
    user = MembershipFactory(forum=StrategicForumFactory(), role=role).user

    required = must_use_mfa(user)

    assert required is True


def test_must_use_mfa_regional_member_is_not_required(db, settings):
    settings.MFA_REQUIRED = True
    settings.MFA_REQUIRED_ROLES = []
    user = MembershipFactory(forum=ForumFactory(), role=MembershipRole.EXECUTIVE).user

    required = must_use_mfa(user)

    assert required is False


@pytest.mark.parametrize(
    ("role", "runs"),
    [(MembershipRole.EXECUTIVE, True), (MembershipRole.OBSERVER, False)],
)
def test_forums_to_triage_lists_the_strategic_forum_only_for_executive_roles(db, role, runs):
    strategic = StrategicForumFactory()
    user = MembershipFactory(forum=strategic, role=role).user

    listed = list(forums_to_triage(user))

    assert listed == ([strategic] if runs else [])
