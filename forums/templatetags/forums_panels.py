"""Panels the forums app lends to other pages (the home page), without an import back."""

from django import template

from ..choices import OPEN_ACTION_STATUSES
from ..models import ActionItem
from ..selectors.meetings import meetings_for

register = template.Library()


@register.inclusion_tag("forums/_panel_upcoming.html")
def upcoming_meetings_panel(user, limit: int = 5) -> dict:
    meetings = list(meetings_for(user).upcoming().exclude(status="cancelled")[:limit])
    return {"meetings": meetings}


@register.inclusion_tag("forums/_panel_actions.html")
def open_actions_panel(user, limit: int = 5) -> dict:
    actions = list(
        ActionItem.objects.filter(owner=user, status__in=OPEN_ACTION_STATUSES)
        .select_related("forum")
        .order_by("due_date", "id")[: limit + 1]
    )
    return {"actions": actions[:limit], "more": len(actions) > limit}
