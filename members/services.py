from django.db import transaction
from django.utils import timezone

from .models import Notification, User
from .tasks import send_notification_email


@transaction.atomic
def notify(recipient: User, *, subject: str, body: str = "", url: str = "") -> Notification | None:
    """Record a notification for one person and email it once the transaction commits.

    A deactivated account is told nothing."""
    if not recipient.is_active:
        return None
    notification = Notification.objects.create(
        recipient=recipient, subject=subject, body=body, url=url
    )
    transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


@transaction.atomic
def mark_notifications_read(recipient: User) -> int:
    """Mark every unread notification of this person as read; returns how many changed."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )
