"""Authentication backends: Django's and allauth's, loading the signed-in person with what every
page shows of them, and answering permission questions that no model permission could satisfy
without reading the permission tables."""

import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.apps import apps
from django.contrib.auth import backends, get_permission_codename, get_user_model
from django.db import connection
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL

from .models import Notification

UNREAD_COUNT = "unread_notification_count"


@functools.cache
def model_permission_names() -> frozenset[str]:
    """Every permission Django creates for the installed models ("<app>.<codename>"): the
    only ones a user or group can be granted in the admin."""
    names = set()
    for model in apps.get_models():
        opts = model._meta
        names.update(
            f"{opts.app_label}.{get_permission_codename(action, opts)}"
            for action in opts.default_permissions
        )
        names.update(f"{opts.app_label}.{codename}" for codename, _ in opts.permissions)
    return frozenset(names)


def unread_notifications() -> RawSQL:
    """The person's unread notifications, counted inside the query that loads them; written
    out, since Django took longer to build its own subquery for this than the separate
    count it replaces."""
    quote = connection.ops.quote_name
    person = get_user_model()._meta
    unread = (
        f"SELECT COUNT(*) FROM {quote(Notification._meta.db_table)} AS unread "  # noqa: S608 - table names, no input
        f"WHERE unread.recipient_id = {quote(person.db_table)}.{quote(person.pk.column)} "
        "AND unread.read_at IS NULL"
    )
    return RawSQL(unread, (), output_field=IntegerField())  # noqa: S611 - no input either


class PortalBackendMixin:
    """The signed-in person comes with their organisation and region, which the home page
    and profile show, and their count of unread notifications, which every page's menu
    shows. The portal's own permissions (feedback.view_executive_queue,
    forums.run_any_forum, …) are decided by its rules; asking for one that is no model
    permission answers no without two queries for the person's and their groups' grants."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = (
                model._default_manager.select_related("organisation", "region")
                .annotate(**{UNREAD_COUNT: unread_notifications()})
                .get(pk=user_id)
            )
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def has_perm(self, user_obj, perm, obj=None):
        if perm not in model_permission_names():
            return False
        return super().has_perm(user_obj, perm, obj)


class ModelBackend(PortalBackendMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(PortalBackendMixin, AllauthBackend):
    pass
