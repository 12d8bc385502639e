"""Glue between django-allauth, Django's accounts and the members app, and the security events
that sign-ins, second factors and admin changes write; and the filters kept with regions and
practice areas as their choices."""

from allauth.account.signals import password_changed, password_reset, user_signed_up
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from cop_portal.filters import forget_choices
from cop_portal.kept import forget_names
from operations.security import security_event

from .models import Organisation, PracticeArea, Region, User


@receiver(user_signed_up, dispatch_uid="members.name_new_member")
def name_new_member(sender, request, user, **kwargs) -> None:
    # Until the person fills in their profile, show the part of the email before the @.
    if not user.display_name:
        user.display_name = user.email.split("@")[0]
        user.save(update_fields=["display_name"])


@receiver(user_logged_in, dispatch_uid="members.log_sign_in")
def log_sign_in(sender, request, user, **kwargs) -> None:
    security_event("signed_in", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="members.log_failed_sign_in")
def log_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    # The email typed in is left out: it may be a mistyped address of someone else.
    security_event("sign_in_failed", request=request)


@receiver(password_changed, dispatch_uid="members.log_password_changed")
@receiver(password_reset, dispatch_uid="members.log_password_reset")
def log_password_change(sender, request, user, signal, **kwargs) -> None:
    kind = "password_reset" if signal is password_reset else "password_changed"
    security_event(kind, request=request, user=user)


@receiver(authenticator_added, dispatch_uid="members.log_mfa_added")
@receiver(authenticator_removed, dispatch_uid="members.log_mfa_removed")
@receiver(authenticator_reset, dispatch_uid="members.log_mfa_reset")
def log_second_factor_change(sender, request, user, authenticator, signal, **kwargs) -> None:
    kind = {
        authenticator_added: "mfa_added",
        authenticator_removed: "mfa_removed",
        authenticator_reset: "mfa_reset",
    }[signal]
    security_event(kind, request=request, user=user, authenticator=authenticator.type)


@receiver(post_save, sender=LogEntry, dispatch_uid="members.log_admin_change")
def log_admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if created:
        security_event(
            "admin_change",
            user=instance.user,
            action={1: "added", 2: "changed", 3: "deleted"}.get(instance.action_flag),
            content_type=f"{instance.content_type.app_label}.{instance.content_type.model}"
            if instance.content_type_id
            else None,
            object_id=str(instance.object_id),
        )


@receiver((post_save, post_delete), sender=Region, dispatch_uid="members.region_choices")
@receiver((post_save, post_delete), sender=PracticeArea, dispatch_uid="members.area_choices")
def on_choice_changed(sender, **kwargs) -> None:
    # Filters offer every region and practice area by name, and kept page parts name them
    # (an area also decides whether an issue waits for ACCO input).
    forget_choices(sender)
    forget_names()


# What kept page parts show of a person (members, owners, presenters, who recorded an
# outcome): changed, every kept part is drawn afresh.
NAMES_SHOWN = ("display_name", "email", "organisation_id", "is_active")


def _shown(user) -> tuple:
    return tuple(getattr(user, field) for field in NAMES_SHOWN)


@receiver(pre_save, sender=User, dispatch_uid="members.kept_names_before")
def on_person_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    # What was shown of them as stored, to tell after saving whether it changed. A sign-in
    # saves only its time, and a new account is named nowhere yet.
    named = {field.removesuffix("_id") for field in NAMES_SHOWN}
    if raw or instance.pk is None or (update_fields is not None and not named & set(update_fields)):
        return
    instance._shown_before = User.objects.filter(pk=instance.pk).values_list(*NAMES_SHOWN).first()


@receiver(post_save, sender=User, dispatch_uid="members.kept_names_person")
def on_person_saved(sender, instance, raw=False, **kwargs) -> None:
    before = instance.__dict__.pop("_shown_before", None)
    if not raw and before is not None and before != _shown(instance):
        forget_names()


@receiver(
    (post_save, post_delete), sender=Organisation, dispatch_uid="members.kept_names_organisation"
)
def on_organisation_changed(sender, raw=False, **kwargs) -> None:
    if not raw:
        forget_names()
