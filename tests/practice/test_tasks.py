import datetime as dt

import pytest
import time_machine
from django.conf import settings

from members.models import Notification
from practice.choices import GuidanceEventKind
from practice.tasks import send_guidance_review_reminders
from tests.factories.practice import GuidanceItemFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 3, 2, 7, 15, tzinfo=dt.UTC), tick=False)
def test_send_guidance_review_reminders_run_twice_sends_once():
    item = GuidanceItemFactory(review_by=dt.date(2026, 3, 1))

    first = send_guidance_review_reminders.delay().get()
    second = send_guidance_review_reminders.delay().get()

    assert (first, second) == (1, 0)
    assert Notification.objects.filter(recipient=item.owner).count() == 1
    assert item.events.filter(kind=GuidanceEventKind.REVIEW_REMINDED).count() == 1


def test_send_guidance_review_reminders_runs_daily_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["send-guidance-review-reminders"]

    assert entry["task"] == "practice.send_guidance_review_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {15})
