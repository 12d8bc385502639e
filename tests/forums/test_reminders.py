import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from forums.choices import MeetingStatus, RsvpResponse
from forums.models import MeetingReminder
from forums.services.meetings import send_due_reminders as remind
from forums.services.meetings import update_meeting
from forums.tasks import send_due_reminders
from members.models import Notification
from tests.factories.forums import MeetingFactory, MembershipFactory, RsvpFactory


def soon(hours: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


@pytest.fixture
def meeting(db):
    return MeetingFactory(title="CFSN meeting", start=soon(24), end=soon(26))


@pytest.mark.django_db
def test_send_due_reminders_run_twice_sends_one_notification_and_one_email(
    meeting, django_capture_on_commit_callbacks
):
    member = MembershipFactory(forum=meeting.forum).user

    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_reminders.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_due_reminders.delay().get()

    assert (first, second) == (1, 0)
    assert (
        Notification.objects.filter(recipient=member, subject="Reminder: CFSN meeting").count() == 1
    )
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert MeetingReminder.objects.filter(meeting=meeting, user=member).count() == 1


@pytest.mark.django_db
def test_send_due_reminders_skips_members_who_are_not_going(meeting):
    going = MembershipFactory(forum=meeting.forum).user
    declined = MembershipFactory(forum=meeting.forum).user
    RsvpFactory(meeting=meeting, user=declined, response=RsvpResponse.NOT_GOING)
    RsvpFactory(meeting=meeting, user=going, response=RsvpResponse.MAYBE)

    send_due_reminders()

    assert list(Notification.objects.values_list("recipient", flat=True)) == [going.pk]


@pytest.mark.django_db
def test_send_due_reminders_ignores_far_off_draft_cancelled_and_past_meetings(settings):
    settings.MEETING_REMINDER_DAYS = 2
    for start, status in [
        (soon(24 * 3), MeetingStatus.PUBLISHED),
        (soon(24), MeetingStatus.DRAFT),
        (soon(24), MeetingStatus.CANCELLED),
        (soon(-2), MeetingStatus.PUBLISHED),
    ]:
        meeting = MeetingFactory(start=start, end=start + dt.timedelta(hours=1), status=status)
        MembershipFactory(forum=meeting.forum)

    assert send_due_reminders() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_send_due_reminders_reminder_already_recorded_sends_nothing(meeting):
    member = MembershipFactory(forum=meeting.forum).user
    MeetingReminder.objects.create(meeting=meeting, user=member)

    assert send_due_reminders() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_send_due_reminders_setting_widens_the_window(settings):
    settings.MEETING_REMINDER_DAYS = 5
    meeting = MeetingFactory(start=soon(24 * 4), end=soon(24 * 4 + 2))
    MembershipFactory(forum=meeting.forum)

    assert send_due_reminders() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)
@pytest.mark.django_db(transaction=True)
def test_send_due_reminders_two_runs_at_once_remind_each_member_once():
    meeting = MeetingFactory(title="CFSN meeting", start=soon(24), end=soon(26))
    members = [MembershipFactory(forum=meeting.forum).user for _ in range(3)]
    barrier = threading.Barrier(2)
    results: list = []

    def run():
        barrier.wait()
        try:
            results.append(send_due_reminders())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sum(results) == 3
    for member in members:
        assert Notification.objects.filter(recipient=member).count() == 1


def move(meeting, *, by, start: dt.datetime) -> None:
    """The facilitator moves the two-hour meeting to `start`, keeping the rest."""
    update_meeting(
        meeting,
        by=by,
        title=meeting.title,
        start=start,
        end=start + dt.timedelta(hours=2),
        place=meeting.place,
    )
    meeting.refresh_from_db()


@pytest.mark.django_db
def test_meeting_moved_to_another_day_after_its_reminder_is_reminded_again_before_the_new_one():
    meeting = MeetingFactory(title="CFSN meeting")
    member = MembershipFactory(forum=meeting.forum).user
    facilitator = MembershipFactory(forum=meeting.forum).user
    later = meeting.start + dt.timedelta(days=7)

    with time_machine.travel(meeting.start - dt.timedelta(days=1), tick=False):
        first = remind()
        move(meeting, by=facilitator, start=meeting.start + dt.timedelta(hours=3))
        same_day = remind()
        move(meeting, by=facilitator, start=later)
    with time_machine.travel(later - dt.timedelta(days=1), tick=False):
        again = remind()

    # The member and the facilitator each time.
    assert (first, same_day, again) == (2, 0, 2)
    assert (
        Notification.objects.filter(recipient=member, subject="Reminder: CFSN meeting").count() == 2
    )


@pytest.mark.django_db
def test_someone_who_could_not_come_is_asked_again_and_reminded_when_the_meeting_moves_day():
    meeting = MeetingFactory(title="CFSN meeting")
    facilitator = MembershipFactory(forum=meeting.forum).user
    declined = MembershipFactory(forum=meeting.forum).user
    RsvpFactory(meeting=meeting, user=declined, response=RsvpResponse.NOT_GOING)
    RsvpFactory(meeting=meeting, user=facilitator, response=RsvpResponse.GOING)
    later = meeting.start + dt.timedelta(days=2)

    move(meeting, by=facilitator, start=later)
    with time_machine.travel(later - dt.timedelta(days=1), tick=False):
        remind()

    assert not meeting.rsvps.exists()
    changed = Notification.objects.get(recipient=declined, subject="Meeting changed: CFSN meeting")
    assert "please answer again" in changed.body
    assert Notification.objects.filter(
        recipient=declined, subject="Reminder: CFSN meeting"
    ).exists()


@pytest.mark.django_db
def test_answers_stand_when_a_meeting_moves_within_its_day():
    meeting = MeetingFactory(title="CFSN meeting")
    facilitator = MembershipFactory(forum=meeting.forum).user
    declined = MembershipFactory(forum=meeting.forum).user
    RsvpFactory(meeting=meeting, user=declined, response=RsvpResponse.NOT_GOING)
    later = meeting.start + dt.timedelta(hours=1)

    move(meeting, by=facilitator, start=later)

    assert meeting.rsvps.get().user == declined
    changed = Notification.objects.get(recipient=declined, subject="Meeting changed: CFSN meeting")
    assert "answer again" not in changed.body
