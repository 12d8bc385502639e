"""Each metric on constructed data whose answer is known, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from feedback.choices import IssueStatus, Outcome
from feedback.models import Referral
from feedback.services import issues as issue_services
from feedback.services import routing
from forums.choices import MembershipRole
from insights.charts import render_chart
from insights.selectors import InsightFilters, figures, metric
from members.choices import Sector
from tests.factories.feedback import EndorsementFactory, PracticeIssueFactory
from tests.factories.forums import (
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StatewideForumFactory,
    StrategicForumFactory,
)
from tests.factories.members import (
    OrganisationFactory,
    PracticeAreaFactory,
    RegionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC)
PERIOD = InsightFilters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def cfsn():
    return ForumFactory(name="Northern CFSN")


@pytest.fixture
def facilitator(cfsn):
    return MembershipFactory(forum=cfsn, role=MembershipRole.FACILITATOR).user


def resolved_after(forum, facilitator, days: int, *, start=BASE, **fields):
    """An issue raised at `start` that the forum resolves at a meeting `days` later."""
    with time_machine.travel(start, tick=False):
        issue = PracticeIssueFactory(origin_forum=forum, **fields)
        decided = start + dt.timedelta(days=days)
        meeting = MeetingFactory(forum=forum, start=decided, end=decided + dt.timedelta(hours=2))
        routing.place_on_agenda(issue, meeting=meeting, by=facilitator)
    with time_machine.travel(decided, tick=False):
        item = Referral.objects.get(issue=issue).agenda_item
        routing.record_outcome(item, outcome=Outcome.RESOLVED, note="Agreed.", by=facilitator)
    return issue


def rows_by_label(found) -> dict:
    return {row[0]: row[1:] for row in found.rows}


def test_time_three_stays_of_known_length_give_median_and_90th_percentile(admin, cfsn, facilitator):
    for days in (2, 4, 10):
        resolved_after(cfsn, facilitator, days)
    with time_machine.travel(BASE, tick=False):
        between = PracticeIssueFactory(origin_forum=cfsn)
    with time_machine.travel(BASE + dt.timedelta(days=3), tick=False):
        routing.decide_out_of_session(
            between,
            forum=cfsn,
            outcome=Outcome.RESOLVED,
            reason="The fix could not wait for the meeting.",
            note="Agreed by email.",
            by=facilitator,
        )

    found = metric(admin, PERIOD, "time")

    # percentile_cont: 4 + 0.8 * (10 - 4) = 8.8 for the 90th percentile.
    assert rows_by_label(found)["Days at the Regional CFSN meeting"] == (3, 4.0, 8.8, 1, 3.0)
    assert rows_by_label(found)["Days at the State-wide Practitioner Forum"] == (
        0,
        None,
        None,
        0,
        None,
    )


def test_time_stays_ending_outside_the_period_are_not_counted(admin, cfsn, facilitator):
    resolved_after(cfsn, facilitator, 5)

    found = metric(
        admin, InsightFilters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)), "time"
    )

    assert rows_by_label(found)["Days at the Regional CFSN meeting"][:3] == (0, None, None)


def test_flow_counts_resolutions_in_the_month_they_happened(admin, cfsn, facilitator):
    resolved_after(cfsn, facilitator, 2)
    resolved_after(cfsn, facilitator, 30)
    resolved_after(cfsn, facilitator, 35)

    found = metric(admin, PERIOD, "flow")

    resolved = {row[0]: row[2] for row in found.rows}
    assert found.columns[2] == "Resolved locally"
    assert len(found.rows) == 12
    assert resolved[dt.date(2025, 3, 1)] == 1
    assert resolved[dt.date(2025, 4, 1)] == 2
    assert sum(resolved.values()) == 3


def test_heatmap_issues_counts_each_issue_once_in_each_area(admin):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    safety, housing = PracticeAreaFactory(name="Safety"), PracticeAreaFactory(name="Housing")
    north_cfsn, south_cfsn = ForumFactory(region=north), ForumFactory(region=south)
    with time_machine.travel(BASE, tick=False):
        for areas, forum in (
            ([safety], north_cfsn),
            ([safety], north_cfsn),
            ([safety, housing], north_cfsn),
            ([housing], south_cfsn),
        ):
            PracticeIssueFactory(origin_forum=forum).practice_areas.set(areas)

    found = metric(admin, PERIOD, "heatmap-issues")

    housing_at, safety_at = found.columns.index("Housing"), found.columns.index("Safety")
    grid = {row[0]: (row[safety_at], row[housing_at]) for row in found.rows}
    assert grid["North"] == (3, 1)
    assert grid["South"] == (0, 1)


def test_heatmap_endorsements_go_by_the_endorsers_region(admin):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    safety = PracticeAreaFactory(name="Safety")
    with time_machine.travel(BASE, tick=False):
        issue = PracticeIssueFactory(origin_forum=ForumFactory(region=north))
        issue.practice_areas.set([safety])
        EndorsementFactory(issue=issue, user=UserFactory(region=south))
        EndorsementFactory(issue=issue, user=UserFactory(region=south))
        EndorsementFactory(issue=issue, user=UserFactory(region=north))

    found = metric(admin, PERIOD, "heatmap-endorsements")

    at = found.columns.index("Safety")
    grid = {row[0]: row[at] for row in found.rows}
    assert (grid["North"], grid["South"]) == (1, 2)


def test_closure_rate_by_region_is_the_share_resolved_or_closed(admin):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    north_cfsn, south_cfsn = ForumFactory(region=north), ForumFactory(region=south)
    with time_machine.travel(BASE, tick=False):
        for status in (
            IssueStatus.RESOLVED,
            IssueStatus.CLOSED,
            IssueStatus.QUEUED,
            IssueStatus.DECLINED,
        ):
            PracticeIssueFactory(origin_forum=north_cfsn, status=status)
        PracticeIssueFactory(origin_forum=south_cfsn)

    found = metric(admin, PERIOD, "closure")

    assert rows_by_label(found) == {
        "North": (4, 1, 1, 1, 1, 50),
        "South": (1, 0, 0, 0, 1, 0),
    }


def test_queues_warn_of_waiting_escalations_with_no_meeting_scheduled(admin):
    strategic = StrategicForumFactory()
    with time_machine.travel(BASE, tick=False):
        issue = PracticeIssueFactory(current_forum=strategic, referral=False)
        Referral.objects.create(issue=issue, forum=strategic, auto_place=True)

    found = metric(admin, PERIOD, "queues")

    assert rows_by_label(found)["Strategic Leadership Forum"][1:4] == (
        1,
        1,
        (timezone.localdate() - BASE.date()).days,
    )
    assert found.notes == (
        "Strategic Leadership Forum has 1 escalation waiting and no meeting scheduled.",
    )


def test_voice_shares_issues_by_sector_of_who_raised_them(admin):
    north = RegionFactory(name="North")
    cfsn = ForumFactory(region=north)
    government = OrganisationFactory(sector=Sector.GOVERNMENT)
    acco = OrganisationFactory(sector=Sector.ACCO)
    with time_machine.travel(BASE, tick=False):
        for organisation in (government, acco, acco, acco):
            PracticeIssueFactory(
                origin_forum=cfsn, raised_by=UserFactory(organisation=organisation)
            )

    found = metric(admin, PERIOD, "voice-issues")

    assert rows_by_label(found)["North"] == (25, 0, 75, 0, 4)


def test_clusters_group_similar_issues_from_two_regions_and_hide_restricted_titles(cfsn):
    housing = PracticeAreaFactory(name="Housing")
    executive = MembershipFactory(forum=StrategicForumFactory(), role=MembershipRole.CHAIR).user
    with time_machine.travel(BASE, tick=False):
        seen = PracticeIssueFactory(origin_forum=cfsn, title="Young people leaving care homeless")
        hidden = PracticeIssueFactory(
            origin_forum=ForumFactory(),
            title="Young people leave care with no home",
            restricted=True,
        )
        alone = PracticeIssueFactory(origin_forum=ForumFactory(), title="Young people leave care")
        for issue in (seen, hidden, alone):
            issue.practice_areas.set([housing] if issue != alone else [PracticeAreaFactory()])

    found = metric(executive, PERIOD, "clusters")

    assert {row[1] for row in found.rows} == {
        f"{seen.reference}: Young people leaving care homeless",
        hidden.reference,
    }
    assert {row[0] for row in found.rows} == {1}
    links = {link[1] for link in found.links}
    assert links == {seen.get_absolute_url(), None}
    assert ">Group 1, 2 regions</text>" in render_chart(found)


def test_filters_by_region_count_only_that_regions_issues(admin):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    with time_machine.travel(BASE, tick=False):
        PracticeIssueFactory(origin_forum=ForumFactory(region=north))
        PracticeIssueFactory(origin_forum=ForumFactory(region=south))

    found = metric(
        admin, InsightFilters(start=PERIOD.start, end=PERIOD.end, region=north), "closure"
    )

    assert [row[0] for row in found.rows] == ["North"]


def test_carry_overs_count_items_carried_twice_or_more_at_one_forum(cfsn, facilitator, admin):
    with time_machine.travel(BASE, tick=False):
        meetings = [
            MeetingFactory(
                forum=cfsn,
                start=BASE + dt.timedelta(days=7 * week),
                end=BASE + dt.timedelta(days=7 * week, hours=2),
            )
            for week in (1, 2, 3)
        ]
        twice = PracticeIssueFactory(origin_forum=cfsn)
        once = PracticeIssueFactory(origin_forum=cfsn)
        routing.place_on_agenda(twice, meeting=meetings[0], by=facilitator)
        routing.place_on_agenda(once, meeting=meetings[1], by=facilitator)
        routing.carry_over_unfinished(meetings[0])
        routing.carry_over_unfinished(meetings[1])

    found = metric(admin, PERIOD, "carry-overs")

    assert found.rows == ((cfsn.name, 1, 2),)


def test_carry_overs_with_a_tier_chosen_count_only_that_tiers_forums(cfsn, facilitator, admin):
    statewide = StatewideForumFactory()
    with time_machine.travel(BASE, tick=False):
        meetings = [
            MeetingFactory(
                forum=cfsn,
                start=BASE + dt.timedelta(days=7 * week),
                end=BASE + dt.timedelta(days=7 * week, hours=2),
            )
            for week in (1, 2, 3)
        ]
        issue = PracticeIssueFactory(origin_forum=cfsn)
        routing.place_on_agenda(issue, meeting=meetings[0], by=facilitator)
    for held in meetings[:2]:
        with time_machine.travel(held.end + dt.timedelta(hours=1), tick=False):
            routing.carry_over_unfinished(held)
    # Reached at the third meeting and escalated there, so it passed through both tiers.
    with time_machine.travel(meetings[2].start + dt.timedelta(minutes=30), tick=False):
        item = Referral.objects.get(issue=issue, forum=cfsn).agenda_item
        routing.escalate_issue(
            issue,
            by=facilitator,
            summary="Waiting lists grow in every region.",
            rationale="Needs state-wide guidance.",
            agenda_item=item,
        )
    assert Referral.objects.filter(issue=issue, forum=statewide).exists()

    def carried(tier: str) -> tuple:
        filters = InsightFilters(start=PERIOD.start, end=PERIOD.end, tier=tier)
        return metric(admin, filters, "carry-overs").rows

    assert carried("regional") == ((cfsn.name, 1, 2),)
    assert carried("statewide") == ()


# --- Cached figures ------------------------------------------------------------------------


def raised_in(forum) -> None:
    issue_services.raise_issue(
        by=UserFactory(),
        title="Respite beds close over the holidays",
        description="Families lose respite for six weeks every summer.",
        practice_areas=[PracticeAreaFactory()],
        forum=forum,
        attested=True,
    )


def closure_raised(found) -> int:
    return next(m for m in found.metrics if m.slug == "closure").rows[0][1]


def test_figures_are_reused_for_the_same_filters_until_they_expire(admin, cfsn, settings):
    settings.INSIGHTS_CACHE_SECONDS = 300
    with time_machine.travel(BASE, tick=False):
        PracticeIssueFactory(origin_forum=cfsn)
        first = figures(admin, PERIOD)
    # Written without going through the loop's services, so no event tells insights.
    PracticeIssueFactory(origin_forum=cfsn, submitted_at=BASE)

    with time_machine.travel(BASE + dt.timedelta(minutes=4), tick=False):
        reused = figures(admin, PERIOD)
    with time_machine.travel(BASE + dt.timedelta(minutes=6), tick=False):
        expired = figures(admin, PERIOD)

    assert (closure_raised(first), first.as_of) == (1, BASE)
    assert (closure_raised(reused), reused.as_of) == (1, BASE)
    assert (closure_raised(expired), expired.as_of) == (2, BASE + dt.timedelta(minutes=6))


def test_figures_change_to_the_loop_is_counted_at_once(admin, cfsn):
    with time_machine.travel(BASE, tick=False):
        raised_in(cfsn)
        before = figures(admin, PERIOD)
    with time_machine.travel(BASE + dt.timedelta(minutes=1), tick=False):
        raised_in(cfsn)
        after = figures(admin, PERIOD)

    assert closure_raised(before) == 1
    assert (closure_raised(after), after.as_of) == (2, BASE + dt.timedelta(minutes=1))


def test_figures_with_caching_off_are_computed_on_every_call(admin, cfsn, settings):
    settings.INSIGHTS_CACHE_SECONDS = 0
    with time_machine.travel(BASE, tick=False):
        PracticeIssueFactory(origin_forum=cfsn)
        figures(admin, PERIOD)
    PracticeIssueFactory(origin_forum=cfsn, submitted_at=BASE)

    assert closure_raised(figures(admin, PERIOD)) == 2


def test_figures_restricted_title_one_reader_saw_is_not_shown_to_another(admin, cfsn):
    housing = PracticeAreaFactory(name="Housing")
    executive = MembershipFactory(forum=StrategicForumFactory(), role=MembershipRole.CHAIR).user
    with time_machine.travel(BASE, tick=False):
        seen = PracticeIssueFactory(origin_forum=cfsn, title="Young people leaving care homeless")
        hidden = PracticeIssueFactory(
            origin_forum=ForumFactory(),
            title="Young people leave care with no home",
            restricted=True,
        )
        for issue in (seen, hidden):
            issue.practice_areas.set([housing])

    by_admin = next(m for m in figures(admin, PERIOD).metrics if m.slug == "clusters")
    by_executive = next(m for m in figures(executive, PERIOD).metrics if m.slug == "clusters")

    assert f"{hidden.reference}: Young people leave care with no home" in {
        row[1] for row in by_admin.rows
    }
    assert {row[1] for row in by_executive.rows} == {
        f"{seen.reference}: Young people leaving care homeless",
        hidden.reference,
    }


def test_metric_after_the_page_comes_from_its_cached_figures(
    admin, cfsn, django_assert_num_queries
):
    with time_machine.travel(BASE, tick=False):
        PracticeIssueFactory(origin_forum=cfsn)
    page = figures(admin, PERIOD)

    # The data version only.
    with django_assert_num_queries(1):
        found = metric(admin, PERIOD, "closure")

    assert found == next(m for m in page.metrics if m.slug == "closure")
