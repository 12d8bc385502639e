import datetime as dt

import factory

from practice.choices import GuidanceEventKind, GuidanceStatus, GuidanceType
from practice.models import GuidanceEvent, GuidanceItem, PracticeLead
from tests.factories.members import PracticeAreaFactory, UserFactory


class GuidanceItemFactory(factory.django.DjangoModelFactory):
    """A current link, published a month before 2026-01-01 and due for review a year later."""

    class Meta:
        model = GuidanceItem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Guidance {n:03d}")
    summary = "How to work with families."
    kind = GuidanceType.GUIDANCE
    owner = factory.SubFactory(UserFactory)
    version = "1.0"
    url = factory.Sequence(lambda n: f"https://example.org/guidance/{n}")
    published_on = dt.date(2025, 12, 1)
    review_by = dt.date(2026, 12, 1)
    status = GuidanceStatus.CURRENT

    @factory.post_generation
    def practice_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.practice_areas.set(extracted)


class GuidanceEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidanceEvent

    item = factory.SubFactory(GuidanceItemFactory)
    actor = factory.SubFactory(UserFactory)
    kind = GuidanceEventKind.ADDED


class PracticeLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeLead

    user = factory.SubFactory(UserFactory)
    practice_area = factory.SubFactory(PracticeAreaFactory)
