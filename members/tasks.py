from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification


@shared_task(name="members.send_notification_email")
def send_notification_email(notification_id: int) -> bool:
    """Email one notification; a second run of the same id sends nothing."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        link = f"\n\n{settings.PORTAL_BASE_URL}{notification.url}" if notification.url else ""
        send_mail(
            subject=f"[{settings.PORTAL_NAME}] {notification.subject}",
            message=f"{notification.body}{link}",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return True
