"""Sending what the notification outbox owes: each row emailed once, failures tried again later.

Rows are written by `members.services.notify_many`; this module only sends them. Every send
happens under the row's lock, and `sent_at` is re-read under that lock, so a nudge, a retry and
the sweeper racing for one row still send one email. Rows kept for a digest go out together,
one email per person, under the same locks; every email carries a one-click unsubscribe link.
"""

import datetime as dt
import logging
import smtplib
import time
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from .choices import DIGESTS, Delivery, NotificationKind
from .models import Notification, User
from .text import one_line
from .unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)

# Kept on a row the outbox gives up because its recipient left.
DEACTIVATED = "Account deactivated"

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


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def opening_link(notification: Notification) -> str:
    """The link an email gives for a notice: through the portal, so opening it marks it read."""
    return _absolute(reverse("members:notification-open", kwargs={"pk": notification.pk}))


def _email(recipient: User, *, subject: str, body: str, unsubscribe: str) -> EmailMessage:
    return EmailMessage(
        subject=f"[{settings.PORTAL_NAME}] {one_line(subject)}",
        body=body,
        to=[recipient.email],
        # RFC 8058: mail programs offer their own unsubscribe button, which POSTs to the link.
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def notification_email(notification: Notification) -> EmailMessage:
    unsubscribe = unsubscribe_url(notification.recipient_id, notification.kind)
    body = render_to_string(
        "members/emails/notification.txt",
        {
            "notification": notification,
            "link": opening_link(notification) if notification.url else "",
            "kind_label": NotificationKind(notification.kind).label.lower(),
            "settings_url": _absolute(reverse("members:notification-settings")),
            "unsubscribe_url": unsubscribe,
        },
    )
    return _email(
        notification.recipient,
        subject=notification.subject,
        body=body,
        unsubscribe=unsubscribe,
    )


def loggable(exc: Exception) -> str:
    """What the logs may say of a failed send: the error's kind and the mail server's code.
    Its text can name the recipients (a refused address, say), which the logs never do."""
    code = getattr(exc, "smtp_code", None)
    if code is None and isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = ",".join(sorted({str(answer[0]) for answer in exc.recipients.values()}))
    return exc.__class__.__name__ + (f" ({code})" if code else "")


def _attempt(notification: Notification) -> Attempt:
    """Email a row the caller has locked; stamp it sent, or record the failure and back off."""
    if not notification.recipient.is_active:
        # Written for someone by a change that read them just before they left: the outbox
        # never sends to a former member.
        notification.next_attempt_at = None
        notification.last_error = DEACTIVATED
        notification.save(update_fields=["next_attempt_at", "last_error"])
        return Attempt(sent=False)
    notification.attempts += 1
    try:
        # Send, then stamp, while the row stays locked: if the stamp is lost (the database
        # fails after the mail server accepted), the email may go twice, never not at all;
        # a second email is a nuisance, a lost one is a missed escalation.
        notification_email(notification).send()
    except SoftTimeLimitExceeded:
        # The task sending it is out of time: it stops here, before the next row, and the
        # row, untouched, waits for the sweep.
        raise
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
                loggable(exc),
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
                loggable(exc),
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
    return Notification.objects.filter(
        delivery=Delivery.IMMEDIATE, sent_at__isnull=True, next_attempt_at__isnull=True
    ).count()


def _owed_digest(delivery: str) -> QuerySet[Notification]:
    return Notification.objects.filter(
        sent_at__isnull=True, delivery=delivery, recipient__is_active=True
    )


def digest_email(recipient: User, notifications: list[Notification], delivery: str) -> EmailMessage:
    unsubscribe = unsubscribe_url(recipient.pk, None)
    entries = [
        {"subject": one_line(n.subject), "link": opening_link(n) if n.url else ""}
        for n in notifications
    ]
    body = render_to_string(
        "members/emails/notification_digest.txt",
        {
            "recipient": recipient,
            "entries": entries,
            "period": delivery,
            "portal_name": settings.PORTAL_NAME,
            "settings_url": _absolute(reverse("members:notification-settings")),
            "unsubscribe_url": unsubscribe,
        },
    )
    count = len(notifications)
    if delivery == Delivery.WEEKLY:
        subject = ngettext(
            "Your weekly digest: %(count)s notice", "Your weekly digest: %(count)s notices", count
        )
    else:
        subject = ngettext(
            "Your daily digest: %(count)s notice", "Your daily digest: %(count)s notices", count
        )
    subject %= {"count": count}
    return _email(recipient, subject=subject, body=body, unsubscribe=unsubscribe)


# Digest runs take this key, plus their kind's place in DIGESTS shifted past any person's
# id, plus the person's id, as a PostgreSQL advisory lock ("DIG").
DIGEST_LOCK_BASE = 0x4449_4700_0000_0000
DIGEST_KIND_SHIFT = 40


def _takes_digest_of(recipient_id: int, delivery: str) -> bool:
    """Whether this run writes this person's digest of this kind: one run at a time per
    person and kind, held to the end of the transaction. Row locks alone let two runs each
    take some of a person's rows and each send them an email; the daily and the weekly run,
    which start together on Mondays, each write their own."""
    if connection.vendor != "postgresql":
        # SQLite runs one writer at a time.
        return True
    key = DIGEST_LOCK_BASE + (DIGESTS.index(delivery) << DIGEST_KIND_SHIFT) + recipient_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return cursor.fetchone()[0]


def _send_digest(recipient_id: int, delivery: str) -> bool:
    """One digest email for one person, unless another run is writing theirs; stamps the
    rows sent."""
    with transaction.atomic():
        if not _takes_digest_of(recipient_id, delivery):
            return False
        notifications = list(
            _owed_digest(delivery)
            .filter(recipient_id=recipient_id)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .order_by("created_at", "pk")
        )
        if not notifications:
            return False
        owed = Notification.objects.filter(pk__in=[n.pk for n in notifications])
        try:
            # As for single emails: send, then stamp, under the rows' locks.
            digest_email(notifications[0].recipient, notifications, delivery).send()
        except Exception as exc:
            # The rows stay owed, so the next digest run includes them.
            error = f"{exc.__class__.__name__}: {exc}"[:300]
            owed.update(attempts=F("attempts") + 1, last_error=error)
            logger.warning(
                "The %s digest for user %s was not emailed: %s",
                delivery,
                recipient_id,
                loggable(exc),
            )
            return False
        owed.update(attempts=F("attempts") + 1, sent_at=timezone.now())
    return True


@dataclass(frozen=True)
class DigestRun:
    sent: int
    # False when the run stopped for time with people still owed a digest: a run that goes
    # on starts after `last`, the last person this one tried.
    finished: bool
    last: int = 0


def send_digests(delivery: str, *, seconds: float | None = None, after: int = 0) -> DigestRun:
    """Email each person owed a digest of this delivery (whose id comes after `after`) one
    email listing every notice owed. Two runs at once send each notice once. Given
    `seconds`, stops starting digests once they have passed (after one at least)."""
    recipient_ids = (
        _owed_digest(delivery)
        .filter(recipient_id__gt=after)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    until = None if seconds is None else time.monotonic() + seconds
    sent, last = 0, after
    for tried, recipient_id in enumerate(list(recipient_ids)):
        if until is not None and tried and time.monotonic() >= until:
            return DigestRun(sent, finished=False, last=last)
        sent += _send_digest(recipient_id, delivery)
        last = recipient_id
    return DigestRun(sent, finished=True, last=last)
