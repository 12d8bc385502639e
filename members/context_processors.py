from django.conf import settings


def portal(request) -> dict:
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "portal_name": settings.PORTAL_NAME,
        "unread_notifications": unread,
        "child_safety_url": settings.CHILD_SAFETY_URL,
        "child_safety_phone": settings.CHILD_SAFETY_PHONE,
    }
