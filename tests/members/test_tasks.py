import datetime as dt

import pytest

from members.tasks import send_notification_email, send_notification_emails
from tests.factories.members import NotificationFactory

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_send_notification_email_run_twice_sends_once(mailoutbox):
    notification = NotificationFactory(subject="Minutes published")

    first = send_notification_email(notification.pk)
    second = send_notification_email(notification.pk)

    assert (first, second) == (True, False)
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None


@pytest.mark.django_db
def test_send_notification_emails_run_twice_sends_each_once(mailoutbox):
    notifications = [NotificationFactory(subject=f"Placed {n}") for n in range(3)]
    ids = [notification.pk for notification in notifications]

    first = send_notification_emails(ids)
    second = send_notification_emails(ids)

    assert (first, second) == (3, 0)
    assert sorted(m.subject for m in mailoutbox) == [
        "[CoP Portal] Placed 0",
        "[CoP Portal] Placed 1",
        "[CoP Portal] Placed 2",
    ]


@pytest.mark.django_db(transaction=True)
def test_notify_deactivated_member_records_and_sends_nothing(mailoutbox):
    from members.services import notify
    from tests.factories.members import UserFactory

    former = UserFactory(is_active=False)

    assert notify(former, subject="Agenda published") is None
    assert former.notifications.count() == 0
    assert mailoutbox == []


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1


@pytest.mark.django_db
def test_send_notification_email_mail_server_down_keeps_row_owed_with_error(
    mail_server_down, time_machine
):
    time_machine.move_to(START, tick=False)
    notification = NotificationFactory()

    sent = send_notification_email(notification.pk)

    assert sent is False
    notification.refresh_from_db()
    assert notification.sent_at is None
    assert notification.attempts == 1
    assert notification.next_attempt_at == START + dt.timedelta(seconds=60)
    assert notification.last_error.startswith("ConnectionRefusedError: ")


@pytest.mark.django_db
def test_send_notification_email_after_failure_sends_once_when_due(
    mail_server_down, settings, time_machine, mailoutbox
):
    time_machine.move_to(START, tick=False)
    notification = NotificationFactory(subject="Agenda published")
    send_notification_email(notification.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    too_early = send_notification_email(notification.pk)
    time_machine.move_to(START + dt.timedelta(seconds=60), tick=False)
    due = send_notification_email(notification.pk)
    again = send_notification_email(notification.pk)

    assert (too_early, due, again) == (False, True, False)
    assert [m.subject for m in mailoutbox] == ["[CoP Portal] Agenda published"]
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.sent_at == START + dt.timedelta(seconds=60)


@pytest.mark.django_db
def test_send_notification_email_subject_with_line_break_is_sent_on_one_line(mailoutbox):
    notification = NotificationFactory(subject="NC-7: Intake forms\nrepeat questions")

    sent = send_notification_email(notification.pk)

    assert sent is True
    assert [m.subject for m in mailoutbox] == ["[CoP Portal] NC-7: Intake forms repeat questions"]
    assert "Subject: [CoP Portal] NC-7: Intake forms repeat questions\n" in (
        mailoutbox[0].message().as_string()
    )


@pytest.mark.django_db(transaction=True)
def test_notify_in_process_sends_at_once_and_stamps_the_row(settings, mailoutbox):
    from members.services import notify
    from tests.factories.members import UserFactory

    settings.PORTAL_BASE_URL = "https://portal.example.org"
    notification = notify(UserFactory(), subject="Agenda published", url="/forums/")

    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert (notification.attempts, notification.next_attempt_at) == (1, None)
    assert mailoutbox[0].body.startswith(
        f"https://portal.example.org/notifications/{notification.pk}/open/\n\n--\n"
    )
