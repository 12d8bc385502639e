"""`manage.py forget_passwords`: once members sign in only through their organisation, every
password still kept is made unusable at once, each counted once."""

import io

import pytest
from django.core.management import CommandError, call_command

from members.models import User
from members.services import forget_password
from tests.factories.members import PASSWORD, UserFactory


@pytest.mark.django_db
def test_forget_passwords_local_accounts_off_makes_every_kept_password_unusable(settings):
    settings.LOCAL_ACCOUNTS_ENABLED = False
    UserFactory.create_batch(2)
    sso_only = UserFactory()
    sso_only.set_unusable_password()
    sso_only.save(update_fields=["password"])
    out = io.StringIO()

    call_command("forget_passwords", stdout=out)

    assert out.getvalue() == "Made 2 kept password(s) unusable.\n"
    assert [u.has_usable_password() for u in User.objects.order_by("pk")] == [False] * 3


@pytest.mark.django_db
def test_forget_passwords_local_accounts_on_is_refused_and_keeps_them():
    member = UserFactory()

    with pytest.raises(CommandError, match="turn LOCAL_ACCOUNTS_ENABLED off first"):
        call_command("forget_passwords")

    member.refresh_from_db()
    assert member.check_password(PASSWORD) is True


@pytest.mark.django_db
def test_forget_password_already_removed_meanwhile_is_not_counted_or_recorded_again(
    django_capture_on_commit_callbacks,
):
    member = UserFactory()
    seen_earlier = User.objects.get(pk=member.pk)
    with django_capture_on_commit_callbacks(execute=True):
        first = forget_password(member)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = forget_password(seen_earlier)

    assert (first, again) == (True, False)
    assert callbacks == []
