"""A small portal in which the word "kinship" appears in every kind of record, some of
which each role may see and some of which it may not."""

import dataclasses
import datetime as dt

from django.utils import timezone

from feedback.choices import ConsultationStatus
from forums.choices import MeetingStatus, MembershipRole
from forums.services.agenda import add_agenda_item, publish_agenda
from forums.services.minutes import publish_minutes, record_minutes
from forums.services.search import rebuild_meeting_search
from practice.choices import GuidanceStatus
from tests.factories.feedback import (
    ConsultationFactory,
    ConsultationTargetFactory,
    PracticeIssueFactory,
)
from tests.factories.forums import (
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StatewideForumFactory,
    StrategicForumFactory,
)
from tests.factories.members import UserFactory
from tests.factories.practice import GuidanceItemFactory

ROLES = ("practitioner", "facilitator", "executive", "administrator", "other_region")


@dataclasses.dataclass
class SearchWorld:
    people: dict
    north: object
    south: object
    statewide: object


def _held(forum, title: str, days_ago: int):
    start = timezone.now() - dt.timedelta(days=days_ago)
    return MeetingFactory(forum=forum, title=title, start=start, end=start + dt.timedelta(hours=2))


def build_search_world() -> SearchWorld:
    north, south = ForumFactory(name="Northern CFSN"), ForumFactory(name="Southern CFSN")
    statewide, strategic = StatewideForumFactory(), StrategicForumFactory()
    people = {
        "practitioner": MembershipFactory(forum=north).user,
        "facilitator": MembershipFactory(forum=north, role=MembershipRole.FACILITATOR).user,
        "executive": MembershipFactory(forum=strategic, role=MembershipRole.CHAIR).user,
        "administrator": UserFactory(is_superuser=True, is_staff=True),
        "other_region": MembershipFactory(forum=south).user,
    }
    facilitator = people["facilitator"]

    # Issues: one anyone may see, one restricted to the forums it has been at.
    PracticeIssueFactory(
        title="Kinship carers wait months for respite",
        description="Kinship carers in the north wait months for respite care.",
        origin_forum=north,
    )
    PracticeIssueFactory(
        title="Restricted kinship placement",
        description="A kinship placement question kept within the forum.",
        origin_forum=north,
        restricted=True,
    )

    # Meetings: a published agenda, an agenda not yet published, a draft.
    march = MeetingFactory(forum=north, title="March meeting")
    add_agenda_item(
        march,
        by=facilitator,
        title="Kinship respite update",
        description="What the kinship respite pilot found.",
    )
    publish_agenda(march, by=facilitator)
    april = MeetingFactory(
        forum=north,
        title="April meeting",
        start=march.start + dt.timedelta(days=30),
        end=march.end + dt.timedelta(days=30),
    )
    add_agenda_item(april, by=facilitator, title="Kinship walrus plans")
    MeetingFactory(
        forum=north,
        title="Kinship draft meeting",
        status=MeetingStatus.DRAFT,
        start=march.start + dt.timedelta(days=60),
        end=march.end + dt.timedelta(days=60),
    )

    # Minutes: published (then changed again, unpublished), and recorded but unpublished.
    february = _held(north, "February meeting", 20)
    item = add_agenda_item(february, by=facilitator, title="Carers")
    record_minutes(
        february,
        by=facilitator,
        notes={item.pk: "Kinship carers spoke about respite."},
        decisions={item.pk: "Write to the department about kinship respite."},
    )
    publish_minutes(february, by=facilitator)
    record_minutes(
        february,
        by=facilitator,
        notes={item.pk: "Kinship carers spoke about respite and the narwhal."},
        decisions={item.pk: "Write to the department about kinship respite."},
    )
    january = _held(north, "January meeting", 50)
    item = add_agenda_item(january, by=facilitator, title="Carers")
    record_minutes(
        january,
        by=facilitator,
        notes={item.pk: "Kinship narwhal minutes not yet published."},
        decisions={},
    )

    # Library: a current item and the version it superseded.
    current = GuidanceItemFactory(
        title="Kinship care practice guide",
        version="2.0",
        summary="Supporting kinship carers from the first week.",
    )
    GuidanceItemFactory(
        title="Kinship care practice guide",
        version="1.0",
        summary="Supporting kinship carers.",
        status=GuidanceStatus.SUPERSEDED,
        superseded_by=current,
    )

    # Consultations: one to every CFSN, one to the south alone.
    every = ConsultationFactory(title="Kinship respite across the regions", from_forum=statewide)
    ConsultationTargetFactory(consultation=every, forum=north)
    ConsultationTargetFactory(consultation=every, forum=south)
    south_only = ConsultationFactory(title="Kinship carers in the south", from_forum=statewide)
    ConsultationTargetFactory(consultation=south_only, forum=south)
    ConsultationFactory(
        title="Closed consultation",
        brief="About respite.",
        from_forum=statewide,
        status=ConsultationStatus.CLOSED,
        summary="A kinship finding not yet published.",
    )
    # Meetings made by factories have no vectors yet: fill every one.
    rebuild_meeting_search()
    return SearchWorld(people=people, north=north, south=south, statewide=statewide)
