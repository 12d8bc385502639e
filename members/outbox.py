"""Sending what the notification outbox owes: each row emailed once, failures tried again later.

Rows are written by `members.services.notify_many`; this module only sends them. Every send
happens under the row's lock, and `sent_at` is re-read under that lock, so a nudge, a retry and
the sweeper racing for one row still send one email.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification
from .text import one_line

logger = logging.getLogger(__name__)

# One sweep sends at most this many rows; the next sweep (a minute later) takes the rest.
SWEEP_LIMIT = 200


@dataclass(frozen=True)
class Attempt:
    """What one delivery did: sent, or when to try again (None: nothing to do, or given up)."""

    sent: bool
    retry_in: int | None = None


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the n-th failed attempt: doubling from the base, capped."""
    base = settings.NOTIFICATION_RETRY_BASE_DELAY
    return min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATION_RETRY_MAX_DELAY)


def _due() -> QuerySet[Notification]:
    return Notification.objects.filter(sent_at__isnull=True, next_attempt_at__lte=timezone.now())


def _attempt(notification: Notification) -> Attempt:
    """Email a row the caller has locked; stamp it sent, or record the failure and back off."""
    link = f"\n\n{settings.PORTAL_BASE_URL}{notification.url}" if notification.url else ""
    notification.attempts += 1
    try:
        # Send, then stamp, while the row stays locked: if the stamp is lost (the database
        # fails after the mail server accepted), the email may go twice, never not at all;
        # a second email is a nuisance, a lost one is a missed escalation.
        send_mail(
            subject=f"[{settings.PORTAL_NAME}] {one_line(notification.subject)}",
            message=f"{notification.body}{link}",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception as exc:
        # Any failure (mail server down, address refused, a header Django rejects) is kept on
        # the row; the row, not the exception, decides when to try again.
        notification.last_error = f"{exc.__class__.__name__}: {exc}"[:300]
        if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            notification.next_attempt_at = None
            logger.error(
                "Notification %s not emailed after %s attempts; giving up: %s",
                notification.pk,
                notification.attempts,
                notification.last_error,
            )
            delay = None
        else:
            delay = retry_delay(notification.attempts)
            notification.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)
            logger.warning(
                "Notification %s not emailed (attempt %s), trying again in %s s: %s",
                notification.pk,
                notification.attempts,
                delay,
                notification.last_error,
            )
        notification.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        return Attempt(sent=False, retry_in=delay)
    notification.sent_at = timezone.now()
    notification.next_attempt_at = None
    notification.save(update_fields=["attempts", "sent_at", "next_attempt_at"])
    return Attempt(sent=True)


def deliver(notification_id: int) -> Attempt:
    """Email one notification if it is still owed and due; waits for a row another run holds."""
    with transaction.atomic():
        notification = (
            _due()
            .select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return Attempt(sent=False)
        return _attempt(notification)


def send_due(*, limit: int = SWEEP_LIMIT) -> int:
    """Email every owed notification that is due, one row per transaction; returns how many.

    Rows another run holds are skipped, so two sweeps at once share the work.
    """
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            notification = (
                _due()
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if notification is None:
                break
            sent += _attempt(notification).sent
    return sent


def oldest_unsent_age(now: dt.datetime | None = None) -> int:
    """Seconds since the oldest notification still owed (and not given up) was written."""
    oldest = (
        Notification.objects.filter(sent_at__isnull=True, next_attempt_at__isnull=False)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is None:
        return 0
    return max(int(((now or timezone.now()) - oldest).total_seconds()), 0)


def given_up_count() -> int:
    return Notification.objects.filter(sent_at__isnull=True, next_attempt_at__isnull=True).count()
