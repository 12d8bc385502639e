"""The benchmark's data set: consistent with every rule the services keep."""

import itertools
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from feedback import demo, loadgen
from feedback.choices import FINISHED_STATUSES, IssueStatus, ReferralPurpose
from feedback.models import Comment, Endorsement, IssueEvent, PracticeIssue
from forums.choices import MeetingStatus
from forums.models import AgendaItem, CalendarFeed, Forum, Meeting
from insights.choices import ExportStatus
from insights.models import Export
from members.models import User
from search.selectors import MEETINGS, PortalSearch

pytestmark = pytest.mark.django_db

SCALE = 0.002


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Generated once for the module (on top of the demo), rolled back after its last test."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("generate_load", scale=SCALE, seed=7, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_generate_load_prints_the_rows_it_wrote_per_table(generated):
    counts = {
        words[0]: int(words[1].replace(",", ""))
        for words in (line.split() for line in generated.splitlines())
        if len(words) == 2 and words[1].replace(",", "").isdigit()
    }
    assert counts["feedback_practiceissue"] == 200
    assert counts["members_user"] == 10
    assert counts["members_notification"] == 1_000
    assert counts["insights_export"] == 40 + loadgen.EXECUTIVE_EXPORTS
    assert (
        counts["feedback_endorsement"]
        == Endorsement.objects.filter(user__email__endswith=loadgen.LOAD_EMAIL_DOMAIN).count()
    )
    assert "Load data at scale 0.002 is in place" in generated


def test_generate_load_counters_equal_the_real_counts(generated):
    real = PracticeIssue.objects.annotate(
        real_endorsements=Count("endorsements", distinct=True),
        real_regions=Count("endorsements__user__region", distinct=True),
        real_comments=Count("comments", distinct=True),
    )
    wrong = real.exclude(
        endorsement_count=F("real_endorsements"),
        region_count=F("real_regions"),
        comment_count=F("real_comments"),
    )
    assert list(wrong.values_list("pk", flat=True)) == []
    assert (
        Endorsement.objects.filter(issue__raised_by__email__endswith="load.example.org").count()
        > 300
    )
    assert Comment.objects.count() > 200


def test_generate_load_endorsements_never_by_the_issues_raiser(generated):
    assert Endorsement.objects.filter(user=F("issue__raised_by")).count() == 0
    assert not Endorsement.objects.filter(issue__status=IssueStatus.DRAFT).exists()


def test_generate_load_each_issue_has_the_stays_its_status_says(generated):
    issues = PracticeIssue.objects.exclude(title__in=demo.ALL_TITLES)
    assert issues.count() == 200
    for issue in issues.prefetch_related("referrals__agenda_item__meeting"):
        stays = list(issue.referrals.all())
        open_stays = [r for r in stays if r.left_at is None]
        if issue.status == IssueStatus.DRAFT:
            assert (stays, issue.submitted_at, issue.current_forum_id) == ([], None, None)
            continue
        assert stays[0].forum_id == issue.origin_forum_id
        assert stays[0].entered_at == issue.submitted_at
        # One after another: each stay begins when the one before it ended.
        for before, after in itertools.pairwise(stays):
            assert before.left_at is not None
            assert before.left_at <= after.entered_at
        if issue.status in FINISHED_STATUSES:
            assert open_stays == []
            assert issue.closed_at == stays[-1].left_at
            assert issue.current_forum_id == stays[-1].forum_id
            continue
        assert len(open_stays) == 1
        assert issue.closed_at is None
        stay = open_stays[0]
        assert issue.current_forum_id == stay.forum_id
        if issue.status == IssueStatus.ON_AGENDA:
            assert stay.agenda_item.meeting.status == MeetingStatus.PUBLISHED
            assert stay.agenda_item.meeting.forum_id == stay.forum_id
        if issue.status == IssueStatus.RESPONDED:
            assert stay.purpose == ReferralPurpose.REFLECT
            assert issue.response.created_at <= stay.entered_at
        if issue.status in (IssueStatus.QUEUED, IssueStatus.INFO_REQUESTED):
            assert stay.agenda_item is None
    statuses = set(issues.values_list("status", flat=True))
    assert {IssueStatus.DRAFT, IssueStatus.QUEUED, IssueStatus.RESOLVED} <= statuses


