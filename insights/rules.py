"""Who sees insights: executives, administrators and the State-wide Forum's chair see the
whole loop; a forum's chairs and facilitators see their own forum's view."""

import rules

from forums.choices import MembershipRole, Tier
from forums.rules import is_executive, is_facilitator_anywhere, is_forum_facilitator, roles_of
from members.rules import is_administrator


@rules.predicate
def is_statewide_chair(user) -> bool:
    """The chair of the State-wide Practitioner Forum, who looks for patterns across regions."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_statewide_chair", None)
    if cached is None:
        chaired = [pk for pk, role in roles_of(user).items() if role == MembershipRole.CHAIR]
        if chaired:
            from forums.models import Forum

            cached = Forum.objects.filter(pk__in=chaired, tier=Tier.STATEWIDE).exists()
        else:
            cached = False
        user._is_statewide_chair = cached
    return cached


sees_the_whole_loop = is_executive | is_administrator | is_statewide_chair

rules.add_perm("insights.view_insights", sees_the_whole_loop)
rules.add_perm("insights.view_forum_insights", sees_the_whole_loop | is_forum_facilitator)
# Whether Insights opens at all for this person (the navigation asks): the whole loop, or
# the own view of a forum they run.
rules.add_perm("insights.open_insights", sees_the_whole_loop | is_facilitator_anywhere)
