"""What someone's main menu may show, kept between their pages.

Deciding it reads their forum roles and practice areas (two queries) that most pages need for
nothing else. It is forgotten when either changes (the forums and practice apps call
forget_menu_reach), decided afresh when the account's standing (active, staff,
administrator) differs from when it was kept, and after MENU_REACH_SECONDS in any case."""

from django.core.cache import cache
from rules import test_rule

from cop_portal import stamps

# How long what someone's menu may show is kept at most. A change to their forum roles or
# practice areas made through the models forgets it at once; this bounds one made around
# them (a bulk update).
MENU_REACH_SECONDS = 300


def _reach_key(user_id: int) -> str:
    return f"members:menu-reach:{user_id}"


def menu_reach(user) -> dict[str, bool]:
    """Which of the menu's sections this person may reach: kept, as the module says."""
    standing = (user.is_active, user.is_staff, user.is_superuser)
    kept = cache.get(_reach_key(user.pk))
    if kept is not None and kept[0] == standing:
        return kept[1]
    reach = {
        "leads_an_area": test_rule("leads_a_practice_area", user),
        "runs_a_forum": user.has_perm("forums.run_any_forum"),
        "reviews": user.has_perm("feedback.view_executive_queue"),
        "sees_insights": user.has_perm("insights.open_insights"),
    }
    cache.set(_reach_key(user.pk), (standing, reach), MENU_REACH_SECONDS)
    return reach


def forget_menu_reach(*user_ids: int) -> None:
    """These people's forum roles or practice areas changed: their menus are decided afresh
    on their next pages (cop_portal.stamps: now, and again once committed, since a page
    drawn in between reads the roles as they were and may keep them)."""
    stamps.forget([_reach_key(user_id) for user_id in user_ids])
