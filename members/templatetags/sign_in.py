"""What the sign-in pages offer, as the settings decide."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def local_accounts_enabled() -> bool:
    return settings.LOCAL_ACCOUNTS_ENABLED


@register.filter
def says_email_not_sent(messages) -> bool:
    """Whether the page's messages say an account email could not be sent (members.adapters),
    so the page does not also say it was."""
    from members.adapters import EMAIL_NOT_SENT_TAG

    return any(EMAIL_NOT_SENT_TAG in message.extra_tags.split() for message in messages or ())
