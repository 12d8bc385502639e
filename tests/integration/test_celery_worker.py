"""A real Celery worker on a real broker sends the emails the outbox owes, each once, and
runs the beat's sweeps and digests."""

import datetime as dt
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

from cop_portal.celery import app as celery_app
from forums.choices import MembershipRole
from insights.choices import ExportStatus
from insights.models import Export
from insights.selectors import InsightFilters
from insights.services.asking import request_export
from members import services
from members.choices import Delivery, NotificationKind
from members.models import Notification, NotificationPreference
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import ActionItemFactory, MembershipFactory, StrategicForumFactory
from tests.factories.members import (
    NotificationFactory,
    NotificationPreferenceFactory,
    UserFactory,
)

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


@dataclass(frozen=True)
class Worker:
    queue: str
    mail_dir: Path

    def sent_messages(self) -> str:
        return "".join(path.read_text() for path in self.mail_dir.iterdir())


def route_every_task_to(*, routes) -> None:
    """Route tasks by these routes from now on: the app's router is made once, from the
    routes set when it is first used."""
    celery_app.conf.task_routes = routes
    celery_app.amqp.flush_routes()
    celery_app.amqp.router = celery_app.amqp.Router()


@pytest.fixture
def worker(tmp_path, transactional_db):
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_ENV": "embedded",
        "DATABASE_URL": database_url_for_worker(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # Every task, exports included, on this test's own queue, whatever the shell says.
        "CELERY_EXPORTS_QUEUE": "",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
        # Where this test run keeps prepared exports, so that it can read what the worker wrote.
        "EXPORTS_ROOT": str(storages["exports"].location),
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
    routes = celery_app.conf.task_routes
    route_every_task_to(routes={})
    try:
        yield Worker(queue=queue, mail_dir=tmp_path)
    finally:
        celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        route_every_task_to(routes=routes)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def broker_queue(transactional_db):
    """Tasks sent to a queue of this test's own on the real broker, where no worker takes
    them: reads back what was sent, as (task name, its arguments)."""
    queue = f"test-{uuid.uuid4().hex}"
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    routes = celery_app.conf.task_routes
    route_every_task_to(routes={})

    def sent() -> list[tuple[str, list]]:
        messages = []
        with celery_app.connection_for_read() as conn, conn.SimpleQueue(queue) as waiting:
            while True:
                try:
                    message = waiting.get(timeout=1)
                except waiting.Empty:
                    return messages
                args, _kwargs, _embed = message.payload
                messages.append((message.headers["task"], args))
                message.ack()

    try:
        yield sent
    finally:
        celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        route_every_task_to(routes=routes)


def wait_until_sent(notification: Notification, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Notification.objects.filter(pk=notification.pk, sent_at__isnull=False).exists():
            return
        time.sleep(0.5)


def test_notify_with_real_worker_sends_email_through_broker(worker, member):
    notification = services.notify(member, subject="Agenda published", body="See the agenda.")

    wait_until_sent(notification)

    assert Notification.objects.get(pk=notification.pk).sent_at is not None
    sent = worker.sent_messages()
    assert "Subject: [CoP Portal] Agenda published" in sent
    assert f"To: {member.email}" in sent


def test_notices_written_together_reach_the_real_worker_in_batches_and_each_is_sent_once(worker):
    members = UserFactory.create_batch(services.NUDGE_BATCH + 3)

    notifications = services.notify_many(members, subject="Minutes published")

    for notification in notifications:
        wait_until_sent(notification)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
    sent = worker.sent_messages()
    assert sent.count("Subject: [CoP Portal] Minutes published") == len(members)
    recipients = [
        line.removeprefix("To: ") for line in sent.splitlines() if line.startswith("To: ")
    ]
    assert sorted(recipients) == sorted(member.email for member in members)


def test_notices_written_together_ask_the_broker_once_for_each_fifty(broker_queue):
    members = UserFactory.create_batch(2 * services.NUDGE_BATCH + 1)

    notifications = services.notify_many(members, subject="Minutes published")

    sent = broker_queue()
    batches = sorted(
        (task, len(args[0]) if isinstance(args[0], list) else 1) for task, args in sent
    )
    assert batches == [
        ("members.send_notification_email", 1),
        ("members.send_notification_emails", services.NUDGE_BATCH),
        ("members.send_notification_emails", services.NUDGE_BATCH),
    ]
    handed = [pk for _task, args in sent for pk in (args[0] if isinstance(args[0], list) else args)]
    assert sorted(handed) == sorted(notification.pk for notification in notifications)


def test_export_asked_for_is_prepared_by_the_real_worker_and_its_person_emailed(worker):
    executive = MembershipFactory(forum=StrategicForumFactory(), role=MembershipRole.CHAIR).user
    PracticeIssueFactory(title="Waiting lists in the north")

    export = request_export(
        executive, kind="issues", file_format="csv", filters=InsightFilters.default()
    )

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and Export.objects.get(pk=export.pk).is_pending:
        time.sleep(0.5)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert b"Waiting lists in the north" in export.file.open("rb").read()
    notice = Notification.objects.get(recipient=executive)
    wait_until_sent(notice)
    assert notice.subject == f"Ready to download: {export.title}"
    assert f"To: {executive.email}" in worker.sent_messages()
    assert "Subject: [CoP Portal] Ready to download: " in worker.sent_messages()


def test_sweep_with_real_worker_after_broker_outage_emails_each_notice_once(broker_down, worker):
    members = UserFactory.create_batch(3)
    owed = services.notify_many(members, subject="Minutes published")
    assert Notification.objects.filter(sent_at__isnull=True).count() == 3
    # Beat is its own process with its own connection to the (now running) broker.
    beat = Celery("beat", broker=os.environ["CELERY_BROKER_URL"], set_as_current=False)

    beat.send_task("members.send_unsent_notifications", queue=worker.queue)
    beat.send_task("members.send_unsent_notifications", queue=worker.queue)
    # The worker takes one message at a time, in order: once this is sent, both sweeps ran.
    last = NotificationFactory(recipient=members[0], subject="Agenda published")
    beat.send_task("members.send_notification_email", args=[last.pk], queue=worker.queue)
    wait_until_sent(last)
    beat.close()

    sent = worker.sent_messages()
    assert sent.count("Subject: [CoP Portal] Minutes published") == 3
    assert sent.count("Subject: [CoP Portal] Agenda published") == 1
    recipients = [
        line.removeprefix("To: ") for line in sent.splitlines() if line.startswith("To: ")
    ]
    assert sorted(recipients) == sorted([m.email for m in members] + [members[0].email])
    assert Notification.objects.filter(pk__in=[n.pk for n in owed], sent_at=None).count() == 0


def test_overdue_reminders_sent_twice_by_beat_reach_the_owner_once(worker):
    owner = UserFactory()
    action = ActionItemFactory(
        owner=owner, title="Draft the intake form", due_date=timezone.localdate() - dt.timedelta(1)
    )
    # An owner who belongs to the action's forum, and so keeps it up to date.
    MembershipFactory(user=owner, forum=action.forum)
    beat = Celery("beat", broker=os.environ["CELERY_BROKER_URL"], set_as_current=False)

    beat.send_task("feedback.send_overdue_reminders", queue=worker.queue)
    beat.send_task("feedback.send_overdue_reminders", queue=worker.queue)
    # The worker takes one message at a time, in order: once this is sent, both sweeps ran.
    last = NotificationFactory(recipient=UserFactory(), subject="Agenda published")
    beat.send_task("members.send_notification_email", args=[last.pk], queue=worker.queue)
    wait_until_sent(last)
    beat.close()
    reminders = Notification.objects.filter(recipient=owner)
    wait_until_sent(reminders.first())

    assert list(reminders.values_list("subject", flat=True)) == [
        "Overdue action: Draft the intake form"
    ]
    sent = worker.sent_messages()
    assert sent.count("Subject: [CoP Portal] Overdue action: Draft the intake form") == 1
    assert f"To: {owner.email}" in sent


def test_daily_digest_sent_twice_by_beat_reaches_each_person_once(worker):
    people = UserFactory.create_batch(2)
    for person in people:
        NotificationPreferenceFactory(user=person, kind=NotificationKind.MEETING)
    services.notify_many(people, subject="Agenda: March", kind=NotificationKind.MEETING)
    services.notify_many(people, subject="Minutes: February", kind=NotificationKind.MEETING)
    beat = Celery("beat", broker=os.environ["CELERY_BROKER_URL"], set_as_current=False)

    beat.send_task("members.send_daily_digests", queue=worker.queue)
    beat.send_task("members.send_daily_digests", queue=worker.queue)
    # The worker takes one message at a time, in order: once this is sent, both runs ended.
    last = NotificationFactory(recipient=UserFactory(), subject="Agenda published")
    beat.send_task("members.send_notification_email", args=[last.pk], queue=worker.queue)
    wait_until_sent(last)
    beat.close()

    sent = worker.sent_messages()
    assert sent.count("Subject: [CoP Portal] Your daily digest: 2 notices") == 2
    assert sent.count("List-Unsubscribe-Post: List-Unsubscribe=One-Click") == 3
    recipients = [
        line.removeprefix("To: ") for line in sent.splitlines() if line.startswith("To: ")
    ]
    assert sorted(recipients) == sorted([p.email for p in people] + [last.recipient.email])
    assert Notification.objects.filter(delivery=Delivery.DAILY, sent_at=None).count() == 0


def test_unsubscribe_link_in_an_email_the_worker_sent_stops_that_kind(worker, client):
    member = UserFactory()
    first = services.notify(member, subject="Reminder: March", kind=NotificationKind.MEETING)
    wait_until_sent(first)
    link = re.search(
        r"with one click: \S*(/notifications/unsubscribe/\S+/)", worker.sent_messages()
    )

    # What a mail program does when its own unsubscribe button is pressed (RFC 8058).
    response = client.post(link.group(1), {"List-Unsubscribe": "One-Click"})
    second = services.notify(member, subject="Reminder: April", kind=NotificationKind.MEETING)
    beat = Celery("beat", broker=os.environ["CELERY_BROKER_URL"], set_as_current=False)
    beat.send_task("members.send_unsent_notifications", queue=worker.queue)
    last = NotificationFactory(recipient=UserFactory(), subject="Agenda published")
    beat.send_task("members.send_notification_email", args=[last.pk], queue=worker.queue)
    wait_until_sent(last)
    beat.close()

    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=member).delivery == Delivery.OFF
    second.refresh_from_db()
    assert (second.delivery, second.sent_at) == (Delivery.OFF, None)
    sent = worker.sent_messages()
    assert sent.count("Subject: [CoP Portal] Reminder: March") == 1
    assert "Reminder: April" not in sent
