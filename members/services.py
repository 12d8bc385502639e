import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from operations.security import security_event

from .models import Notification, User
from .tasks import enqueue, send_notification_email
from .text import one_line

logger = logging.getLogger(__name__)

SUBJECT_LENGTH = Notification._meta.get_field("subject").max_length


@transaction.atomic
def notify_many(
    recipients: Iterable[User], *, subject: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Record one notification per active recipient in the caller's transaction.

    The rows are the outbox: after commit the worker is nudged to email them, and if the broker
    cannot be reached the periodic sweep sends them instead; the caller never sees the error."""
    subject = Truncator(one_line(subject)).chars(SUBJECT_LENGTH)
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject, body=body, url=url)
        for user in recipients
        if user.is_active
    )
    if notifications:
        ids = [notification.pk for notification in notifications]
        transaction.on_commit(partial(_nudge_worker, ids), robust=True)
    return notifications


def notify(recipient: User, *, subject: str, body: str = "", url: str = "") -> Notification | None:
    """Record a notification for one person, emailed once the transaction commits.

    A deactivated account is told nothing."""
    notifications = notify_many([recipient], subject=subject, body=body, url=url)
    return notifications[0] if notifications else None


def _nudge_worker(notification_ids: list[int]) -> None:
    for position, notification_id in enumerate(notification_ids):
        # One refused hand-over means the broker is down: the rest wait for the sweep rather
        # than each making the user wait for another refusal.
        if not enqueue(send_notification_email, notification_id):
            waiting = ", ".join(str(pk) for pk in notification_ids[position:])
            logger.warning("Notifications %s wait for the periodic sweep", waiting)
            break


@transaction.atomic
def mark_notifications_read(recipient: User) -> int:
    """Mark every unread notification of this person as read; returns how many changed."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def deactivate_account(user: User, *, by: User) -> User:
    """A member leaves: they can no longer sign in and are sent nothing more; what they
    contributed stays, shown as the FORMER_MEMBER_ATTRIBUTION setting says."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    # Emails still owed are given up: the outbox never sends to a former member.
    Notification.objects.filter(recipient=user, sent_at__isnull=True).update(
        next_attempt_at=None, last_error="Account deactivated"
    )
    transaction.on_commit(
        partial(security_event, "account_deactivated", user=user, actor_user_id=str(by.pk))
    )
    return user


@dataclass(frozen=True)
class Pruned:
    notifications: int
    sessions: int


@transaction.atomic
def prune_personal_data(*, now: dt.datetime | None = None) -> Pruned:
    """Delete notifications older than NOTIFICATION_RETENTION_DAYS (except emails still owed)
    and sessions that expired or were last used more than SESSION_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    still_owed = Q(sent_at__isnull=True, next_attempt_at__isnull=False)
    notifications, _ = (
        Notification.objects.filter(created_at__lt=cutoff).exclude(still_owed).delete()
    )
    # A session's expiry is its last write plus SESSION_COOKIE_AGE.
    idle_cutoff = (
        now
        - dt.timedelta(days=settings.SESSION_RETENTION_DAYS)
        + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    sessions, _ = Session.objects.filter(expire_date__lt=max(now, idle_cutoff)).delete()
    return Pruned(notifications=notifications, sessions=sessions)
