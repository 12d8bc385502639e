from django.conf import settings

from .backends import UNREAD_COUNT


def portal(request) -> dict:
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Counted when the person was loaded for this request; a person signed in during
        # the request itself is counted here.
        unread = getattr(user, UNREAD_COUNT, None)
        if unread is None:
            unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "portal_name": settings.PORTAL_NAME,
        "unread_notifications": unread,
        "child_safety_url": settings.CHILD_SAFETY_URL,
        "child_safety_phone": settings.CHILD_SAFETY_PHONE,
    }
