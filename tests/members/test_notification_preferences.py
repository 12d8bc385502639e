"""Each person chooses how each kind of notice reaches them: at once, in a daily or weekly
digest, or not by email; digests go once, and every email can be stopped with one click."""

import datetime as dt

import pytest
import time_machine
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from feedback.services.follow_through import send_overdue_reminders
from forums.services.meetings import send_due_reminders
from members import outbox
from members.choices import Delivery, NotificationKind
from members.models import Notification, NotificationPreference
from members.selectors import notifications_for
from members.services import (
    deactivate_account,
    notify,
    notify_many,
    set_notification_preferences,
    unsubscribe,
)
from members.tasks import send_daily_digests, send_unsent_notifications, send_weekly_digests
from members.unsubscribe import Unsubscribe, read_unsubscribe_token, unsubscribe_token
from tests.factories.forums import ActionItemFactory, MeetingFactory, MembershipFactory
from tests.factories.members import NotificationPreferenceFactory, UserFactory
from tests.feedback.test_concurrency import run_at_once

BASE = "https://portal.example.org"
UNSUBSCRIBE_PREFIX = f"{BASE}/notifications/unsubscribe/"


@pytest.fixture(autouse=True)
def _portal_address(settings):
    settings.PORTAL_BASE_URL = BASE


def token_in(header: str) -> str:
    """The token of a List-Unsubscribe header, <https://.../unsubscribe/TOKEN/>."""
    assert header.startswith(f"<{UNSUBSCRIBE_PREFIX}")
    assert header.endswith("/>")
    return header.removeprefix(f"<{UNSUBSCRIBE_PREFIX}").removesuffix("/>")


# --- Choosing ----------------------------------------------------------------------------


def test_notify_many_with_a_daily_choice_keeps_the_row_for_the_digest(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)
    other = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        rows = notify_many([member, other], subject="Agenda: March", kind=NotificationKind.MEETING)

    saved = {n.recipient_id: n for n in Notification.objects.all()}
    assert [(r.kind, r.delivery) for r in rows] == [
        ("meeting", "daily"),
        ("meeting", "immediate"),
    ]
    assert (saved[member.pk].sent_at, saved[member.pk].next_attempt_at) == (None, None)
    assert saved[other.pk].sent_at is not None
    assert [m.to for m in mailoutbox] == [[other.email]]


def test_notify_with_a_choice_for_another_kind_emails_at_once(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)

    with django_capture_on_commit_callbacks(execute=True):
        notify(member, subject="New action: draft the form", kind=NotificationKind.ACTION)

    assert Notification.objects.get().delivery == Delivery.IMMEDIATE
    assert [m.subject for m in mailoutbox] == ["[CoP Portal] New action: draft the form"]


def test_notify_with_off_lists_the_notice_and_never_emails_it(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreferenceFactory(
        user=member, kind=NotificationKind.ISSUE_UPDATE, delivery=Delivery.OFF
    )

    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(member, subject="NC-7: new comment", kind=NotificationKind.ISSUE_UPDATE)
    swept = send_unsent_notifications()
    digests = (send_daily_digests(), send_weekly_digests())

    assert (swept, digests) == (0, (0, 0))
    assert mailoutbox == []
    assert list(notifications_for(member)) == [notice]
    assert outbox.given_up_count() == 0


def test_set_notification_preferences_twice_keeps_one_row_per_kind(member):
    set_notification_preferences(member, {"meeting": "daily", "action": "off"})

    set_notification_preferences(member, {"meeting": "weekly"})

    assert sorted(
        NotificationPreference.objects.filter(user=member).values_list("kind", "delivery")
    ) == [("action", "off"), ("meeting", "weekly")]


def test_set_notification_preferences_to_off_drops_notices_waiting_for_a_digest(member, mailoutbox):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)
    notify(member, subject="Agenda: March", kind=NotificationKind.MEETING)

    set_notification_preferences(member, {"meeting": "off"})

    assert send_daily_digests() == 0
    assert mailoutbox == []
    assert Notification.objects.get().delivery == Delivery.OFF


def test_stopping_emails_drops_one_waiting_to_be_tried_again_after_the_mail_server_failed(
    member, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    with django_capture_on_commit_callbacks(execute=True):
        notify(member, subject="Reminder: March", kind=NotificationKind.MEETING)
    failed = Notification.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    unsubscribe(member, kind=None)
    with time_machine.travel(failed.next_attempt_at + dt.timedelta(minutes=1), tick=False):
        swept = send_unsent_notifications()

    assert (failed.attempts, failed.next_attempt_at is not None) == (1, True)
    assert (swept, mailoutbox) == (0, [])
    assert Notification.objects.get().delivery == Delivery.OFF


def test_set_notification_preferences_to_immediate_hands_waiting_notices_to_the_sweep(
    member, mailoutbox
):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)
    notify(member, subject="Agenda: March", kind=NotificationKind.MEETING)

    set_notification_preferences(member, {"meeting": "immediate"})
    swept = send_unsent_notifications()

    assert swept == 1
    assert [m.subject for m in mailoutbox] == ["[CoP Portal] Agenda: March"]