def test_generate_load_events_in_the_order_they_happened(generated):
    events = IssueEvent.objects.exclude(issue__title__in=demo.ALL_TITLES)
    by_issue: dict[int, list[IssueEvent]] = {}
    for event in events.order_by("pk"):
        by_issue.setdefault(event.issue_id, []).append(event)
    assert len(by_issue) == 200
    now = timezone.now()
    for issue_events in by_issue.values():
        moments = [e.created_at for e in issue_events]
        assert moments == sorted(moments)
        assert moments[-1] <= now
        assert issue_events[0].kind in ("raised", "drafted")


def test_generate_load_meetings_held_in_the_past_published_ahead(generated):
    now = timezone.now()
    generated_meetings = Meeting.objects.filter(title__endswith=" meeting", place="Community hall")
    assert generated_meetings.count() >= Forum.objects.count()
    assert (
        not generated_meetings.filter(end__lt=now).exclude(status=MeetingStatus.COMPLETED).exists()
    )
    assert (
        not generated_meetings.filter(start__gt=now)
        .exclude(status=MeetingStatus.PUBLISHED)
        .exists()
    )


def test_generate_load_meetings_are_found_by_the_words_on_their_agendas(generated):
    busy = User.objects.get(email=loadgen.BUSY_MEMBER_EMAIL)
    item = (
        AgendaItem.objects.filter(
            meeting__place="Community hall", meeting__agenda_published_at__isnull=False
        )
        .order_by("pk")
        .first()
    )
    word = max(re.findall(r"[A-Za-z]{5,}", item.title), key=len)

    found = PortalSearch(busy, word).matches(MEETINGS)

    assert found.filter(pk=item.meeting_id).exists()


def test_generate_load_busy_member_belongs_to_every_forum_and_has_a_feed(generated):
    busy = User.objects.get(email=loadgen.BUSY_MEMBER_EMAIL)
    assert busy.memberships.count() == Forum.objects.count()
    assert CalendarFeed.objects.filter(user=busy).exists()


def test_generate_load_hot_issue_has_the_most_comments(generated):
    hot = PracticeIssue.objects.order_by("-comment_count").first()
    assert hot.comment_count == 5
    assert hot.referrals.get(left_at__isnull=True).forum.tier == "statewide"


def test_generate_load_twice_refuses_with_a_clear_message(generated):
    with pytest.raises(CommandError, match="already holds generated load data"):
        call_command("generate_load", scale=SCALE, stdout=StringIO())


def test_generate_load_in_production_mode_refuses(generated, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never runs in production"):
        call_command("generate_load", scale=SCALE, stdout=StringIO())
    assert User.objects.filter(email__endswith=loadgen.LOAD_EMAIL_DOMAIN).count() == 10


def test_generate_load_executives_downloads_run_past_a_page_and_a_prepared_one_downloads(
    generated, client
):
    executive = User.objects.get(email="executive@example.org")
    client.force_login(executive)

    page = client.get(reverse("insights:downloads"))

    # Only the generated members are drawn for the other downloads: the executive has theirs.
    assert Export.objects.filter(requested_by=executive).count() == loadgen.EXECUTIVE_EXPORTS
    assert page.context["page_obj"].paginator.num_pages == 2
    ready = Export.objects.filter(requested_by=executive, status=ExportStatus.READY).first()
    download = client.get(ready.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"Reference,Title")
    assert not Export.objects.exclude(status=ExportStatus.READY).exclude(file="").exists()
