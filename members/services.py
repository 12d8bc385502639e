import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

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
