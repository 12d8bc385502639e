"""forums answers model changes that other parts of the portal keep something of."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cop_portal.filters import forget_choices
from members.menu import forget_menu_reach
from members.signals import member_left

from .models import Forum, Membership
from .services.learning import give_up_places
from .services.scheduling import revoke_calendar_feed


@receiver((post_save, post_delete), sender=Membership, dispatch_uid="forums.membership_menu")
def on_membership_changed(sender, instance: Membership, **kwargs) -> None:
    # A role decides the Triage, Executive review and Insights sections of the menu.
    forget_menu_reach(instance.user_id)


@receiver((post_save, post_delete), sender=Forum, dispatch_uid="forums.forum_choices")
def on_forum_changed(sender, instance: Forum, **kwargs) -> None:
    # Filters offer every forum by name.
    forget_choices(Forum)
    # A forum's tier decides what its roles open in the menu (Executive review comes with a
    # Strategic forum); a deleted forum's memberships go with it, each forgetting its own.
    if kwargs["signal"] is post_save and not kwargs.get("created"):
        forget_menu_reach(
            *Membership.objects.filter(forum=instance).values_list("user_id", flat=True)
        )


@receiver(member_left, dispatch_uid="forums.give_up_places")
def on_member_left(sender, user, **kwargs) -> None:
    give_up_places(user)
    # A feed address handed out before they left must not work again if they come back.
    revoke_calendar_feed(user)