def test_send_due_reminders_with_a_daily_choice_for_meetings_waits_for_the_digest(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    start = timezone.now() + dt.timedelta(hours=24)
    meeting = MeetingFactory(title="CFSN meeting", start=start, end=start + dt.timedelta(hours=2))
    MembershipFactory(forum=meeting.forum, user=member)
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)

    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders()

    reminder = Notification.objects.get(recipient=member)
    assert (reminder.kind, reminder.delivery, reminder.sent_at) == ("meeting", "daily", None)
    assert mailoutbox == []


def test_send_overdue_reminders_with_actions_off_lists_the_reminder_only(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    action = ActionItemFactory(
        owner=member, title="Draft the form", due_date=timezone.localdate() - dt.timedelta(1)
    )
    MembershipFactory(user=member, forum=action.forum)
    NotificationPreferenceFactory(user=member, kind=NotificationKind.ACTION, delivery=Delivery.OFF)

    with django_capture_on_commit_callbacks(execute=True):
        send_overdue_reminders()

    reminder = Notification.objects.get(recipient=member)
    assert (reminder.subject, reminder.kind, reminder.delivery) == (
        "Overdue action: Draft the form",
        "action",
        "off",
    )
    assert mailoutbox == []


# --- Digests -----------------------------------------------------------------------------


def test_send_daily_digests_with_two_owed_notices_sends_one_email_listing_both(member, mailoutbox):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)
    first = notify(
        member, subject="Agenda: March", url="/forums/meetings/4/", kind=NotificationKind.MEETING
    )
    notify(member, subject="Meeting cancelled: April", kind=NotificationKind.MEETING)

    sent = send_daily_digests()

    assert sent == 1
    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("[CoP Portal] Your daily digest: 2 notices", [member.email])
    ]
    assert (
        "for you:\n\n"
        f"- Agenda: March\n  {BASE}/notifications/{first.pk}/open/\n\n"
        "- Meeting cancelled: April\n\n--\n"
    ) in mailoutbox[0].body
    rows = Notification.objects.all()
    assert [(n.sent_at is not None, n.attempts) for n in rows] == [(True, 1), (True, 1)]


def test_send_daily_digests_run_twice_sends_one_email(member, mailoutbox):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)
    notify(member, subject="Agenda: March", kind=NotificationKind.MEETING)

    sent = [send_daily_digests(), send_daily_digests()]

    assert sent == [1, 0]
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_send_digests_out_of_time_sends_one_and_leaves_the_rest_owed(mailoutbox):
    people = UserFactory.create_batch(3)
    for person in people:
        NotificationPreferenceFactory(user=person, kind=NotificationKind.MEETING)
    notify_many(people, subject="Agenda: March", kind=NotificationKind.MEETING)

    run = outbox.send_digests(Delivery.DAILY, seconds=0)

    assert run == outbox.DigestRun(sent=1, finished=False, last=people[0].pk)
    assert [m.to for m in mailoutbox] == [[people[0].email]]
    assert Notification.objects.filter(sent_at__isnull=True).count() == 2


@pytest.mark.django_db
def test_send_digests_going_on_starts_after_the_last_person_tried_while_mail_is_down(
    mailoutbox, settings
):
    people = UserFactory.create_batch(3)
    for person in people:
        NotificationPreferenceFactory(user=person, kind=NotificationKind.MEETING)
    notify_many(people, subject="Agenda: March", kind=NotificationKind.MEETING)
    settings.EMAIL_BACKEND = "tests.members.test_outbox.RefusingBackend"

    first = outbox.send_digests(Delivery.DAILY, seconds=0)
    second = outbox.send_digests(Delivery.DAILY, seconds=0, after=first.last)

    assert (first.last, second.last) == (people[0].pk, people[1].pk)
    assert (first.sent, second.sent) == (0, 0)


@pytest.mark.django_db
def test_send_daily_digests_that_run_out_of_time_go_on_until_everyone_has_one(mailoutbox, settings):
    settings.DIGEST_RUN_SECONDS = 0
    people = UserFactory.create_batch(3)
    for person in people:
        NotificationPreferenceFactory(user=person, kind=NotificationKind.MEETING)
    notify_many(people, subject="Agenda: March", kind=NotificationKind.MEETING)
    notify_many(people, subject="Minutes: February", kind=NotificationKind.MEETING)

    send_daily_digests()

    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


def test_every_task_has_a_time_limit_and_digests_stop_within_it(settings):
    from cop_portal.celery import app

    assert app.conf.task_soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT == 600
    assert app.conf.task_time_limit == 660
    assert app.conf.task_soft_time_limit > settings.DIGEST_RUN_SECONDS


def test_send_daily_digests_leaves_weekly_notices_for_the_weekly_digest(member, mailoutbox):
    NotificationPreferenceFactory(
        user=member, kind=NotificationKind.RESPONSE, delivery=Delivery.WEEKLY
    )
    notify(member, subject="NC-7: the response is due for review", kind=NotificationKind.RESPONSE)

    daily = send_daily_digests()
    weekly = send_weekly_digests()

    assert (daily, weekly) == (0, 1)
    assert [m.subject for m in mailoutbox] == ["[CoP Portal] Your weekly digest: 1 notice"]
    assert "This week the CoP Portal has 1 notice for you:" in mailoutbox[0].body


