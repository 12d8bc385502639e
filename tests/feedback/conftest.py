import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from forums.choices import MembershipRole
from tests.factories.forums import (
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StatewideForumFactory,
    StrategicForumFactory,
)
from tests.factories.members import UserFactory


class Loop:
    """The three tiers with one facilitator each and a meeting coming up at each.

    Outcomes are recorded once a meeting has started: `with loop.at(meeting):` moves the
    clock to a minute after its start."""

    def __init__(self):
        self.cfsn = ForumFactory(name="Northern CFSN", slug="northern-cfsn")
        self.other_cfsn = ForumFactory(name="Southern CFSN", slug="southern-cfsn")
        self.statewide = StatewideForumFactory()
        self.strategic = StrategicForumFactory()
        self.practitioner = UserFactory(display_name="Priya", region=self.cfsn.region)
        MembershipFactory(user=self.practitioner, forum=self.cfsn)
        self.cfsn_facilitator = UserFactory(display_name="Frank")
        MembershipFactory(
            user=self.cfsn_facilitator, forum=self.cfsn, role=MembershipRole.FACILITATOR
        )
        self.statewide_facilitator = UserFactory(display_name="Sam")
        MembershipFactory(
            user=self.statewide_facilitator, forum=self.statewide, role=MembershipRole.FACILITATOR
        )
        self.executive = UserFactory(display_name="Erin")
        MembershipFactory(user=self.executive, forum=self.strategic, role=MembershipRole.CHAIR)
        soon = timezone.now() + dt.timedelta(days=3)
        self.cfsn_meeting = MeetingFactory(
            forum=self.cfsn, start=soon, end=soon + dt.timedelta(hours=2)
        )
        self.statewide_meeting = MeetingFactory(
            forum=self.statewide,
            start=soon + dt.timedelta(days=7),
            end=soon + dt.timedelta(days=7, hours=2),
        )
        self.strategic_meeting = MeetingFactory(
            forum=self.strategic,
            start=soon + dt.timedelta(days=14),
            end=soon + dt.timedelta(days=14, hours=2),
        )

    @staticmethod
    def at(meeting, *, minutes: int = 1):
        return time_machine.travel(meeting.start + dt.timedelta(minutes=minutes), tick=False)


@pytest.fixture
def loop(db):
    return Loop()
