import datetime as dt
import threading

import pytest
import time_machine
from django.db import IntegrityError, connection, connections
from django.urls import reverse

from feedback.choices import DeliveryStatus
from feedback.models import OverdueReminder, Response
from feedback.services.follow_through import send_overdue_reminders
from feedback.services.responses import hand_over_response
from feedback.tasks import send_overdue_reminders as send_overdue_reminders_task
from forums.choices import ActionStatus, MembershipRole
from forums.models import ActionItem
from members.models import Notification
from tests.factories.feedback import ResponseFactory
from tests.factories.forums import ActionItemFactory, MeetingFactory, MembershipFactory
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
TUESDAY = MONDAY + dt.timedelta(days=1)


def reminders_to(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("subject", flat=True)
    )


def member_of(action) -> None:
    """The action's owner belongs to its forum, as the portal's owners do when given one."""
    MembershipFactory(user=action.owner, forum=action.forum)


def test_send_overdue_reminders_run_twice_the_same_day_reminds_once():
    owner = UserFactory()
    member_of(
        ActionItemFactory(owner=owner, title="Draft the intake form", due_date=dt.date(2026, 3, 1))
    )

    with time_machine.travel(MONDAY, tick=False):
        first = send_overdue_reminders()
        second = send_overdue_reminders()

    assert (first, second) == (1, 0)
    assert reminders_to(owner) == ["Overdue action: Draft the intake form"]


def test_send_overdue_reminders_on_two_days_reminds_once_each_day():
    owner = UserFactory()
    action = ActionItemFactory(owner=owner, title="Draft the form", due_date=dt.date(2026, 3, 1))
    member_of(action)

    with time_machine.travel(MONDAY, tick=False):
        send_overdue_reminders()
        send_overdue_reminders()
    with time_machine.travel(TUESDAY, tick=False):
        send_overdue_reminders()
        send_overdue_reminders()

    assert reminders_to(owner) == ["Overdue action: Draft the form"] * 2
    assert list(OverdueReminder.objects.values_list("action", "day")) == [
        (action.pk, dt.date(2026, 3, 2)),
        (action.pk, dt.date(2026, 3, 3)),
    ]


def test_send_overdue_reminders_names_days_overdue_in_the_body():
    owner = UserFactory()
    member_of(ActionItemFactory(owner=owner, due_date=dt.date(2026, 2, 27)))

    with time_machine.travel(MONDAY, tick=False):
        send_overdue_reminders()

    notice = Notification.objects.get(recipient=owner)
    assert notice.body.endswith("was due on 27 February 2026, 3 days ago. Update its status.")
    assert notice.url == reverse("forums:my-actions")


@pytest.mark.parametrize(
    ("status", "due"),
    [
        (ActionStatus.OPEN, dt.date(2026, 3, 2)),  # due today: not overdue yet
        (ActionStatus.DONE, dt.date(2026, 2, 1)),
        (ActionStatus.CANCELLED, dt.date(2026, 2, 1)),
    ],
)
def test_send_overdue_reminders_action_not_overdue_reminds_nobody(status, due):
    owner = UserFactory()
    ActionItemFactory(owner=owner, status=status, due_date=due)

    with time_machine.travel(MONDAY, tick=False):
        sent = send_overdue_reminders()

    assert sent == 0
    assert reminders_to(owner) == []


def test_send_overdue_reminders_in_progress_action_is_reminded():
    owner = UserFactory()
    ActionItemFactory(owner=owner, status=ActionStatus.IN_PROGRESS, due_date=dt.date(2026, 2, 1))

    with time_machine.travel(MONDAY, tick=False):
        sent = send_overdue_reminders()

    assert sent == 1


def test_overdue_reminder_twice_for_one_action_and_day_is_refused_by_the_database():
    action = ActionItemFactory(due_date=dt.date(2026, 3, 1))
    OverdueReminder.objects.create(action=action, day=dt.date(2026, 3, 2))

    with pytest.raises(IntegrityError):
        OverdueReminder.objects.create(action=action, day=dt.date(2026, 3, 2))


def test_send_overdue_reminders_overdue_response_action_reminds_its_owner_once_a_day():
    owner = UserFactory()
    with time_machine.travel(MONDAY - dt.timedelta(days=30), tick=False):
        response = ResponseFactory(owner=owner, due_date=dt.date(2026, 3, 1), review_date=None)

    with time_machine.travel(MONDAY, tick=False):
        send_overdue_reminders()
        send_overdue_reminders()

    assert reminders_to(owner) == [f"Overdue action: {response.action_item.title}"]
    notice = Notification.objects.get(recipient=owner)
    assert notice.body.endswith("Post progress on the response it carries out.")
    assert notice.url == response.issue.get_absolute_url()


