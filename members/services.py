import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator

from operations.security import security_event

from . import outbox
from .choices import DIGESTS, Delivery, NotificationKind
from .models import Notification, NotificationPreference, User
from .signals import member_left
from .tasks import enqueue, send_notification_email, send_notification_emails
from .text import one_line

logger = logging.getLogger(__name__)

SUBJECT_LENGTH = Notification._meta.get_field("subject").max_length
# Notifications handed to the worker in one task, when several are written together.
NUDGE_BATCH = 50


@dataclass(frozen=True)
class Notice:
    """One message to some people: what notify_each records for each of them."""

    recipients: list[User]
    subject: str
    body: str = ""
    url: str = ""


def notify_many(
    recipients: Iterable[User],
    *,
    subject: str,
    body: str = "",
    url: str = "",
    kind: str = NotificationKind.OTHER,
) -> list[Notification]:
    """Record one notification per active recipient in the caller's transaction, delivered as
    each person chose for this kind: emailed after commit, kept for a digest, or not emailed.

    Only rows to email at once nudge the worker; the sweep sends them if the broker is down."""
    return notify_each([Notice(list(recipients), subject, body, url)], kind=kind)


@transaction.atomic
def notify_each(notices: list[Notice], *, kind: str = NotificationKind.OTHER) -> list[Notification]:
    """notify_many for several messages of one kind at once (each issue placed on an agenda
    tells its own watchers): two queries however many there are, and one nudge."""
    # Each notice's subject made one line once, and its active recipients.
    sending = [
        (
            notice,
            Truncator(one_line(notice.subject)).chars(SUBJECT_LENGTH),
            [user for user in notice.recipients if user.is_active],
        )
        for notice in notices
    ]
    users = {user.pk for _notice, _subject, recipients in sending for user in recipients}
    chosen = (
        dict(
            NotificationPreference.objects.filter(user__in=list(users), kind=kind).values_list(
                "user_id", "delivery"
            )
        )
        if users
        else {}
    )
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            delivery=(delivery := chosen.get(user.pk, Delivery.IMMEDIATE)),
            subject=subject,
            body=notice.body,
            url=notice.url,
            next_attempt_at=now if delivery == Delivery.IMMEDIATE else None,
        )
        for notice, subject, recipients in sending
        for user in recipients
    )
    ids = [n.pk for n in notifications if n.delivery == Delivery.IMMEDIATE]
    if ids:
        transaction.on_commit(partial(_nudge_worker, ids), robust=True)
    return notifications


def notify(
    recipient: User,
    *,
    subject: str,
    body: str = "",
    url: str = "",
    kind: str = NotificationKind.OTHER,
) -> Notification | None:
    """Record a notification for one person, delivered as they chose for its kind.

    A deactivated account is told nothing."""
    notifications = notify_many([recipient], subject=subject, body=body, url=url, kind=kind)
    return notifications[0] if notifications else None


def _nudge_worker(notification_ids: list[int]) -> None:
    """Hand the notifications to the worker: one alone as a task that retries itself, more
    in tasks of NUDGE_BATCH each, so that hundreds written together (issues placed on an
    agenda at once) ask the broker a few times, not hundreds, while their author waits."""
    batches = [
        notification_ids[start : start + NUDGE_BATCH]
        for start in range(0, len(notification_ids), NUDGE_BATCH)
    ]
    for position, batch in enumerate(batches):
        if len(batch) == 1:
            handed = enqueue(send_notification_email, batch[0])
        else:
            handed = enqueue(send_notification_emails, batch)
        # One refused hand-over means the broker is down: the rest wait for the sweep rather
        # than each making the user wait for another refusal.
        if not handed:
            waiting = ", ".join(str(pk) for later in batches[position:] for pk in later)
            logger.warning("Notifications %s wait for the periodic sweep", waiting)
            break


