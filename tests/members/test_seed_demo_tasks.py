"""Seeding while tasks wait in a broker for a worker. In a module of its own: this test
commits, and the tests in test_seed_demo.py share one seeding in a transaction never committed."""

import pytest
from django.core.management import call_command

from cop_portal.celery import app as celery_app
from members.models import Notification
from members.tasks import send_unsent_notifications


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