def test_send_overdue_reminders_response_due_for_review_reminds_owner_once():
    owner = UserFactory()
    with time_machine.travel(MONDAY - dt.timedelta(days=30), tick=False):
        response = ResponseFactory(
            owner=owner, due_date=dt.date(2026, 6, 1), review_date=dt.date(2026, 3, 2)
        )

    with time_machine.travel(MONDAY - dt.timedelta(days=1), tick=False):
        before = send_overdue_reminders()
    with time_machine.travel(MONDAY, tick=False):
        send_overdue_reminders()
        send_overdue_reminders()
    with time_machine.travel(TUESDAY, tick=False):
        send_overdue_reminders()

    assert before == 0
    assert reminders_to(owner) == [f"{response.issue.reference}: the response is due for review"]


def test_send_overdue_reminders_response_whose_owner_reported_on_the_review_date_is_not_reminded():
    owner = UserFactory()
    with time_machine.travel(MONDAY - dt.timedelta(days=30), tick=False):
        response = ResponseFactory(
            owner=owner, due_date=dt.date(2026, 6, 1), review_date=dt.date(2026, 3, 2)
        )
    # Early on the review date where the portal is, still the day before in UTC.
    Response.objects.filter(pk=response.pk).update(
        last_progress_at=dt.datetime(2026, 3, 1, 20, tzinfo=dt.UTC)
    )

    with time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False):
        sent = send_overdue_reminders()

    assert (sent, reminders_to(owner)) == (0, [])


def test_send_overdue_reminders_delivered_response_is_not_reviewed():
    owner = UserFactory()
    with time_machine.travel(MONDAY - dt.timedelta(days=30), tick=False):
        ResponseFactory(
            owner=owner,
            due_date=dt.date(2026, 6, 1),
            review_date=dt.date(2026, 3, 1),
            delivery_status=DeliveryStatus.DELIVERED,
        )

    with time_machine.travel(MONDAY, tick=False):
        sent = send_overdue_reminders()

    assert sent == 0


def test_send_overdue_reminders_task_runs_the_sweep_once_a_day():
    owner = UserFactory()
    ActionItemFactory(owner=owner, due_date=dt.date(2026, 3, 1))

    with time_machine.travel(MONDAY, tick=False):
        first = send_overdue_reminders_task.delay().get()
        second = send_overdue_reminders_task.delay().get()

    assert (first, second) == (1, 0)
    assert send_overdue_reminders_task.name == "feedback.send_overdue_reminders"


def test_overdue_reminders_are_in_the_beat_schedule_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-overdue-reminders"]

    assert entry["task"] == "feedback.send_overdue_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})


# --- Shown as overdue to the forum ---------------------------------------------------------


def test_forum_page_marks_overdue_open_action_with_badge(client):
    with time_machine.travel(MONDAY, tick=False):
        meeting = MeetingFactory()
        ActionItemFactory(meeting=meeting, title="Late one", due_date=dt.date(2026, 3, 1))
        ActionItemFactory(meeting=meeting, title="On time", due_date=dt.date(2026, 3, 9))
        client.force_login(MembershipFactory(forum=meeting.forum).user)

        html = client.get(
            reverse("forums:forum-detail", args=[meeting.forum.slug])
        ).content.decode()

    assert html.count('<span class="badge text-bg-danger">Overdue</span>') == 1
    assert html.index("Late one") < html.index("Overdue") < html.index("On time")


def test_meeting_page_marks_overdue_action_with_badge(client):
    with time_machine.travel(MONDAY, tick=False):
        meeting = MeetingFactory()
        ActionItemFactory(meeting=meeting, title="Late one", due_date=dt.date(2026, 3, 1))
        ActionItemFactory(meeting=meeting, title="On time", due_date=dt.date(2026, 3, 9))
        # Members read the minutes, with their actions, before they are published.
        client.force_login(MembershipFactory(forum=meeting.forum).user)

        html = client.get(meeting.get_absolute_url()).content.decode()

    assert html.count('<span class="badge text-bg-danger">Overdue</span>') == 1
    assert html.index("Late one") < html.index(">Overdue<") < html.index("On time")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL: set DATABASE_URL (CI does)",
)
@pytest.mark.django_db(transaction=True)
def test_send_overdue_reminders_two_runs_at_once_remind_once():
    owner = UserFactory()
    member_of(ActionItemFactory(owner=owner, due_date=dt.date(2026, 3, 1)))
    ResponseFactory(owner=owner, due_date=dt.date(2026, 6, 1), review_date=dt.date(2026, 3, 1))
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def sweep():
        try:
            barrier.wait()
            sent.append(send_overdue_reminders(dt.date(2026, 3, 2)))
        finally:
            connections.close_all()

    with time_machine.travel(MONDAY, tick=False):
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sum(sent) == 2
    assert Notification.objects.filter(recipient=owner).count() == 2


# --- Owners who have left ------------------------------------------------------------------


