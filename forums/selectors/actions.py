"""Reads of action items: a person's own, a forum's open ones, a meeting's."""

from dataclasses import dataclass

from django.db.models import QuerySet

from members.models import name_fields

from ..choices import OPEN_ACTION_STATUSES
from ..models import ActionItem, Forum, Meeting, meeting_vectors
from ..signals import action_issue_links


@dataclass(frozen=True)
class MyActions:
    open: list[ActionItem]
    done: list[ActionItem]


def _with_context(queryset: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    return queryset.select_related("forum", "meeting", "owner", "agenda_item").defer(
        *meeting_vectors("meeting")
    )


def open_actions_for_forum(forum: Forum) -> QuerySet[ActionItem]:
    """The forum's open and in-progress actions, soonest due first."""
    return _with_context(
        ActionItem.objects.filter(forum=forum, status__in=OPEN_ACTION_STATUSES)
    ).order_by("due_date", "id")


# What the list of a meeting's own actions shows, on its page and in its minutes: the
# meeting and forum are the page's own, and an owner is shown by name.
MEETING_ACTION_FIELDS = (
    "title",
    "due_date",
    "status",
    "agenda_item",
    "agenda_item__title",
    *name_fields("owner"),
)


def actions_for_meeting(meeting: Meeting) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(meeting=meeting)
        .select_related("agenda_item", "owner")
        .only(*MEETING_ACTION_FIELDS)
        .order_by("due_date", "id")
    )


def with_issue_links(actions: list[ActionItem]) -> list[ActionItem]:
    """Each action gets `issue_link`: (label, url) of the practice issue it serves, or None,
    asked of the apps that raise issues in one batch."""
    links: dict[int, tuple[str, str]] = {}
    if actions:
        for _receiver, answer in action_issue_links.send(sender=ActionItem, actions=actions):
            links.update(answer or {})
    for action in actions:
        action.issue_link = links.get(action.pk)
    return actions


def actions_owned_by(user) -> MyActions:
    """A person's actions split into still open (soonest due first) and finished, each with
    the practice issue it serves."""
    actions = with_issue_links(
        list(_with_context(ActionItem.objects.filter(owner=user)).order_by("due_date", "id"))
    )
    for action in actions:
        action.can_update = user.has_perm("forums.update_action", action)
    return MyActions(
        open=[a for a in actions if a.is_open],
        done=sorted((a for a in actions if not a.is_open), key=lambda a: a.due_date, reverse=True),
    )
