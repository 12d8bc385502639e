import datetime as dt

import factory
from django.utils import timezone

from forums.choices import (
    ActionStatus,
    AgendaItemKind,
    MeetingKind,
    MeetingStatus,
    MembershipRole,
    RegistrationStatus,
    Tier,
)
from forums.models import (
    ActionItem,
    AgendaItem,
    Forum,
    Meeting,
    Membership,
    Registration,
    Resource,
    Rsvp,
)

from .members import RegionFactory, UserFactory


class ForumFactory(factory.django.DjangoModelFactory):
    """A Regional CFSN by default; use StatewideForumFactory or StrategicForumFactory."""

    class Meta:
        model = Forum

    tier = Tier.REGIONAL
    region = factory.SubFactory(RegionFactory)
    name = factory.LazyAttribute(lambda o: f"{o.region.name} CFSN")
    slug = factory.Sequence(lambda n: f"forum-{n}")
    purpose = "Local coordination and reflection on practice."


class StatewideForumFactory(ForumFactory):
    class Meta:
        model = Forum
        django_get_or_create = ["tier"]

    tier = Tier.STATEWIDE
    region = None
    name = "State-wide Practitioner Forum"
    slug = "statewide"


class StrategicForumFactory(ForumFactory):
    class Meta:
        model = Forum
        django_get_or_create = ["tier"]

    tier = Tier.STRATEGIC
    region = None
    name = "Strategic Leadership Forum"
    slug = "strategic"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    forum = factory.SubFactory(ForumFactory)
    role = MembershipRole.MEMBER


def _next_week_at_ten():
    day = timezone.localdate() + dt.timedelta(days=7)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


class MeetingFactory(factory.django.DjangoModelFactory):
    """A published meeting a week from now, 10:00 to 12:00 in the portal's time zone."""

    class Meta:
        model = Meeting

    forum = factory.SubFactory(ForumFactory)
    title = factory.LazyAttribute(lambda o: f"{o.forum.name} meeting")
    start = factory.LazyFunction(_next_week_at_ten)
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
    place = "Community Centre, Meeting Room 2"
    status = MeetingStatus.PUBLISHED
    # Anything but a draft was published first (a cancelled one, too, unless told).
    published_at = factory.LazyAttribute(
        lambda o: None if o.status == MeetingStatus.DRAFT else timezone.now()
    )


class LearningSessionFactory(MeetingFactory):
    """A published learning session with 20 places, a week from now, 10:00 to 12:00."""

    title = factory.Sequence(lambda n: f"Learning session {n}")
    kind = MeetingKind.LEARNING
    capacity = 20


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(LearningSessionFactory)
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.REGISTERED


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    kind = AgendaItemKind.STANDING
    minutes_allotted = 15


class RsvpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rsvp

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    response = "going"


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    forum = factory.LazyAttribute(lambda o: o.meeting.forum)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    status = ActionStatus.OPEN


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    forum = factory.SubFactory(ForumFactory)
    title = factory.Sequence(lambda n: f"Practice guide {n}")
    kind = "link"
    url = "https://example.org/guide"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forums.Decision"

    agenda_item = factory.SubFactory(AgendaItemFactory)
    meeting = factory.LazyAttribute(lambda o: o.agenda_item.meeting)
    text = factory.Sequence(lambda n: f"Decision {n}")
    # Made with its meeting's minutes as they stand: published with them, if they are.
    published_text = factory.LazyAttribute(
        lambda o: o.text if o.meeting.minutes_published_at else ""
    )


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forums.Attendance"

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forums.MeetingSeries"

    forum = factory.SubFactory(ForumFactory)
    rule = "FREQ=MONTHLY;COUNT=3;BYDAY=+2TU"
    description = "Monthly meetings"


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forums.CalendarFeed"

    user = factory.SubFactory(UserFactory)
    token = factory.Sequence(lambda n: f"feed-token-{n:04d}-secret")


class MinutesRevisionFactory(factory.django.DjangoModelFactory):
    """A saved state of a meeting's minutes with nothing recorded yet, not published."""

    class Meta:
        model = "forums.MinutesRevision"

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    author = factory.SubFactory(UserFactory)
    snapshot = factory.LazyFunction(lambda: {"items": []})
