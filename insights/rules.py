"""Who sees insights: executives, administrators and the State-wide Forum's chair see the
whole loop; a forum's chairs and facilitators see their own forum's view."""

import rules

from forums.rules import (
    chairs_statewide,
    is_executive,
    is_facilitator_anywhere,
    is_forum_facilitator,
)
from members.rules import is_administrator


@rules.predicate
def is_statewide_chair(user) -> bool:
    """The chair of the State-wide Practitioner Forum, who looks for patterns across regions."""
    return user.is_authenticated and chairs_statewide(user)


sees_the_whole_loop = is_executive | is_administrator | is_statewide_chair

rules.add_perm("insights.view_insights", sees_the_whole_loop)
rules.add_perm("insights.view_forum_insights", sees_the_whole_loop | is_forum_facilitator)
# Whether Insights opens at all for this person (the navigation asks): the whole loop, or
# the own view of a forum they run.
rules.add_perm("insights.open_insights", sees_the_whole_loop | is_facilitator_anywhere)
