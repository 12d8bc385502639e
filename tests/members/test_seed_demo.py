import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import CommandError, call_command

from cop_portal.celery import app as celery_app
from members.choices import Sector
from members.models import Notification, Organisation, Region, User
from members.tasks import send_unsent_notifications

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
def test_seed_demo_every_account_is_in_the_readme_table(settings):
    call_command("seed_demo", verbosity=0)
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

    with pytest.raises(CommandError, match="never runs in production"):
        call_command("seed_demo", verbosity=0)

    assert User.objects.count() == 0


@pytest.fixture
def tasks_queued_for_a_worker():
    """Tasks wait in a broker for a worker (one in memory here) instead of running in-process."""
    # The URL tasks are published to (the worker's own URL, from the environment, stays).
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_write_url = "memory://"
    # Connections are pooled per process; drop the pool so the next message uses the new URL.
    celery_app._after_fork()
    yield
    celery_app.conf.broker_write_url = None
    celery_app._after_fork()


@pytest.mark.django_db(transaction=True)
def test_seed_demo_with_tasks_queued_for_a_worker_leaves_no_email_owed(
    tasks_queued_for_a_worker, mailoutbox
):
    call_command("seed_demo", verbosity=0)
    owed = Notification.objects.filter(sent_at__isnull=True).count()
    swept = send_unsent_notifications()

    assert Notification.objects.count() > 0
    assert (owed, swept, mailoutbox) == (0, 0, [])


@pytest.mark.django_db
def test_seed_demo_leaves_only_the_last_fortnights_notices_unread():
    import datetime as dt

    from django.utils import timezone

    call_command("seed_demo", verbosity=0)
    fortnight_ago = timezone.now() - dt.timedelta(days=14)
    practitioner = Notification.objects.filter(recipient__email="practitioner@example.org")

    assert practitioner.filter(created_at__lt=fortnight_ago, read_at__isnull=True).count() == 0
    assert practitioner.filter(read_at__isnull=False).count() > 10
    assert (
        practitioner.filter(read_at__isnull=True).count()
        == practitioner.filter(created_at__gte=fortnight_ago).count()
    )
