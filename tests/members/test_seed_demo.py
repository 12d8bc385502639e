import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from members.choices import Sector
from members.models import Notification, Organisation, Region, User

DEMO_EMAILS = {
    "practitioner@example.org",
    "facilitator@example.org",
    "executive@example.org",
    "admin@example.org",
}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"members", "forums", "feedback", "account"}
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, kept_demo):
    """Seeded for the module's tests that read it (see kept_demo); each test's own writes are
    rolled back after it, and the demo after the module's last test."""
    with django_db_blocker.unblock(), kept_demo.rolled_back():
        yield


@pytest.mark.django_db
def test_seed_demo_run_twice_gives_the_same_row_counts(seeded):
    first = row_counts()

    call_command("seed_demo", verbosity=0)

    assert row_counts() == first


@pytest.mark.django_db
def test_seed_demo_creates_regions_sectors_and_verified_demo_accounts(seeded):
    assert Region.objects.count() >= 4
    assert set(Organisation.objects.values_list("sector", flat=True)) == set(Sector.values)
    assert set(User.objects.values_list("email", flat=True)) >= DEMO_EMAILS
    assert EmailAddress.objects.filter(email__in=DEMO_EMAILS, verified=True).count() == 4
    assert User.objects.get(email="admin@example.org").is_superuser


@pytest.mark.django_db
def test_seed_demo_every_account_is_in_the_readme_table(seeded, settings):
    readme = (settings.BASE_DIR / "README.md").read_text()

    missing = [
        email
        for email in User.objects.order_by("email").values_list("email", flat=True)
        if f"| `{email}` |" not in readme
    ]

    assert missing == []


@pytest.mark.django_db
def test_seed_demo_in_production_mode_refuses(settings):
    settings.PRODUCTION = True
    before = row_counts()

    with pytest.raises(CommandError, match="never runs in production"):
        call_command("seed_demo", verbosity=0)

    assert row_counts() == before


@pytest.mark.django_db
def test_seed_demo_leaves_only_the_last_fortnights_notices_unread(seeded):
    fortnight_ago = timezone.now() - dt.timedelta(days=14)
    practitioner = Notification.objects.filter(recipient__email="practitioner@example.org")

    assert practitioner.filter(created_at__lt=fortnight_ago, read_at__isnull=True).count() == 0
    assert practitioner.filter(read_at__isnull=False).count() > 10
    assert (
        practitioner.filter(read_at__isnull=True).count()
        == practitioner.filter(created_at__gte=fortnight_ago).count()
    )
