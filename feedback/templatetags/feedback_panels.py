"""Panels the feedback app lends to other pages (the home page)."""

from django import template
from django.db.models import Count, Q

from forums.choices import FACILITATING_ROLES, Tier
from forums.models import Forum

from ..models import PracticeIssue

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
    runs = Q(memberships__user=user) & (
        Q(memberships__role__in=FACILITATING_ROLES) | Q(tier=Tier.STRATEGIC)
    )
    forums = list(
        Forum.objects.filter(runs)
        .annotate(
            waiting=Count(
                "referrals",
                filter=Q(referrals__left_at__isnull=True, referrals__agenda_item__isnull=True),
                distinct=True,
            )
        )
        .order_by("tier", "name")
    )
    return {"forums": forums}
