"""Notifications are an outbox: rows written with the change, emailed once, whatever the broker."""

import datetime as dt
import logging
import smtplib
import threading

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections
from django.utils import timezone

from members import outbox
from members.models import Notification
from members.services import NUDGE_BATCH, deactivate_account, notify, notify_many
from members.tasks import send_notification_emails, send_unsent_notifications
from tests.factories.members import NotificationFactory, UserFactory

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_notify_with_broker_down_keeps_the_row_unsent_and_logs_its_id(broker_down, caplog):
    member = UserFactory()

    with caplog.at_level(logging.WARNING, logger="members"):
        notification = notify(member, subject="Agenda published", body="See the agenda.")

    saved = Notification.objects.get()
    assert saved.pk == notification.pk
    assert (saved.sent_at, saved.attempts) == (None, 0)
    assert f"Notifications {notification.pk} wait for the periodic sweep" in caplog.text


# A few notices go in one task, more than a task takes in several: one refusal either way.
@pytest.mark.parametrize("people", [3, NUDGE_BATCH + 2])
@pytest.mark.django_db(transaction=True)
def test_notify_many_with_broker_down_asks_the_broker_once(broker_down, caplog, people):
    members = UserFactory.create_batch(people)

    with caplog.at_level(logging.WARNING, logger="members"):
        notifications = notify_many(members, subject="Minutes published")

    refusals = [r for r in caplog.records if r.getMessage().startswith("Could not enqueue")]
    assert len(refusals) == 1
    ids = ", ".join(str(n.pk) for n in notifications)
    assert f"Notifications {ids} wait for the periodic sweep" in caplog.text
    assert Notification.objects.filter(sent_at__isnull=True).count() == people


@pytest.mark.django_db(transaction=True)
def test_notify_many_to_more_people_than_one_task_takes_emails_each_once(mailoutbox):
    members = UserFactory.create_batch(2 * NUDGE_BATCH + 1)

    notify_many(members, subject="Agenda published")

    assert sorted(m.to[0] for m in mailoutbox) == sorted(member.email for member in members)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_notify_many_skips_deactivated_and_emails_the_rest_once(mailoutbox):
    active, former = UserFactory(), UserFactory(is_active=False)

    notifications = notify_many([active, former], subject="Agenda published")

    assert [n.recipient for n in notifications] == [active]
    assert [m.to for m in mailoutbox] == [[active.email]]
    assert Notification.objects.get().sent_at is not None


@pytest.mark.django_db
def test_notify_subject_with_line_breaks_is_saved_on_one_line():
    notification = notify(UserFactory(), subject="NC-7: Intake forms\r\nrepeat\nquestions")

    notification.refresh_from_db()
    assert notification.subject == "NC-7: Intake forms repeat questions"


@pytest.mark.django_db
def test_notify_subject_longer_than_the_field_is_shortened_to_fit():
    notification = notify(UserFactory(), subject="x" * 250)

    notification.refresh_from_db()
    assert notification.subject == "x" * 199 + "…"


@pytest.mark.django_db
def test_send_unsent_notifications_run_twice_emails_each_row_once(mailoutbox):
    rows = NotificationFactory.create_batch(3)
    NotificationFactory(sent_at=timezone.now(), next_attempt_at=None)

    first = send_unsent_notifications()
    second = send_unsent_notifications()

    assert (first, second) == (3, 0)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.recipient.email for r in rows)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_send_unsent_notifications_leaves_rows_not_yet_due(mailoutbox):
    later = NotificationFactory(next_attempt_at=timezone.now() + dt.timedelta(minutes=5))

    sent = send_unsent_notifications()

    assert sent == 0
    assert mailoutbox == []
    later.refresh_from_db()
    assert later.sent_at is None


@pytest.mark.django_db
def test_send_unsent_notifications_mail_server_down_backs_off_then_gives_up(settings, time_machine):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    time_machine.move_to(START, tick=False)
    notification = NotificationFactory()
    schedule = []

    for _ in range(3):
        send_unsent_notifications()
        notification.refresh_from_db()
        schedule.append((notification.attempts, notification.next_attempt_at))
        time_machine.move_to(notification.next_attempt_at or START, tick=False)

    assert schedule == [
        (1, START + dt.timedelta(seconds=60)),
        (2, START + dt.timedelta(seconds=180)),
        (3, None),
    ]
    assert notification.sent_at is None
    assert notification.is_given_up
    assert notification.last_error.startswith("ConnectionRefusedError: ")


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient, as smtplib reports it."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused(
            {to: (550, b"5.1.1 User unknown") for m in email_messages for to in m.to}
        )


class SlowBackend(BaseEmailBackend):
    """A mail server so slow that the task sending through it runs out of time."""

    def send_messages(self, email_messages):
        raise SoftTimeLimitExceeded


@pytest.mark.django_db
def test_a_batch_out_of_time_stops_and_leaves_its_rows_to_the_sweep(settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    notifications = NotificationFactory.create_batch(3, subject="Placed on the agenda")

    with pytest.raises(SoftTimeLimitExceeded):
        send_notification_emails([n.pk for n in notifications])

    rows = Notification.objects.filter(pk__in=[n.pk for n in notifications])
    assert [(row.attempts, row.last_error, row.sent_at) for row in rows] == [(0, "", None)] * 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.send_due() == 3


@pytest.mark.django_db
def test_a_refused_address_is_kept_on_the_row_but_never_written_to_the_logs(settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    notification = NotificationFactory(recipient__email="alice.refused@example.org")

    with caplog.at_level(logging.WARNING, logger="members"):
        outbox.send_due()
        Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
        outbox.send_due()

    notification.refresh_from_db()
    assert notification.is_given_up
    assert "alice.refused@example.org" in notification.last_error
    assert "SMTPRecipientsRefused (550)" in caplog.text
    assert "giving up" in caplog.text
    assert "alice.refused" not in caplog.text


@pytest.mark.django_db
def test_a_notice_written_as_its_recipient_left_is_given_up_not_emailed(mailoutbox):
    member = UserFactory()
    # A change that read the member just before they left writes them a notice after.
    read_before = type(member).objects.get(pk=member.pk)
    deactivate_account(member, by=member)
    notice = notify(read_before, subject="A place came free")
    mailoutbox.clear()

    outbox.send_due()

    assert mailoutbox == []
    notice.refresh_from_db()
    assert notice.sent_at is None
    assert notice.is_given_up
    assert notice.last_error == "Account deactivated"


@pytest.mark.parametrize(
    ("attempts", "delay"), [(1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (12, 3600)]
)
def test_retry_delay_doubles_up_to_the_cap(settings, attempts, delay):
    settings.NOTIFICATION_RETRY_BASE_DELAY = 60
    settings.NOTIFICATION_RETRY_MAX_DELAY = 3600

    assert outbox.retry_delay(attempts) == delay


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)
@pytest.mark.django_db(transaction=True)
def test_send_unsent_notifications_two_sweeps_at_once_email_each_row_once():
    rows = NotificationFactory.create_batch(6)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def sweep():
        try:
            barrier.wait()
            counts.append(outbox.send_due())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sum(counts) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.recipient.email for r in rows)