@transaction.atomic
def mark_notifications_read(recipient: User) -> int:
    """Mark every unread notification of this person as read; returns how many changed."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def open_notification(notification: Notification) -> Notification:
    """The recipient opened the notice: it is read from now on (the first opening counts)."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def set_notification_preferences(user: User, choices: Mapping[str, str]) -> None:
    """Record how the person hears of each kind; notices still owed an email (waiting for a
    digest, or for another try at once) follow the new choice (emailed at once, moved to a
    digest, or never emailed)."""
    if not choices:
        return
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user=user, kind=kind, delivery=delivery)
            for kind, delivery in choices.items()
        ],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery", "updated_at"],
    )
    now = timezone.now()
    # An email at once that failed is owed until its next try (one given up on is not).
    owed = Q(delivery__in=DIGESTS) | Q(delivery=Delivery.IMMEDIATE, next_attempt_at__isnull=False)
    for kind, delivery in choices.items():
        waiting = Notification.objects.filter(
            owed, recipient=user, kind=kind, sent_at__isnull=True
        ).exclude(delivery=delivery)
        waiting.update(
            delivery=delivery, next_attempt_at=now if delivery == Delivery.IMMEDIATE else None
        )


def unsubscribe(user: User, *, kind: str | None) -> list[str]:
    """Stop the emails of one kind (None: of every kind); returns the kinds turned off.

    The notices still appear in the portal."""
    kinds = [kind] if kind is not None else list(NotificationKind.values)
    set_notification_preferences(user, dict.fromkeys(kinds, Delivery.OFF))
    return kinds


@transaction.atomic
def deactivate_account(user: User, *, by: User) -> User:
    """A member leaves: they can no longer sign in and are sent nothing more; what they
    contributed stays, shown as the FORMER_MEMBER_ATTRIBUTION setting says."""
    # FOR NO KEY UPDATE: notices written to them meanwhile (a place that came free) need
    # only a key share on their row, and would otherwise wait on it while this waits on them.
    user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    member_left.send(sender=User, user=user)
    end_sessions(user)
    # Emails still owed are given up: the outbox never sends to a former member.
    Notification.objects.filter(recipient=user, sent_at__isnull=True).update(
        next_attempt_at=None, last_error=outbox.DEACTIVATED
    )
    transaction.on_commit(
        partial(security_event, "account_deactivated", user=user, actor_user_id=str(by.pk))
    )
    return user


@transaction.atomic
def reactivate_account(user: User, *, by: User) -> User:
    """A former member returns: they can sign in again, though not in a session from before
    they left (one kept from before sessions ended on leaving would otherwise come back),
    and are sent notices from now on."""
    user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    end_sessions(user)
    transaction.on_commit(
        partial(security_event, "account_reactivated", user=user, actor_user_id=str(by.pk))
    )
    return user


def end_sessions(user: User) -> int:
    """Delete every session signed in as `user`; returns how many. A former member's session
    already loads no one, but would again if their account were made active again: one
    taken from a shared computer, say. Sessions name their person only inside their data,
    so each unexpired one is read; members leave rarely."""
    ended = []
    live = Session.objects.filter(expire_date__gt=timezone.now()).only("session_data")
    for session in live.iterator(chunk_size=2000):
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            ended.append(session.pk)
    return Session.objects.filter(pk__in=ended).delete()[0]


def is_still_a_member(user: User) -> bool:
    """Whether `user` may still be given work: read from their row under a lock, so one
    leaving at the same moment (deactivate_account) is seen, whatever the object passed says.
    Call it inside the caller's transaction. The lock leaves the row's key alone, so rows
    that point at the member (their notifications, say) can still be written meanwhile."""
    return User.objects.select_for_update(no_key=True).filter(pk=user.pk, is_active=True).exists()


@transaction.atomic
def forget_password(user: User, *, request: HttpRequest | None = None) -> bool:
    """Where members sign in only through their organisation (LOCAL_ACCOUNTS_ENABLED off), a
    password kept from before could never sign in, yet would make re-authentication (before
    setting up two-factor authentication, say) ask for it: it is made unusable. Returns
    whether this call removed one (another may have, meanwhile)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.has_usable_password():
        return False
    user.set_unusable_password()
    user.save(update_fields=["password"])
    transaction.on_commit(partial(security_event, "password_removed", request=request, user=user))
    return True


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
