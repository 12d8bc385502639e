import datetime as dt

import pytest
import time_machine

from forums.choices import MeetingStatus
from forums.models import Meeting
from tests.factories.forums import MeetingFactory

START = dt.datetime(2026, 12, 3, 0, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("status", "minutes_from_start", "expected"),
    [
        (MeetingStatus.PUBLISHED, -1, False),
        (MeetingStatus.PUBLISHED, 0, True),
        (MeetingStatus.PUBLISHED, 300, True),
        (MeetingStatus.COMPLETED, 300, True),
        (MeetingStatus.DRAFT, 30, False),
        (MeetingStatus.CANCELLED, 30, False),
    ],
)
def test_meeting_takes_outcomes_once_published_or_held_and_started(
    db, status, minutes_from_start, expected
):
    meeting = MeetingFactory(status=status, start=START, end=START + dt.timedelta(hours=2))

    with time_machine.travel(START + dt.timedelta(minutes=minutes_from_start), tick=False):
        by_property = meeting.takes_outcomes
        by_query = Meeting.objects.taking_outcomes().filter(pk=meeting.pk).exists()

    assert (by_property, by_query) == (expected, expected)
