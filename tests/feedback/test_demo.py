"""The demo's year of loop traffic: consistent timestamps, real durations, every stage."""

import datetime as dt
import statistics

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from feedback import demo
from feedback.choices import ACTIVE_STATUSES, DeliveryStatus, IssueStatus, ReferralPurpose
from feedback.models import (
    Endorsement,
    IssueEvent,
    PracticeIssue,
    Referral,
    Response,
    ResponseProgress,
)
from feedback.selectors import executive_queue
from forums.choices import OPEN_ACTION_STATUSES, MeetingStatus, Tier
from forums.models import AgendaItem, Forum, Meeting
from members.models import Notification, PracticeArea, Region, User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, kept_demo):
    """Seeded once for the module (it takes seconds), rolled back after its last test."""
    with django_db_blocker.unblock(), kept_demo.rolled_back():
        yield


def test_seed_demo_executive_queue_by_age_shows_distinct_days_oldest_first(seeded):
    entered = [referral.entered_at for referral in executive_queue(sort="age")]
    days = [timezone.localtime(moment).date() for moment in entered]

    assert len(days) >= 4
    assert len(set(days)) == len(days)
    assert entered == sorted(entered)
    assert max(entered) < timezone.now() - dt.timedelta(days=1)


def test_seed_demo_executive_queue_page_sorted_by_age_shows_every_issue(seeded, client):
    client.force_login(User.objects.get(email=demo.EXECUTIVE))
    waiting = [referral.issue.title for referral in executive_queue(sort="age")]

    page = client.get(reverse("feedback:executive-queue"), {"sort": "age"}).content.decode()

    positions = [page.index(title) for title in waiting]
    assert positions == sorted(positions)


def test_seed_demo_practitioner_has_other_peoples_issues_to_endorse(seeded, client):
    practitioner = User.objects.get(email=demo.PRACTITIONER)
    client.force_login(practitioner)
    endorsable = [
        issue
        for issue in PracticeIssue.objects.filter(status__in=ACTIVE_STATUSES)
        .exclude(raised_by=practitioner)
        .exclude(endorsements__user=practitioner)
        .order_by("pk")
        if practitioner.has_perm("feedback.endorse_issue", issue)
    ]

    pages = [client.get(issue.get_absolute_url()).content.decode() for issue in endorsable]

    assert len(endorsable) >= 5
    assert len({issue.origin_forum.region_id for issue in endorsable}) >= 4
    assert all(
        reverse("feedback:issue-endorse", args=[i.pk]) in p
        for i, p in zip(endorsable, pages, strict=True)
    )


def test_seed_demo_practitioners_issues_are_endorsed_from_other_regions(seeded):
    practitioner = User.objects.get(email=demo.PRACTITIONER)

    endorsing_regions = set(
        Endorsement.objects.filter(issue__raised_by=practitioner).values_list(
            "user__region", flat=True
        )
    )

    assert len(endorsing_regions - {practitioner.region_id}) >= 4


def test_seed_demo_no_event_precedes_its_issues_submission(seeded):
    early = [
        (event.issue.title, event.kind)
        for event in IssueEvent.objects.select_related("issue").filter(
            issue__submitted_at__isnull=False
        )
        if event.created_at < event.issue.submitted_at
    ]

    assert early == []


def test_seed_demo_no_outcome_precedes_its_meetings_start(seeded):
    decided_at_meetings = Referral.objects.filter(
        left_at__isnull=False, out_of_session=False, agenda_item__isnull=False
    ).select_related("agenda_item__meeting")
    outcome_events = IssueEvent.objects.filter(
        agenda_item__isnull=False, out_of_session=False
    ).exclude(kind__in=["placed", "carried_over", "queued", "endorsed", "commented"])

    early_referrals = [r.pk for r in decided_at_meetings if r.left_at < r.agenda_item.meeting.start]
    early_events = [
        e.pk
        for e in outcome_events.select_related("agenda_item__meeting")
        if e.created_at < e.agenda_item.meeting.start
    ]

    assert decided_at_meetings.count() >= 20
    assert (early_referrals, early_events) == ([], [])


