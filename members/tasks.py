import logging

from celery import Task, shared_task
from django.conf import settings

from . import outbox
from .choices import Delivery

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args) -> bool:
    """Hand a task to the broker; a broker that cannot be reached is logged, never raised.

    Whatever is enqueued from a request must be recorded first (an outbox row, a reminder row),
    so a lost message delays the work until the next sweep and loses nothing.
    """
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not enqueue %s with %r", task.name, args)
        return False
    return True


@shared_task(name="members.send_notification_email", bind=True, max_retries=None)
def send_notification_email(self: Task, notification_id: int) -> bool:
    """Email one notification; a second run of the same id sends nothing.

    A failed send is retried after the row's back-off; run in-process, the sweep retries it.
    """
    attempt = outbox.deliver(notification_id)
    in_worker = not (self.request.called_directly or self.request.is_eager)
    if attempt.retry_in is not None and in_worker:
        raise self.retry(countdown=attempt.retry_in)
    return attempt.sent


@shared_task(name="members.send_notification_emails")
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email several notifications written together, one after another; returns how many were
    sent. One that fails is not retried here: its row says when to try again, and the
    periodic sweep does."""
    return sum(outbox.deliver(notification_id).sent for notification_id in notification_ids)


@shared_task(name="members.send_unsent_notifications")
def send_unsent_notifications() -> int:
    """Email every notification still owed whose next attempt is due; safe to run twice at once."""
    return outbox.send_due()


@shared_task(name="members.send_daily_digests", bind=True)
def send_daily_digests(self: Task, after: int = 0) -> int:
    """Email each person who chose a daily digest one email of what is owed; a second run, or
    two at once, sends nothing more."""
    return _send_digests(self, Delivery.DAILY, after)


@shared_task(name="members.send_weekly_digests", bind=True)
def send_weekly_digests(self: Task, after: int = 0) -> int:
    """Email each person who chose a weekly digest one email of what is owed; a second run, or
    two at once, sends nothing more."""
    return _send_digests(self, Delivery.WEEKLY, after)


def _send_digests(task: Task, delivery: str, after: int) -> int:
    # A run stops well within the tasks' time limit and a new run goes on after the last
    # person it tried: cut short by the limit, the rest would wait for the next day or week,
    # and starting again from the first would try the same people while mail is down.
    run = outbox.send_digests(delivery, seconds=settings.DIGEST_RUN_SECONDS, after=after)
    if not run.finished:
        enqueue(task, run.last)
    return run.sent


@shared_task(name="members.prune_personal_data")
def prune_personal_data() -> dict:
    """Delete notifications and sessions past their retention; a second run deletes nothing."""
    from .services import prune_personal_data as prune

    pruned = prune()
    return {"notifications": pruned.notifications, "sessions": pruned.sessions}
