import factory
from django.utils.text import slugify

from members.choices import Delivery, NotificationKind, Sector
from members.models import (
    Notification,
    NotificationPreference,
    Organisation,
    PracticeArea,
    Region,
    User,
)

PASSWORD = "a-long-test-password-2026"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class PracticeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeArea
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Practice area {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = Sector.NON_GOVERNMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    job_title = "Practitioner"
    organisation = factory.SubFactory(OrganisationFactory)
    region = factory.SubFactory(RegionFactory)
    password = factory.django.Password(PASSWORD)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something changed."


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    kind = NotificationKind.MEETING
    delivery = Delivery.DAILY
