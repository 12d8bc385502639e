"""Consultations as other apps' pages show them: a forum's page and the month calendar."""

import datetime as dt
from collections import defaultdict

from django import template

from ..selectors import closing_dates, forum_consultations

register = template.Library()


@register.inclusion_tag("feedback/_forum_consultations.html", takes_context=True)
def forum_consultations_panel(context, forum) -> dict:
    """Consultations the forum received and sent, with where each stands."""
    user = context["request"].user
    return {"forum": forum, "request": context["request"], **forum_consultations(forum, user)}


@register.simple_tag
def consultations_closing(user, first: dt.date, weeks) -> dict:
    """Closing dates of open consultations sent to the person's forums, by day, for the
    days the month's grid shows; one query."""
    days = [day["date"] for week in weeks for day in week]
    if not days:
        return {}
    by_day: dict[dt.date, list] = defaultdict(list)
    for consultation in closing_dates(user, min(days), max(days)):
        by_day[consultation.closes_on].append(consultation)
    return dict(by_day)


@register.filter
def closing_on(closing: dict, day: dt.date) -> list:
    return closing.get(day, []) if closing else []
