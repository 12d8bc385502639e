"""forums answers model changes that other parts of the portal keep something of."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from cop_portal.filters import forget_choices
from cop_portal.kept import forget_forum, forget_names
from members.menu import forget_menu_reach
from members.signals import member_left

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Forum,
    ForumEvent,
    Meeting,
    MeetingSeries,
    Membership,
    MinutesRevision,
    Resource,
    Rsvp,
)
from .services.learning import give_up_places
from .services.scheduling import revoke_calendar_feed


@receiver((post_save, post_delete), sender=Membership, dispatch_uid="forums.membership_menu")
def on_membership_changed(sender, instance: Membership, **kwargs) -> None:
    # A role decides the Triage, Executive review and Insights sections of the menu.
    forget_menu_reach(instance.user_id)


@receiver((post_save, post_delete), sender=Forum, dispatch_uid="forums.forum_choices")
def on_forum_changed(sender, instance: Forum, **kwargs) -> None:
    # Filters offer every forum by name, and kept page parts of other forums and of issues
    # name it.
    forget_choices(Forum)
    forget_names()
    # A forum's tier decides what its roles open in the menu (Executive review comes with a
    # Strategic forum); a deleted forum's memberships go with it, each forgetting its own.
    if kwargs["signal"] is post_save and not kwargs.get("created"):
        forget_menu_reach(
            *Membership.objects.filter(forum=instance).values_list("user_id", flat=True)
        )


# What a forum's kept page parts (cop_portal.kept) are drawn from: a row of one of these
# saved or deleted draws them afresh. Each has its forum, or its meeting's.
FORUM_ROWS = (Forum, Meeting, MeetingSeries, Membership, ForumEvent, ActionItem, Resource)
MEETING_ROWS = (AgendaItem, Decision, MinutesRevision, Rsvp, Attendance)


def forum_id_of(instance) -> int | None:
    """The forum a row of FORUM_ROWS or MEETING_ROWS belongs to."""
    if isinstance(instance, Forum):
        return instance.pk
    if hasattr(instance, "forum_id"):
        return instance.forum_id
    meeting = instance._state.fields_cache.get("meeting")
    if meeting is not None:
        return meeting.forum_id
    return Meeting.objects.filter(pk=instance.meeting_id).values_list("forum_id", flat=True).first()


def on_forum_row_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        forget_forum(forum_id_of(instance))


for model in FORUM_ROWS + MEETING_ROWS:
    for signal, done in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            on_forum_row_changed,
            sender=model,
            dispatch_uid=f"forums.kept_parts.{model._meta.model_name}.{done}",
        )


# Rows an administrator may move to another forum (the admin leaves their forum editable).
MOVABLE_ROWS = (Resource, MeetingSeries)


def on_forum_row_moving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """A row moved to another forum leaves the pages of the one it was in as well."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"forum", "forum_id"} & set(update_fields):
        return
    was = sender.objects.filter(pk=instance.pk).values_list("forum_id", flat=True).first()
    if was is not None and was != instance.forum_id:
        forget_forum(was)


for model in MOVABLE_ROWS:
    pre_save.connect(
        on_forum_row_moving,
        sender=model,
        dispatch_uid=f"forums.kept_parts.{model._meta.model_name}.moving",
    )


@receiver(member_left, dispatch_uid="forums.give_up_places")
def on_member_left(sender, user, **kwargs) -> None:
    give_up_places(user)
    # A feed address handed out before they left must not work again if they come back.
    revoke_calendar_feed(user)
