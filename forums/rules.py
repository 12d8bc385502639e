"""Who may do what in forums: one set of predicates for views, templates and the admin."""

from typing import NamedTuple

import rules
from django.db import connection

from members.rules import is_administrator

from .choices import EXECUTIVE_ROLES, FACILITATING_ROLES, MembershipRole, Tier


def forum_of(obj):
    """The forum an object belongs to: a forum, meeting, agenda item, action or resource."""
    if obj is None:
        return None
    if hasattr(obj, "tier"):
        return obj
    if hasattr(obj, "forum_id"):
        return obj.forum
    if hasattr(obj, "meeting_id"):
        return obj.meeting.forum
    return None


# Each person's forums, roles and the forums' tiers, for as many people as placeholders.
ROLES_SQL = (
    "SELECT membership.user_id, membership.forum_id, membership.role, forum.tier, "
    "forum.name, forum.slug "
    "FROM forums_membership AS membership "
    "JOIN forums_forum AS forum ON forum.id = membership.forum_id "
    "WHERE membership.user_id IN ({people})"
)


def roles_of(user) -> dict[int, str]:
    """forum id -> role for this person, read once per request and kept on the user."""
    if not user.is_authenticated:
        return {}
    read_roles_of([user])
    return user._forum_roles


class MembershipRow(NamedTuple):
    """One of a person's forums as ROLES_SQL reads it."""

    forum_id: int
    role: str
    tier: str
    name: str
    slug: str


def memberships_of(user) -> list[MembershipRow]:
    """Each forum this person belongs to, read with their roles: no query of its own after
    roles_of."""
    if not user.is_authenticated:
        return []
    read_roles_of([user])
    return user._forum_rows


def read_roles_of(users) -> None:
    """roles_of for these people in one query, nothing for those already read: one person on
    nearly every page, those told of issues placed together at once. Written out: Django took
    longer to build it (0.7 ms) than PostgreSQL takes to answer."""
    unread = {user.pk: user for user in users if getattr(user, "_forum_roles", None) is None}
    if not unread:
        return
    rows: dict[int, list[MembershipRow]] = {pk: [] for pk in unread}
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(unread))
        cursor.execute(ROLES_SQL.format(people=placeholders), list(unread))
        for user_id, *row in cursor.fetchall():
            rows[user_id].append(MembershipRow(*row))
    for pk, user in unread.items():
        _keep_roles(user, rows[pk])


def _keep_roles(user, rows: list[MembershipRow]) -> None:
    """Keep on the user what roles_of, memberships_of and the predicates below read."""
    user._forum_roles = {row.forum_id: row.role for row in rows}
    user._forum_rows = rows
    strategic = [row.role for row in rows if row.tier == Tier.STRATEGIC]
    user._chairs_statewide = any(
        row.role == MembershipRole.CHAIR and row.tier == Tier.STATEWIDE for row in rows
    )
    user._forums_run = {
        row.forum_id
        for row in rows
        if row.role in FACILITATING_ROLES
        or (row.tier == Tier.STRATEGIC and row.role in EXECUTIVE_ROLES)
    }
    user._is_strategic_member = bool(strategic)
    user._is_executive = any(role in EXECUTIVE_ROLES for role in strategic)


def chairs_statewide(user) -> bool:
    """Chairs the State-wide Practitioner Forum, from their own memberships."""
    roles_of(user)
    return getattr(user, "_chairs_statewide", False)


def forums_run_by(user) -> set[int]:
    """Ids of the forums this person runs (as is_forum_facilitator decides), from its own
    memberships: an administrator runs every forum but is not given each one's to-do list."""
    roles_of(user)
    return getattr(user, "_forums_run", set())


def standing_in(user, forum_id: int) -> tuple[bool, bool, bool]:
    """What of a forum's meetings this person may see beyond what every member sees: whether
    they are a member, whether they run it, and whether they are an administrator. A part of
    the forum's pages kept for one reader (cop_portal.kept) is shown to another with the
    same standing."""
    return (
        forum_id in roles_of(user),
        forum_id in forums_run_by(user),
        is_administrator(user),
    )


@rules.predicate
def is_strategic_member(user) -> bool:
    """A member of the Strategic Leadership Forum in any role, observers included."""
    if not user.is_authenticated:
        return False
    roles_of(user)
    return user._is_strategic_member


@rules.predicate
def is_executive(user) -> bool:
    """The Strategic Leadership Forum's chair, facilitator or an executive member: its
    role decides, not membership alone."""
    if not user.is_authenticated:
        return False
    roles_of(user)
    return user._is_executive


@rules.predicate
def is_forum_member(user, obj) -> bool:
    forum = forum_of(obj)
    return forum is not None and forum.pk in roles_of(user)


