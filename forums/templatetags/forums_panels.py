"""Panels the forums app lends to other pages (the home page), without an import back."""

import datetime as dt

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from members.home import Task

from ..choices import OPEN_ACTION_STATUSES, TAKES_OUTCOMES, MeetingStatus
from ..models import ActionItem, Meeting, Rsvp
from ..rules import forums_run_by
from ..selectors.meetings import meetings_for

# How far ahead a to-do list looks for actions falling due and agendas to publish, and how
# far back for minutes still to publish.
ACTIONS_DUE_WITHIN_DAYS = 14
AGENDA_DUE_WITHIN_DAYS = 21
MINUTES_DUE_WITHIN_DAYS = 90

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


@register.simple_tag
def forum_tasks(user) -> list[Task]:
    """Meetings to answer and actions falling due; for those who run forums, agendas to
    publish and minutes to publish."""
    now = timezone.now()
    tasks = []
    to_answer = (
        meetings_for(user)
        .forum_meetings()
        .upcoming()
        .filter(status=MeetingStatus.PUBLISHED, start__gt=now)
        .exclude(pk__in=Rsvp.objects.filter(user=user).values("meeting"))
        .count()
    )
    if to_answer:
        tasks.append(
            Task(
                gettext("Meetings to answer"),
                to_answer,
                reverse("forums:my-meetings"),
                gettext("Reply to invitations"),
                gettext("Say whether you are going."),
            )
        )
    due = ActionItem.objects.filter(
        owner=user,
        status__in=OPEN_ACTION_STATUSES,
        due_date__lte=timezone.localdate() + dt.timedelta(days=ACTIONS_DUE_WITHIN_DAYS),
    ).count()
    if due:
        tasks.append(
            Task(
                gettext("Actions due"),
                due,
                reverse("forums:my-actions"),
                gettext("Update your actions"),
                gettext("Overdue or due within %(days)s days.") % {"days": ACTIONS_DUE_WITHIN_DAYS},
            )
        )
    runs = forums_run_by(user)
    if not runs:
        return tasks
    # A learning session's content is its agenda from the start, and it keeps no minutes.
    meetings = Meeting.objects.forum_meetings().filter(forum_id__in=runs).order_by("start", "pk")
    agendas = list(
        meetings.filter(
            status__in=[MeetingStatus.DRAFT, MeetingStatus.PUBLISHED],
            agenda_published_at__isnull=True,
            start__gt=now,
            start__lte=now + dt.timedelta(days=AGENDA_DUE_WITHIN_DAYS),
        ).values_list("pk", flat=True)[:100]
    )
    if agendas:
        tasks.append(
            Task(
                gettext("Agendas to publish"),
                len(agendas),
                reverse("forums:agenda-edit", args=[agendas[0]]),
                gettext("Build the next agenda"),
                gettext("Meetings in the next %(days)s days without a published agenda.")
                % {"days": AGENDA_DUE_WITHIN_DAYS},
            )
        )
    minutes = list(
        meetings.filter(
            status__in=TAKES_OUTCOMES,
            minutes_published_at__isnull=True,
            start__lte=now,
            start__gt=now - dt.timedelta(days=MINUTES_DUE_WITHIN_DAYS),
        ).values_list("pk", flat=True)[:100]
    )
    if minutes:
        tasks.append(
            Task(
                gettext("Minutes to publish"),
                len(minutes),
                reverse("forums:minutes-edit", args=[minutes[0]]),
                gettext("Write the minutes"),
                gettext("Meetings held without published minutes."),
            )
        )
    return tasks
