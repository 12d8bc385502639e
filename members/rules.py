import rules
from django.conf import settings


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


@rules.predicate
def must_use_mfa(user) -> bool:
    """Whether this person may use the portal only with a second factor set up (MFA_REQUIRED):
    administrators, staff, Strategic Leadership Forum members and holders of MFA_REQUIRED_ROLES."""
    if not settings.MFA_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    # forums builds on members, so its rules are looked up only when needed.
    from forums.rules import is_strategic_member, roles_of

    required_roles = set(settings.MFA_REQUIRED_ROLES)
    # Every member of the Strategic Leadership Forum, whatever their role there.
    return is_strategic_member(user) or not required_roles.isdisjoint(roles_of(user).values())
