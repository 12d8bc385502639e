import pytest

from members.tasks import send_notification_email
from tests.factories.members import NotificationFactory


@pytest.mark.django_db
def test_send_notification_email_run_twice_sends_once(mailoutbox):
    notification = NotificationFactory(subject="Minutes published")

    first = send_notification_email(notification.pk)
    second = send_notification_email(notification.pk)

    assert (first, second) == (True, False)
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_notify_deactivated_member_records_and_sends_nothing(mailoutbox):
    from members.services import notify
    from tests.factories.members import UserFactory

    former = UserFactory(is_active=False)

    assert notify(former, subject="Agenda published") is None
    assert former.notifications.count() == 0
    assert mailoutbox == []