def test_an_overdue_action_whose_owner_left_its_forum_reminds_those_who_run_it():
    owner = UserFactory(display_name="Alex")
    action = ActionItemFactory(owner=owner, title="Draft the form", due_date=dt.date(2026, 2, 27))
    chair = MembershipFactory(forum=action.forum, role=MembershipRole.CHAIR).user
    member = MembershipFactory(forum=action.forum).user

    with time_machine.travel(MONDAY, tick=False):
        sent = send_overdue_reminders()

    assert sent == 1
    assert reminders_to(owner) == []
    assert reminders_to(member) == []
    notice = Notification.objects.get(recipient=chair)
    assert notice.subject == "Overdue action of someone who has left: Draft the form"
    assert notice.body.endswith(
        "3 days ago. Its owner, Alex, has left, so it falls to those who run the forum: "
        "update its status, or give the work to a member as a new action."
    )
    assert notice.url == reverse("forums:action-update", args=[action.pk])


def test_an_overdue_response_action_whose_owner_left_the_portal_reminds_those_who_run_its_forum():
    owner = UserFactory(display_name="Alex")
    with time_machine.travel(MONDAY - dt.timedelta(days=30), tick=False):
        response = ResponseFactory(owner=owner, due_date=dt.date(2026, 3, 1), review_date=None)
    facilitator = MembershipFactory(
        forum=response.action_item.forum, role=MembershipRole.FACILITATOR
    ).user
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    with time_machine.travel(MONDAY, tick=False):
        send_overdue_reminders()

    notice = Notification.objects.get(recipient=facilitator)
    assert notice.body.endswith(
        "can no longer report on the response it carries out: an administrator can hand the "
        "response to a new owner."
    )
    assert notice.url == response.issue.get_absolute_url()


def test_a_response_due_for_review_whose_owner_left_tells_those_who_run_its_forum():
    owner = UserFactory(display_name="Alex")
    with time_machine.travel(MONDAY - dt.timedelta(days=30), tick=False):
        response = ResponseFactory(
            owner=owner, due_date=dt.date(2026, 6, 1), review_date=dt.date(2026, 3, 2)
        )
    chair = MembershipFactory(forum=response.action_item.forum, role=MembershipRole.CHAIR).user
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    with time_machine.travel(MONDAY, tick=False):
        send_overdue_reminders()
        send_overdue_reminders()

    assert reminders_to(chair) == [
        f"{response.issue.reference}: a response due for review has no owner to review it"
    ]
    assert "can no longer post its progress" in Notification.objects.get(recipient=chair).body


def test_an_overdue_response_action_handed_to_a_new_owner_reminds_the_new_owner():
    leaving, taking_over = UserFactory(display_name="Alex"), UserFactory(display_name="Sam")
    with time_machine.travel(MONDAY - dt.timedelta(days=30), tick=False):
        response = ResponseFactory(owner=leaving, due_date=dt.date(2026, 3, 1), review_date=None)
    chair = MembershipFactory(forum=response.action_item.forum, role=MembershipRole.CHAIR).user
    leaving.is_active = False
    leaving.save(update_fields=["is_active"])
    # An administrator hands the response over (in the admin).
    Response.objects.filter(pk=response.pk).update(owner=taking_over)

    with time_machine.travel(MONDAY, tick=False):
        send_overdue_reminders()

    assert reminders_to(taking_over) == [f"Overdue action: {response.action_item.title}"]
    assert reminders_to(chair) == []


def test_a_response_with_no_action_whose_owner_left_tells_the_strategic_forum():
    owner = UserFactory()
    with time_machine.travel(MONDAY - dt.timedelta(days=30), tick=False):
        response = ResponseFactory(
            owner=owner, due_date=dt.date(2026, 6, 1), review_date=dt.date(2026, 3, 2)
        )
    strategic = response.action_item.forum
    ActionItem.objects.filter(pk=response.action_item_id).delete()
    facilitator = MembershipFactory(forum=strategic, role=MembershipRole.FACILITATOR).user
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    with time_machine.travel(MONDAY, tick=False):
        send_overdue_reminders()

    assert reminders_to(facilitator) == [
        f"{response.issue.reference}: a response due for review has no owner to review it"
    ]


def test_an_overdue_action_whose_forum_has_no_one_running_it_tells_the_administrators():
    administrator = UserFactory(is_superuser=True)
    action = ActionItemFactory(
        owner=UserFactory(), title="Draft the form", due_date=dt.date(2026, 3, 1)
    )

    with time_machine.travel(MONDAY, tick=False):
        send_overdue_reminders()

    assert reminders_to(administrator) == ["Overdue action of someone who has left: Draft the form"]
    assert action.forum.memberships.count() == 0


def test_a_response_handed_over_after_its_review_reminder_reminds_the_new_owner():
    leaving, taking_over = UserFactory(), UserFactory()
    with time_machine.travel(MONDAY - dt.timedelta(days=30), tick=False):
        response = ResponseFactory(
            owner=leaving, due_date=dt.date(2026, 6, 1), review_date=dt.date(2026, 3, 2)
        )
    with time_machine.travel(MONDAY, tick=False):
        send_overdue_reminders()
        hand_over_response(response, to=taking_over, by=UserFactory(is_superuser=True))
    with time_machine.travel(TUESDAY, tick=False):
        send_overdue_reminders()

    due = f"{response.issue.reference}: the response is due for review"
    assert reminders_to(leaving) == [due]
    assert due in reminders_to(taking_over)
