"""What the sign-in pages offer, as the settings decide."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def local_accounts_enabled() -> bool:
    return settings.LOCAL_ACCOUNTS_ENABLED
