"""A real Celery worker on a real broker executes the email task."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cop_portal.celery import app as celery_app
from members import services
from members.models import Notification

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL", "").startswith(("redis://", "rediss://")),
        reason="set CELERY_BROKER_URL to a Redis broker to run the real-worker tests",
    ),
]


def database_url_for_worker() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def worker(tmp_path, transactional_db):
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_ENV": "embedded",
        "DATABASE_URL": database_url_for_worker(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cop_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=info",
            "-Q",
            queue,
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield tmp_path
    finally:
        celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_notify_with_real_worker_sends_email_through_broker(worker, member):
    notification = services.notify(member, subject="Agenda published", body="See the agenda.")

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Notification.objects.filter(pk=notification.pk, sent_at__isnull=False).exists():
            break
        time.sleep(0.5)

    assert Notification.objects.get(pk=notification.pk).sent_at is not None
    sent = "".join(p.read_text() for p in worker.iterdir())
    assert "Subject: [CoP Portal] Agenda published" in sent
    assert f"To: {member.email}" in sent
