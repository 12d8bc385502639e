"""Panels the feedback app lends to other pages (the home page)."""

from django import template

from ..models import PracticeIssue
from ..selectors import forums_to_triage

register = template.Library()


@register.inclusion_tag("feedback/_panel_my_issues.html")
def my_issues_panel(user, limit: int = 5) -> dict:
    issues = list(
        PracticeIssue.objects.filter(raised_by=user)
        .select_related("current_forum")
        .order_by("-updated_at", "-id")[:limit]
    )
    return {"issues": issues}


@register.inclusion_tag("feedback/_panel_triage.html")
def triage_panel(user) -> dict:
    """Forums this person runs, with how many issues wait for triage in each."""
    return {"forums": list(forums_to_triage(user))}
