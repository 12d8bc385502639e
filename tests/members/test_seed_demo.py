import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import CommandError, call_command

from members.choices import Sector
from members.models import Organisation, Region, User

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


@pytest.mark.django_db
def test_seed_demo_run_twice_gives_the_same_row_counts():
    call_command("seed_demo", verbosity=0)
    first = row_counts()

    call_command("seed_demo", verbosity=0)

    assert row_counts() == first


@pytest.mark.django_db
def test_seed_demo_creates_regions_sectors_and_verified_demo_accounts():
    call_command("seed_demo", verbosity=0)

    assert Region.objects.count() >= 4
    assert set(Organisation.objects.values_list("sector", flat=True)) == set(Sector.values)
    assert set(User.objects.values_list("email", flat=True)) >= DEMO_EMAILS
    assert EmailAddress.objects.filter(email__in=DEMO_EMAILS, verified=True).count() == 4
    assert User.objects.get(email="admin@example.org").is_superuser


@pytest.mark.django_db
def test_seed_demo_in_production_mode_refuses(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="never runs in production"):
        call_command("seed_demo", verbosity=0)

    assert User.objects.count() == 0