def test_send_daily_digests_to_a_deactivated_member_sends_nothing(member, mailoutbox):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)
    notify(member, subject="Agenda: March", kind=NotificationKind.MEETING)
    deactivate_account(member, by=member)

    sent = send_daily_digests()

    assert sent == 0
    assert mailoutbox == []


def test_send_daily_digests_with_the_mail_server_down_keeps_the_notices_owed(
    member, settings, mailoutbox
):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)
    notify(member, subject="Agenda: March", kind=NotificationKind.MEETING)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1

    sent = send_daily_digests()

    row = Notification.objects.get()
    assert sent == 0
    assert (row.sent_at, row.attempts) == (None, 1)
    assert row.last_error.startswith("ConnectionRefusedError: ")


def test_given_up_count_leaves_out_notices_for_a_digest(member):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)
    notify(member, subject="Agenda: March", kind=NotificationKind.MEETING)

    assert outbox.given_up_count() == 0
    assert Notification.objects.get().is_given_up is False


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)
@pytest.mark.django_db(transaction=True)
def test_send_daily_digests_two_runs_at_once_email_each_person_once(mailoutbox):
    people = UserFactory.create_batch(3)
    for person in people:
        NotificationPreferenceFactory(user=person, kind=NotificationKind.MEETING)
    notify_many(people, subject="Agenda: March", kind=NotificationKind.MEETING)
    notify_many(people, subject="Minutes: February", kind=NotificationKind.MEETING)

    outcomes = run_at_once(send_daily_digests, send_daily_digests)

    assert sum(outcomes) == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)
@pytest.mark.django_db(transaction=True)
def test_weekly_digest_is_written_while_the_daily_run_holds_the_same_persons_daily_digest(
    mailoutbox,
):
    person = UserFactory()
    NotificationPreferenceFactory(user=person, kind=NotificationKind.MEETING)
    NotificationPreferenceFactory(
        user=person, kind=NotificationKind.PRACTICE, delivery=Delivery.WEEKLY
    )
    notify_many([person], subject="Agenda: March", kind=NotificationKind.MEETING)
    notify_many([person], subject="New guidance", kind=NotificationKind.PRACTICE)

    # On Mondays both runs start together: the daily one is writing this person's digest.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [outbox.DIGEST_LOCK_BASE + person.pk])
        (weekly,) = run_at_once(send_weekly_digests)

    assert weekly == 1
    assert [m.subject for m in mailoutbox] == ["[CoP Portal] Your weekly digest: 1 notice"]


# --- Unsubscribing -----------------------------------------------------------------------


def test_every_email_at_once_carries_one_click_unsubscribe_headers_for_its_kind(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(member, subject="Reminder: March", kind=NotificationKind.MEETING)

    message = mailoutbox[0]
    token = token_in(message.extra_headers["List-Unsubscribe"])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert read_unsubscribe_token(token) == Unsubscribe(user_id=member.pk, kind="meeting")
    assert f"Stop these emails with one click: {UNSUBSCRIBE_PREFIX}{token}/\n" in message.body
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.message().as_string()


def test_digest_email_carries_one_click_unsubscribe_headers_for_every_kind(member, mailoutbox):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)
    notify(member, subject="Agenda: March", kind=NotificationKind.MEETING)

    send_daily_digests()

    message = mailoutbox[0]
    token = token_in(message.extra_headers["List-Unsubscribe"])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert read_unsubscribe_token(token) == Unsubscribe(user_id=member.pk, kind=None)
    assert f"with one click: {UNSUBSCRIBE_PREFIX}{token}/\n" in message.body


def test_read_unsubscribe_token_round_trip_returns_the_person_and_kind():
    token = unsubscribe_token(42, "escalation")

    assert read_unsubscribe_token(token) == Unsubscribe(user_id=42, kind="escalation")


def test_read_unsubscribe_token_tampered_is_refused():
    token = unsubscribe_token(42, "escalation")
    forged = unsubscribe_token(43, "escalation").split(":")[0] + token[token.index(":") :]

    with pytest.raises(signing.BadSignature):
        read_unsubscribe_token(forged)


def test_read_unsubscribe_token_signed_for_another_purpose_is_refused():
    token = signing.dumps({"u": 42, "k": "all"})

    with pytest.raises(signing.BadSignature):
        read_unsubscribe_token(token)


def test_unsubscribe_from_every_kind_turns_each_kind_off(member):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)

    kinds = unsubscribe(member, kind=None)

    assert kinds == NotificationKind.values
    assert sorted(
        NotificationPreference.objects.filter(user=member).values_list("kind", "delivery")
    ) == sorted((kind, "off") for kind in NotificationKind.values)


def test_unsubscribe_keeps_every_notice_in_the_portal(member):
    notice = notify(member, subject="Agenda: March", kind=NotificationKind.MEETING)

    unsubscribe(member, kind="meeting")

    assert list(notifications_for(member)) == [notice]
    assert notice.read_at is None
