"""The demo's practice library: a year of items added, reviewed and superseded, cited from
issues and resolving one, all through the services on the demo's clock."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from feedback.choices import EventKind
from feedback.demo_guidance import RESOLVED_TITLE, SHARING_GUIDE
from feedback.models import IssueEvent, PracticeIssue, Referral
from practice.choices import GuidanceEventKind, GuidanceStatus, GuidanceType
from practice.models import GuidanceEvent, GuidanceItem

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeded once for the module, its files in a folder of its own, rolled back after."""
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def test_seed_demo_library_holds_items_of_every_type_with_files_and_links(seeded):
    items = GuidanceItem.objects.all()

    assert items.count() == 13
    assert set(items.values_list("kind", flat=True)) == set(GuidanceType.values)
    with_files = [item for item in items if item.file]
    assert len(with_files) == 4
    assert sorted(item.file.name.rsplit(".", 1)[1] for item in with_files) == [
        "pdf",
        "pdf",
        "txt",
        "txt",
    ]


def test_seed_demo_library_has_one_superseded_item_pointing_to_its_new_version(seeded):
    old = GuidanceItem.objects.get(status=GuidanceStatus.SUPERSEDED)

    assert (old.title, old.version, old.superseded_by.version) == (
        "Responding to cumulative harm",
        "1.0",
        "2.0",
    )


def test_seed_demo_library_has_overdue_items_owned_by_demo_accounts(seeded):
    overdue = GuidanceItem.objects.filter(
        review_by__lt=timezone.localdate(), status=GuidanceStatus.CURRENT
    ).values_list("owner__email", flat=True)

    assert sorted(overdue) == ["facilitator@example.org", "practitioner@example.org"]


def test_seed_demo_library_events_are_back_dated(seeded):
    added = GuidanceEvent.objects.filter(kind=GuidanceEventKind.ADDED)

    assert added.count() == 13
    oldest = min(added.values_list("created_at", flat=True))
    assert oldest < timezone.now() - dt.timedelta(days=300)


def test_seed_demo_resolves_one_issue_by_guidance_and_cites_on_others(seeded):
    referral = Referral.objects.get(resolved_by_guidance__isnull=False)

    assert (referral.issue.title, referral.resolved_by_guidance.title) == (
        RESOLVED_TITLE,
        SHARING_GUIDE,
    )
    assert PracticeIssue.objects.filter(related_guidance__isnull=False).distinct().count() >= 4
    assert IssueEvent.objects.filter(kind=EventKind.GUIDANCE_CITED).count() >= 4


def test_seed_demo_run_again_adds_no_library_rows(seeded):
    before = (GuidanceItem.objects.count(), GuidanceEvent.objects.count())

    call_command("seed_demo", verbosity=0)

    assert (GuidanceItem.objects.count(), GuidanceEvent.objects.count()) == before
