"""Follow-through after a response: its owner's progress updates and the daily reminders."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext, ngettext

from forums.choices import OPEN_ACTION_STATUSES, ActionStatus, Tier
from forums.models import ActionItem, Forum
from forums.selectors.meetings import facilitators_of
from members.choices import NotificationKind
from members.selectors import administrators
from members.services import notify, notify_many

from ..choices import (
    DELIVERY_TRANSITIONS,
    FINAL_DELIVERY_STATUSES,
    DeliveryStatus,
    EventKind,
)
from ..exceptions import TransitionNotAllowed
from ..models import OverdueReminder, PracticeIssue, Response, ResponseProgress
from .common import guard_privacy, log_event, tell


def date_format(day: dt.date) -> str:
    return format_date(day, "j F Y")


# The linked action item follows the response's delivery.
ACTION_STATUS_FOR = {
    DeliveryStatus.PLANNED: ActionStatus.OPEN,
    DeliveryStatus.IN_PROGRESS: ActionStatus.IN_PROGRESS,
    DeliveryStatus.DELIVERED: ActionStatus.DONE,
    DeliveryStatus.NOT_PROCEEDING: ActionStatus.CANCELLED,
}

EVENT_KIND_FOR = {
    DeliveryStatus.PLANNED: EventKind.PROGRESS,
    DeliveryStatus.IN_PROGRESS: EventKind.PROGRESS,
    DeliveryStatus.DELIVERED: EventKind.DELIVERED,
    DeliveryStatus.NOT_PROCEEDING: EventKind.NOT_PROCEEDING,
}


@transaction.atomic
def post_progress(response: Response, *, status: str, note: str, by) -> ResponseProgress:
    """The owner reports how the response is going. Not proceeding needs a reason;
    delivered and not proceeding are final. Keeps the action item in step, writes one
    event and tells the watchers and the originating CFSN's facilitators, each once."""
    note = note.strip()
    if status not in DeliveryStatus.values:
        raise TransitionNotAllowed(gettext("Choose how the response is going."))
    if status == DeliveryStatus.NOT_PROCEEDING and not note:
        raise TransitionNotAllowed(gettext("Say why the response is not proceeding."))
    guard_privacy(note)
    # Issue, then response, then action: the order respond() takes them in.
    issue = PracticeIssue.objects.select_for_update().get(response=response.pk)
    response = Response.objects.select_for_update().get(pk=response.pk)
    issue.response = response
    if not by.has_perm("feedback.post_progress", issue):
        raise TransitionNotAllowed(gettext("Only the owner of the response can post its progress."))
    if status not in DELIVERY_TRANSITIONS[response.delivery_status]:
        raise TransitionNotAllowed(
            gettext("The response is “%(status)s”, so it cannot become “%(to_status)s”.")
            % {
                "status": response.get_delivery_status_display().lower(),
                "to_status": DeliveryStatus(status).label.lower(),
            }
        )
    update = ResponseProgress.objects.create(response=response, status=status, note=note, by=by)
    response.delivery_status = status
    response.delivered_at = update.created_at if status in FINAL_DELIVERY_STATUSES else None
    response.last_progress_at = update.created_at
    response.save(update_fields=["delivery_status", "delivered_at", "last_progress_at"])
    _keep_action_in_step(response, status)
    label = str(DeliveryStatus(status).label)
    log_event(
        issue,
        actor=by,
        kind=EVENT_KIND_FOR[status],
        forum=response.action_item.forum if response.action_item_id else None,
        note=f"{label}. {note}".strip() if note else label,
    )
    tell(
        issue,
        subject=gettext("Progress on the response: %(status)s") % {"status": label.lower()},
        body=note,
        facilitators_of=[issue.origin_forum],
        exclude=by,
        kind=NotificationKind.RESPONSE,
    )
    return update


def _keep_action_in_step(response: Response, status: str) -> None:
    if response.action_item_id is None:
        return
    action = ActionItem.objects.select_for_update().get(pk=response.action_item_id)
    action.status = ACTION_STATUS_FOR[status]
    action.completed_at = timezone.now() if status in FINAL_DELIVERY_STATUSES else None
    action.save(update_fields=["status", "completed_at"])
    response.action_item = action


def send_overdue_reminders(today: dt.date | None = None) -> int:
    """Remind the owner of each open action past its due date, once a day, and the owner of
    each response whose review date has come, once. Safe to run twice or at once: the
    reminder rows' constraint and the review stamp let only one run send each."""
    today = today or timezone.localdate()
    sent = 0
    overdue = (
        ActionItem.objects.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
        .exclude(reminders__day=today)
        .select_related("owner", "forum", "response__issue", "response__owner")
        .order_by("due_date", "id")
    )
    for action in overdue:
        sent += _remind_overdue(action, today)
    due_for_review = (
        Response.objects.filter(review_date__lte=today, review_reminded_at__isnull=True)
        .exclude(delivery_status__in=FINAL_DELIVERY_STATUSES)
        # Progress posted on or after the review date was the review.
        .exclude(last_progress_at__date__gte=F("review_date"))
        .select_related("owner", "issue")
        .order_by("review_date", "id")
    )
    for response in due_for_review:
        sent += _remind_review(response)
    return sent


