"""Who may do what with the practice guidance library: one set of predicates for views,
templates and the admin."""

import rules

from members.rules import is_administrator

# The tiers whose chairs and facilitators look after the library: they see practice across
# every region (forums/choices.py Tier values, named here because forums builds on practice).
LIBRARY_TIERS = ("statewide", "strategic")


@rules.predicate
def is_practice_lead(user) -> bool:
    """Leads at least one practice area."""
    return bool(areas_led_by(user))


def areas_led_by(user) -> frozenset[int]:
    """Ids of the practice areas this person leads; read once per request, kept on the user."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_areas_led", None)
    if cached is None:
        from .models import PracticeLead

        # Unordered: the leads' default order would join the person and the area for nothing.
        cached = frozenset(
            PracticeLead.objects.filter(user=user)
            .order_by()
            .values_list("practice_area_id", flat=True)
        )
        user._areas_led = cached
    return cached


@rules.predicate
def runs_a_library_forum(user) -> bool:
    """A chair or facilitator (or, at the Strategic forum, an executive) of the State-wide or
    Strategic forum."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_runs_a_library_forum", None)
    if cached is None:
        # forums builds on practice, so its rules are looked up only when needed.
        from forums.models import Forum
        from forums.rules import forums_run_by

        run = forums_run_by(user)
        cached = bool(run) and Forum.objects.filter(pk__in=run, tier__in=LIBRARY_TIERS).exists()
        user._runs_a_library_forum = cached
    return cached


is_library_editor = is_administrator | is_practice_lead | runs_a_library_forum


@rules.predicate
def is_guidance_owner(user, item) -> bool:
    return item is not None and user.is_authenticated and item.owner_id == user.pk


@rules.predicate
def is_superseded(user, item) -> bool:
    return item is not None and item.is_superseded


rules.add_perm("practice.view_guidanceitem", rules.is_authenticated)
rules.add_perm("practice.add_guidanceitem", is_library_editor)
# A superseded item is the record of what was: it is read, never changed.
rules.add_perm(
    "practice.change_guidanceitem", (is_library_editor | is_guidance_owner) & ~is_superseded
)
rules.add_perm(
    "practice.review_guidanceitem", (is_library_editor | is_guidance_owner) & ~is_superseded
)
rules.add_perm("practice.supersede_guidanceitem", is_library_editor & ~is_superseded)
