from functools import partial

from django.db import transaction
from django.utils.translation import gettext

from members.models import User
from operations.security import security_event

from ..choices import ForumEventKind, MembershipRole, Tier
from ..exceptions import ForumActionRefused
from ..models import Forum, Membership
from .audit import record_event


def _log_role(membership: Membership, *, by, kind: str, role: str) -> None:
    # Written once the change is committed: a refused or rolled-back change is no event.
    transaction.on_commit(
        partial(
            security_event,
            kind,
            user=membership.user,
            actor_user_id=str(by.pk) if by is not None else None,
            forum=membership.forum.slug,
            role=role,
        )
    )


def refuse_role_outside_its_tier(forum: Forum, role: str) -> None:
    """Refuses a role the forum's tier has no place for."""
    if role == MembershipRole.EXECUTIVE and forum.tier != Tier.STRATEGIC:
        raise ForumActionRefused(
            gettext(
                "Executive members belong to the Strategic Leadership Forum: choose another role."
            )
        )


@transaction.atomic
def add_member(forum: Forum, *, by, email: str, role: str = MembershipRole.MEMBER) -> Membership:
    """Add a registered person to a forum with a role; a person belongs to a forum once."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ForumActionRefused(
            gettext("No one with the email address %(email)s has an account yet.")
            % {"email": email}
        )
    refuse_role_outside_its_tier(forum, role)
    Forum.objects.select_for_update().get(pk=forum.pk)
    if Membership.objects.filter(forum=forum, user=user).exists():
        raise ForumActionRefused(
            gettext("%(user)s is already a member of %(forum)s.") % {"user": user, "forum": forum}
        )
    membership = Membership.objects.create(forum=forum, user=user, role=role)
    record_event(
        forum,
        actor=by,
        kind=ForumEventKind.MEMBERSHIP_CHANGED,
        note=f"Added {user} as {membership.get_role_display().lower()}",
    )
    _log_role(membership, by=by, kind="role_granted", role=membership.role)
    return membership


@transaction.atomic
def change_member_role(membership: Membership, *, by, role: str) -> Membership:
    """Give a member another role in their forum."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "forum")
        .get(pk=membership.pk)
    )
    refuse_role_outside_its_tier(membership.forum, role)
    old = membership.get_role_display().lower()
    membership.role = role
    membership.save(update_fields=["role"])
    record_event(
        membership.forum,
        actor=by,
        kind=ForumEventKind.MEMBERSHIP_CHANGED,
        note=f"{membership.user}: {old} -> {membership.get_role_display().lower()}",
    )
    _log_role(membership, by=by, kind="role_changed", role=role)
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, by) -> Forum:
    """Take a person out of a forum; their past contributions stay."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "forum")
        .get(pk=membership.pk)
    )
    forum, user = membership.forum, membership.user
    _log_role(membership, by=by, kind="role_removed", role=membership.role)
    membership.delete()
    record_event(forum, actor=by, kind=ForumEventKind.MEMBERSHIP_CHANGED, note=f"Removed {user}")
    return forum
