from django.db.models import QuerySet

from .models import Notification, NotificationPreference, User


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_preferences_for(user: User) -> dict[str, str]:
    """The delivery the person chose for each kind they changed; kinds missing are at once."""
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))


def home_summary(user: User) -> dict:
    """What the home page shows a person of themselves: their organisation and region,
    loaded with the signed-in person (see members.backends)."""
    return {"member": user}


def administrators() -> list[User]:
    """Those who may do everything (active superusers): told what nobody else is left to
    hear."""
    return list(User.objects.filter(is_superuser=True, is_active=True).order_by("pk"))
