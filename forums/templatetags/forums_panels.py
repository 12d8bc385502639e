"""Panels the forums app lends to other pages (the home page), without an import back."""

import datetime as dt

from django import template
from django.db.models import Count, Exists, OuterRef, Q, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from cop_portal.db import plans_for_these_values
from members.home import Task

from ..choices import OPEN_ACTION_STATUSES, TAKES_OUTCOMES, MeetingKind, MeetingStatus
from ..models import ActionItem, Meeting, Rsvp
from ..rules import forums_run_by
from ..selectors.forums import forums_of
from ..selectors.meetings import meetings_for

# How far ahead a to-do list looks for actions falling due and agendas to publish, and how
# far back for minutes still to publish.
ACTIONS_DUE_WITHIN_DAYS = 14
AGENDA_DUE_WITHIN_DAYS = 21
MINUTES_DUE_WITHIN_DAYS = 90

register = template.Library()


# How many meetings and actions the home page's panels list.
PANEL_LENGTH = 5


def _upcoming(user) -> tuple[list[Meeting], int]:
    """The person's next meetings for the panel, and how many of their forums' published
    meetings still await their reply: one query, kept on the user for the request."""
    cached = getattr(user, "_home_upcoming", None)
    if cached is None:
        now = timezone.now()
        awaiting_reply = Q(
            kind=MeetingKind.FORUM, status=MeetingStatus.PUBLISHED, start__gt=now
        ) & ~Q(Exists(Rsvp.objects.filter(user=user, meeting=OuterRef("pk"))))
        # Planned for this person's forums: a plan kept for anyone's reads every meeting to come.
        with plans_for_these_values():
            rows = list(
                meetings_for(user)
                .upcoming()
                .exclude(status=MeetingStatus.CANCELLED)
                # What the panel shows of each.
                .select_related(None)
                .select_related("forum")
                .only("title", "start", "kind", "status", "forum__name")
                .annotate(to_answer=Window(Count("pk", filter=awaiting_reply)))[:PANEL_LENGTH]
            )
        cached = (rows, rows[0].to_answer if rows else 0)
        user._home_upcoming = cached
    return cached


def _open_actions(user) -> tuple[list[ActionItem], int]:
    """The person's open actions, soonest due first, one more than the panel lists, and how
    many fall due within ACTIONS_DUE_WITHIN_DAYS: one query, kept on the user."""
    cached = getattr(user, "_home_actions", None)
    if cached is None:
        soon = timezone.localdate() + dt.timedelta(days=ACTIONS_DUE_WITHIN_DAYS)
        rows = list(
            ActionItem.objects.filter(owner=user, status__in=OPEN_ACTION_STATUSES)
            .select_related("forum")
            .only("title", "due_date", "status", "forum__name")
            .annotate(due_soon=Window(Count("pk", filter=Q(due_date__lte=soon))))
            .order_by("due_date", "id")[: PANEL_LENGTH + 1]
        )
        cached = (rows, rows[0].due_soon if rows else 0)
        user._home_actions = cached
    return cached


@register.inclusion_tag("forums/_panel_upcoming.html")
def upcoming_meetings_panel(user) -> dict:
    meetings, _ = _upcoming(user)
    return {"meetings": meetings}


@register.inclusion_tag("forums/_panel_my_forums.html")
def my_forums_panel(user) -> dict:
    return {"forums": forums_of(user)}


@register.inclusion_tag("forums/_panel_actions.html")
def open_actions_panel(user) -> dict:
    actions, _ = _open_actions(user)
    return {"actions": actions[:PANEL_LENGTH], "more": len(actions) > PANEL_LENGTH}


@register.simple_tag
def forum_tasks(user) -> list[Task]:
    """Meetings to answer and actions falling due; for those who run forums, agendas to
    publish and minutes to publish."""
    now = timezone.now()
    tasks = []
    _, to_answer = _upcoming(user)
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
    _, due = _open_actions(user)
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