def _remind_overdue(action: ActionItem, today: dt.date) -> int:
    try:
        with transaction.atomic():
            OverdueReminder.objects.create(action=action, day=today)
            days = (today - action.due_date).days
            response = getattr(action, "response", None)
            # An action that carries out a response is the response owner's to report on:
            # handed to a new owner, the response takes its reminders with it.
            owner = response.owner if response is not None else action.owner
            if _keeps_it_up_to_date(owner, action, response):
                _remind_owner(owner, action, days, response)
            else:
                _remind_those_who_run(owner, action, days, response)
    except IntegrityError:
        # Another run reminded of this action today.
        return 0
    return 1


def _keeps_it_up_to_date(owner, action: ActionItem, response: Response | None) -> bool:
    """Whether the action's owner can still act on it: post progress on the response it
    carries out, or change its status (while a member of its forum)."""
    if not owner.is_active:
        return False
    if response is not None:
        return owner.has_perm("feedback.post_progress", response.issue)
    return owner.has_perm("forums.update_action", action)


def _overdue_line(action: ActionItem, days: int) -> str:
    return ngettext(
        "This action for %(forum)s was due on %(due)s, %(days)s day ago.",
        "This action for %(forum)s was due on %(due)s, %(days)s days ago.",
        days,
    ) % {"forum": action.forum.name, "due": date_format(action.due_date), "days": days}


def _remind_owner(owner, action: ActionItem, days: int, response: Response | None) -> None:
    notify(
        owner,
        subject=gettext("Overdue action: %(title)s") % {"title": action.title},
        body=f"{_overdue_line(action, days)} "
        + (
            gettext("Post progress on the response it carries out.")
            if response is not None
            else gettext("Update its status.")
        ),
        url=response.issue.get_absolute_url()
        if response is not None
        else reverse("forums:my-actions"),
        kind=NotificationKind.ACTION,
    )


def _remind_those_who_run(owner, action: ActionItem, days: int, response: Response | None) -> None:
    """An overdue action whose owner has left (the portal, or its forum) reminds nobody:
    those who run its forum are told instead, and what they can do about it."""
    if response is not None:
        then = gettext(
            "Its owner, %(owner)s, can no longer report on the response it carries out: an "
            "administrator can hand the response to a new owner."
        )
        url = response.issue.get_absolute_url()
    else:
        then = gettext(
            "Its owner, %(owner)s, has left, so it falls to those who run the forum: update "
            "its status, or give the work to a member as a new action."
        )
        url = reverse("forums:action-update", args=[action.pk])
    notify_many(
        facilitators_of(action.forum) or administrators(),
        subject=gettext("Overdue action of someone who has left: %(title)s")
        % {"title": action.title},
        body=f"{_overdue_line(action, days)} {then % {'owner': owner}}",
        url=url,
        kind=NotificationKind.ACTION,
    )


@transaction.atomic
def _remind_review(response: Response) -> int:
    claimed = Response.objects.filter(pk=response.pk, review_reminded_at__isnull=True).update(
        review_reminded_at=timezone.now()
    )
    if not claimed:
        return 0
    owner = response.owner
    if owner.is_active and owner.has_perm("feedback.post_progress", response.issue):
        notify(
            owner,
            subject=gettext("%(reference)s: the response is due for review")
            % {"reference": response.issue.reference},
            body=gettext(
                "The review date of the response you own came on %(date)s. "
                "Post its progress: planned, in progress, delivered or not proceeding."
            )
            % {"date": date_format(response.review_date)},
            url=response.issue.get_absolute_url(),
            kind=NotificationKind.RESPONSE,
        )
        return 1
    # Its owner has left: those who run the forum that answered (the Strategic Leadership
    # Forum) are told instead, or, if nobody runs it, the administrators.
    forum = (
        response.action_item.forum
        if response.action_item_id
        else Forum.objects.filter(tier=Tier.STRATEGIC).first()
    )
    notify_many(
        (facilitators_of(forum) if forum is not None else []) or administrators(),
        subject=gettext("%(reference)s: a response due for review has no owner to review it")
        % {"reference": response.issue.reference},
        body=gettext(
            "The review date of the response came on %(date)s, but its owner, %(owner)s, "
            "can no longer post its progress. An administrator can hand the response to a "
            "new owner."
        )
        % {"date": date_format(response.review_date), "owner": owner},
        url=response.issue.get_absolute_url(),
        kind=NotificationKind.RESPONSE,
    )
    return 1