@rules.predicate
def is_forum_facilitator(user, obj) -> bool:
    """Chairs and facilitators run their forum; executive members run the strategic forum."""
    forum = forum_of(obj)
    return forum is not None and forum.pk in forums_run_by(user)


@rules.predicate
def has_facilitating_role(user, obj) -> bool:
    """A chair or facilitator of the forum itself (not merely an executive member)."""
    forum = forum_of(obj)
    return forum is not None and roles_of(user).get(forum.pk) in FACILITATING_ROLES


@rules.predicate
def is_facilitator_anywhere(user) -> bool:
    roles = roles_of(user)
    return any(role in FACILITATING_ROLES for role in roles.values()) or is_executive(user)


@rules.predicate
def is_published_meeting(user, meeting) -> bool:
    return meeting is not None and meeting.is_seen_by_members


@rules.predicate
def is_learning_session(user, meeting) -> bool:
    """A session any signed-in member may register for, hosted by a forum."""
    return meeting is not None and getattr(meeting, "is_learning_session", False)


@rules.predicate
def has_published_minutes(user, meeting) -> bool:
    return meeting is not None and meeting.minutes_published_at is not None


@rules.predicate
def follows_progress(user, action) -> bool:
    return action is not None and action.follows_progress


@rules.predicate
def is_action_owner(user, action) -> bool:
    """The action's owner, while they are a member of its forum: one who has left keeps
    their name on it, and those who run the forum keep it up to date."""
    return action is not None and action.owner_id == user.pk and action.forum_id in roles_of(user)


@rules.predicate
def is_shared_with_members(user, resource) -> bool:
    """A forum's own resource, or one attached to a meeting its members may already see."""
    return resource is not None and (
        resource.meeting_id is None or resource.meeting.is_seen_by_members
    )


@rules.predicate
def is_open_session_material(user, resource) -> bool:
    """A file of a published learning session, which every signed-in member may attend."""
    meeting = resource.meeting if resource is not None and resource.meeting_id else None
    return (
        meeting is not None
        and getattr(meeting, "is_learning_session", False)
        and meeting.is_seen_by_members
    )


can_run = is_forum_facilitator | is_administrator

rules.add_perm("forums.view_forum", rules.is_authenticated)
rules.add_perm("forums.manage_membership", has_facilitating_role | is_administrator)
rules.add_perm("forums.schedule_meeting", can_run)
rules.add_perm("forums.change_meeting", can_run)
rules.add_perm("forums.build_agenda", can_run)
rules.add_perm("forums.record_minutes", can_run)
rules.add_perm("forums.record_attendance", can_run)
rules.add_perm("forums.add_resource", can_run)


def sees_meeting(user, meeting) -> bool:
    """forums.view_meeting: a meeting its members see, or one of a forum this person runs
    (an administrator runs every forum). Read from the meeting's own columns (status,
    published_at, forum_id) and the person's roles, without loading its forum, so that lists
    naming many meetings ask it of each."""
    if meeting.is_seen_by_members:
        return True
    return bool(user.is_authenticated) and (
        is_administrator(user) or meeting.forum_id in forums_run_by(user)
    )


@rules.predicate
def is_visible_meeting(user, meeting) -> bool:
    return meeting is not None and sees_meeting(user, meeting)


can_view_meeting = rules.is_authenticated & is_visible_meeting


rules.add_perm("forums.view_meeting", can_view_meeting)
# Unpublished minutes stay inside the forum: executives read them for the Strategic forum's
# own meetings (as its members), and everyone else's once they are published.
rules.add_perm(
    "forums.view_minutes",
    can_view_meeting & (has_published_minutes | is_forum_member | is_administrator),
)
rules.add_perm("forums.rsvp_meeting", is_forum_member & is_published_meeting & ~is_learning_session)
# A learning session is open to every signed-in member, whatever their forums.
rules.add_perm(
    "forums.add_registration",
    rules.is_authenticated & is_learning_session & is_published_meeting,
)
rules.add_perm("forums.cancel_registration", rules.is_authenticated & is_learning_session)
rules.add_perm("forums.change_session", can_run & is_learning_session)
rules.add_perm("forums.view_learning_record", rules.is_authenticated)
rules.add_perm("forums.update_action", (is_action_owner | can_run) & ~follows_progress)
# A file stays inside its forum: members may open it (a meeting's once they may see the
# meeting), and so may those who run the forum; a learning session's, as the session itself,
# every signed-in member.
rules.add_perm(
    "forums.download_resource",
    can_run
    | (is_forum_member & is_shared_with_members)
    | (rules.is_authenticated & is_open_session_material),
)
rules.add_perm("forums.run_any_forum", is_facilitator_anywhere | is_administrator)
