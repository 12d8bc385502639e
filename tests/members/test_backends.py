import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.backends import model_permission_names
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db


def test_has_perm_portal_permission_reads_no_permission_tables():
    member = UserFactory()

    with CaptureQueriesContext(connection) as queries:
        allowed = member.has_perm("forums.run_any_forum")

    assert allowed is False
    assert [q["sql"] for q in queries if "auth_" in q["sql"]] == []


def test_has_perm_model_permission_granted_in_admin_still_holds():
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_forum"))

    assert staff.has_perm("forums.view_forum") is True


def test_has_perm_model_permission_through_a_group_still_holds():
    staff = UserFactory(is_staff=True)
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="change_practicearea"))
    staff.groups.add(editors)

    assert staff.has_perm("members.change_practicearea") is True
    assert staff.has_perm("members.delete_practicearea") is False


def test_model_permission_names_match_the_permission_table():
    stored = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert stored <= model_permission_names()
