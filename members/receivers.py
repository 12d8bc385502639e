"""Glue between django-allauth and the members app."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver


@receiver(user_signed_up, dispatch_uid="members.name_new_member")
def name_new_member(sender, request, user, **kwargs) -> None:
    # Until the person fills in their profile, show the part of the email before the @.
    if not user.display_name:
        user.display_name = user.email.split("@")[0]
        user.save(update_fields=["display_name"])
