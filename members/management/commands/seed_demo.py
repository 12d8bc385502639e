"""Demo data for the embedded mode: regions, organisations, practice areas and accounts.

Running it again changes nothing: every row is found by a natural key first.
"""

import datetime as dt
from importlib import import_module
from importlib.util import find_spec

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F, Max
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from members.choices import Sector
from members.demo import ACCOUNTS_OPENED, at
from members.models import Notification, Organisation, PracticeArea, Region, User

DEMO_PASSWORD = "demo-portal-2026"
# Notices newer than this are still unread when the demo starts.
DEMO_UNREAD_FOR = dt.timedelta(days=14)
DEMO_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

REGIONS = ["Northern", "Southern", "Eastern Hills", "Western", "Far North"]

PRACTICE_AREAS = [
    "Child protection",
    "Family violence",
    "Disability",
    "Aboriginal children and families",
    "Children and families",
    "Housing",
    "Mental health",
    "Alcohol and other drugs",
]

ORGANISATIONS = [
    ("Department for Child Protection", Sector.GOVERNMENT),
    ("Department of Human Services", Sector.GOVERNMENT),
    ("Department for Education", Sector.GOVERNMENT),
    ("Families First Community Services", Sector.NON_GOVERNMENT),
    ("Safe Homes Alliance", Sector.NON_GOVERNMENT),
    ("Aboriginal Family Support Service", Sector.ACCO),
    ("Kinship Circle Aboriginal Corporation", Sector.ACCO),
]

# email, display name, job title, organisation, region, practice areas, role flags
ACCOUNTS = [
    (
        "practitioner@example.org",
        "Priya Practitioner",
        "Family support worker",
        "Families First Community Services",
        "Northern",
        ["Children and families", "Family violence"],
        {},
    ),
    (
        "facilitator@example.org",
        "Frank Facilitator",
        "Regional practice lead",
        "Department for Child Protection",
        "Northern",
        ["Child protection"],
        {},
    ),
    (
        "executive@example.org",
        "Erin Executive",
        "Executive Director, Practice and Reform",
        "Department of Human Services",
        "Southern",
        ["Child protection", "Housing"],
        {},
    ),
    (
        "lead@example.org",
        "Leila Lead",
        "Principal practitioner, Office of Professional Practice",
        "Department for Child Protection",
        "Southern",
        ["Aboriginal children and families", "Children and families"],
        {},
    ),
    (
        "admin@example.org",
        "Ada Administrator",
        "Portal administrator",
        "Department of Human Services",
        "Western",
        [],
        {"is_staff": True, "is_superuser": True},
    ),
]


# Issues in these areas ask for input from an Aboriginal community-controlled organisation.
ACCO_INPUT_AREAS = ("Aboriginal children and families",)


class Command(BaseCommand):
    help = "Create the demo regions, organisations, practice areas and accounts (idempotent)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo creates well-known demo accounts; it never runs in production."
            )
        # Demo notifications are recorded in the portal but emailed to nobody.
        with override_settings(EMAIL_BACKEND=DEMO_EMAIL_BACKEND), transaction.atomic():
            last_before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
            # The accounts were opened before the year of loop traffic the demo holds.
            with at(timezone.now() - ACCOUNTS_OPENED):
                self.seed_members()
            # Apps that build on members add their own demo data in <app>/demo.py: seed().
            demos = [
                import_module(f"{app.name}.demo")
                for app in apps.get_app_configs()
                if app.name != "members" and find_spec(f"{app.name}.demo")
            ]
            for demo in demos:
                demo.seed()
            # Then each may finish what the others' data completes (forums: the meetings
            # held so far are marked held, after the issues on their agendas were decided).
            for demo in demos:
                if hasattr(demo, "finish"):
                    demo.finish()
            # Stamped before commit, so neither the nudged worker (which may send through a
            # real mail server, whatever this process overrides) nor the sweep finds them owed;
            # each as sent when it was written, on the demo's clock.
            Notification.objects.filter(pk__gt=last_before, sent_at__isnull=True).update(
                sent_at=F("created_at"), next_attempt_at=None
            )
            # Over the year people opened what reached them: only the last fortnight's
            # notices are still unread, a day after each was sent otherwise.
            Notification.objects.filter(
                pk__gt=last_before,
                read_at__isnull=True,
                created_at__lt=timezone.now() - DEMO_UNREAD_FOR,
            ).update(read_at=F("created_at") + dt.timedelta(days=1))
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))

    def seed_members(self) -> None:
        regions = {
            name: Region.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in REGIONS
        }
        areas = {
            name: PracticeArea.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in PRACTICE_AREAS
        }
        PracticeArea.objects.filter(name__in=ACCO_INPUT_AREAS).update(seeks_acco_input=True)
        orgs = {
            name: Organisation.objects.get_or_create(name=name, defaults={"sector": sector})[0]
            for name, sector in ORGANISATIONS
        }
        for email, name, title, org, region, area_names, flags in ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    display_name=name,
                    job_title=title,
                    organisation=orgs[org],
                    region=regions[region],
                    **flags,
                )
                user.practice_areas.set([areas[a] for a in area_names])
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
