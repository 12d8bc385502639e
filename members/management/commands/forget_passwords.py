from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError

from members.models import User
from members.services import forget_password


class Command(BaseCommand):
    help = (
        "With LOCAL_ACCOUNTS_ENABLED off, make every password members still keep unusable "
        "(each writes a password_removed security event and ends the member's sessions); "
        "otherwise they go at each member's next single sign-on."
    )

    def handle(self, *args, **options):
        if settings.LOCAL_ACCOUNTS_ENABLED:
            raise CommandError(
                "Local accounts are on, so members still sign in with these passwords: turn "
                "LOCAL_ACCOUNTS_ENABLED off first."
            )
        kept = User.objects.exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX).order_by("pk")
        # Counted as each is removed: a member signing in meanwhile may remove their own.
        removed = sum(forget_password(user) for user in kept.iterator())
        self.stdout.write(f"Made {removed} kept password(s) unusable.")