def test_seed_demo_referrals_leave_after_they_enter_and_issues_move_forward(seeded):
    referrals = Referral.objects.select_related("issue")

    backwards = [r.pk for r in referrals if r.left_at is not None and r.left_at < r.entered_at]
    before_raised = [r.pk for r in referrals if r.entered_at < r.issue.submitted_at]
    responses_early = [
        response.pk
        for response in Response.objects.select_related("issue")
        if response.created_at
        < Referral.objects.get(issue=response.issue, forum__tier=Tier.STRATEGIC).entered_at
    ]
    progress_early = [
        p.pk
        for p in ResponseProgress.objects.select_related("response")
        if p.created_at < p.response.created_at
    ]

    assert (backwards, before_raised, responses_early, progress_early) == ([], [], [], [])


def test_seed_demo_durations_are_weeks_to_months_and_all_in_the_past(seeded):
    now = timezone.now()
    stays = [
        (r.left_at - r.entered_at).days
        for r in Referral.objects.filter(
            forum__tier=Tier.REGIONAL, purpose=ReferralPurpose.CONSIDER, left_at__isnull=False
        ).exclude(outcome__in=["declined", "merged"])
    ]
    loops = [
        (issue.closed_at - issue.submitted_at).days
        for issue in PracticeIssue.objects.filter(status=IssueStatus.CLOSED)
    ]

    assert statistics.median(stays) > 7
    assert min(loops) > 60
    assert not IssueEvent.objects.filter(created_at__gt=now).exists()
    assert not Notification.objects.filter(created_at__gt=now).exists()
    assert PracticeIssue.objects.exclude(submitted_at=None).order_by("submitted_at")[
        0
    ].submitted_at < now - dt.timedelta(days=300)


def test_seed_demo_writes_no_timestamp_after_now(seeded):
    now = timezone.now()
    stamped = [
        (model, field.name)
        for model in apps.get_models()
        if model._meta.app_label in {"members", "forums", "feedback"}
        for field in model._meta.get_fields()
        # A meeting's own start and end are in the future for the meetings to come.
        if isinstance(field, models.DateTimeField) and field.name not in {"start", "end"}
    ]

    later = [
        f"{model._meta.label}.{name}"
        for model, name in stamped
        if model.objects.filter(**{f"{name}__gt": now}).exists()
    ]

    assert len(stamped) >= 20
    assert later == []


def test_seed_demo_holds_every_stage_of_the_loop(seeded):
    issues = PracticeIssue.objects.all()
    today = timezone.localdate()

    statuses = set(issues.values_list("status", flat=True))
    deliveries = set(Response.objects.values_list("delivery_status", flat=True))
    overdue = Response.objects.filter(
        due_date__lt=today, action_item__status__in=OPEN_ACTION_STATUSES
    )
    twice = AgendaItem.objects.filter(carried_over_from__carried_over_from__isnull=False)

    assert statuses == set(IssueStatus.values)
    assert deliveries >= {
        DeliveryStatus.DELIVERED,
        DeliveryStatus.NOT_PROCEEDING,
        DeliveryStatus.IN_PROGRESS,
    }
    assert overdue.exists()
    assert twice.exists()
    assert Referral.objects.filter(out_of_session=True).count() >= 2
    assert set(issues.values_list("origin_forum__region", flat=True)) >= set(
        Region.objects.values_list("pk", flat=True)
    )
    assert set(issues.values_list("practice_areas", flat=True)) == set(
        PracticeArea.objects.values_list("pk", flat=True)
    )


def test_seed_demo_meetings_held_so_far_are_marked_held_and_later_ones_are_open(seeded):
    now = timezone.now()
    strategic = Forum.objects.get(tier=Tier.STRATEGIC)

    past = Meeting.objects.filter(end__lt=now - dt.timedelta(hours=1))
    future = Meeting.objects.filter(start__gt=now)

    assert set(past.values_list("status", flat=True)) == {MeetingStatus.COMPLETED}
    assert set(future.values_list("status", flat=True)) == {MeetingStatus.PUBLISHED}
    assert past.filter(forum=strategic).count() >= 3
    # Learning sessions keep attendance, not minutes.
    assert not past.forum_meetings().filter(minutes_published_at__isnull=True).exists()
