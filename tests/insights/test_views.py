"""Who sees insights, the page and its CSVs, and a query count that does not grow."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse

from feedback.services import routing
from forums.choices import MembershipRole
from insights.selectors import InsightFilters, metric
from tests.factories.feedback import EndorsementFactory, PracticeIssueFactory
from tests.factories.forums import (
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StatewideForumFactory,
    StrategicForumFactory,
)
from tests.factories.members import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

LOOP = reverse("insights:loop-health")


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.MFA_REQUIRED = False


@pytest.fixture
def cfsn():
    return ForumFactory(name="Northern CFSN", slug="northern-cfsn")


def member(forum, role):
    return MembershipFactory(forum=forum, role=role).user


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "who",
    ["executive", "administrator", "statewide_chair"],
)
def test_loop_health_those_who_see_the_whole_loop_get_the_page_and_the_nav_link(client, who):
    user = {
        "executive": lambda: member(StrategicForumFactory(), MembershipRole.EXECUTIVE),
        "administrator": lambda: UserFactory(is_superuser=True, is_staff=True),
        "statewide_chair": lambda: member(StatewideForumFactory(), MembershipRole.CHAIR),
    }[who]()

    response = signed_in(client, user).get(LOOP)

    assert response.status_code == 200
    assert f'href="{LOOP}" aria-current="page">Insights</a>' in response.content.decode()
    assert "Flow per month" in response.content.decode()


def test_loop_health_facilitator_is_sent_to_their_own_forums_view(client, cfsn):
    facilitator = member(cfsn, MembershipRole.FACILITATOR)

    response = signed_in(client, facilitator).get(LOOP)

    assert response.status_code == 302
    assert response["Location"] == reverse("insights:forum-insights", args=[cfsn.slug])


def test_forum_insights_facilitator_sees_own_forum_and_not_another(client, cfsn):
    facilitator = member(cfsn, MembershipRole.FACILITATOR)
    other = ForumFactory()
    signed_in(client, facilitator)

    own = client.get(reverse("insights:forum-insights", args=[cfsn.slug]))
    theirs = client.get(reverse("insights:forum-insights", args=[other.slug]))

    assert own.status_code == 200
    assert "Insights: Northern CFSN" in own.content.decode()
    assert theirs.status_code == 403


@pytest.mark.parametrize("role", [MembershipRole.MEMBER, MembershipRole.OBSERVER])
def test_loop_health_practitioner_or_observer_is_refused_and_not_offered_it(client, cfsn, role):
    user = member(cfsn if role == MembershipRole.MEMBER else StrategicForumFactory(), role)
    signed_in(client, user)

    page = client.get(LOOP)
    csv_file = client.get(reverse("insights:metric-csv", args=["flow"]))
    home = client.get(reverse("home"))

    assert page.status_code == 403
    assert csv_file.status_code == 403
    assert ">Insights</a>" not in home.content.decode()


def test_loop_health_anonymous_is_sent_to_sign_in(client):
    response = client.get(LOOP)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_metric_csv_has_the_tables_rows_under_its_header(client, cfsn):
    admin = UserFactory(is_superuser=True, is_staff=True)
    for _ in range(3):
        PracticeIssueFactory(origin_forum=cfsn)

    response = signed_in(client, admin).get(
        reverse("insights:metric-csv", args=["closure"]), {"region": cfsn.region.pk}
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows == [
        [
            "Region",
            "Raised",
            "Resolved",
            "Loop closed",
            "Declined",
            "Still open",
            "Closure rate (%)",
        ],
        [cfsn.region.name, "3", "0", "0", "0", "3", "0"],
    ]


def test_metric_csv_neutralises_a_name_that_looks_like_a_formula(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    forum = ForumFactory(region=RegionFactory(name="=HYPERLINK(1)"))
    PracticeIssueFactory(origin_forum=forum)

    response = signed_in(client, admin).get(reverse("insights:metric-csv", args=["closure"]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_metric_csv_unknown_figure_is_not_found(client):
    admin = UserFactory(is_superuser=True, is_staff=True)

    response = signed_in(client, admin).get(reverse("insights:metric-csv", args=["nothing"]))

    assert response.status_code == 404


def test_loop_health_bad_period_is_explained_next_to_the_field_and_kept(client):
    admin = UserFactory(is_superuser=True, is_staff=True)

    response = signed_in(client, admin).get(LOOP, {"start": "2025-06-01", "end": "2025-01-01"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "The period must end on or after the day it starts." in html
    assert 'value="2025-06-01"' in html


TOO_LATE = (
    "Choose a day on or before 3 March 2026, a year from today: nothing is recorded ahead of time."
)
TOO_EARLY = "Choose a day on or after 1 January 2000: the portal holds nothing older."
TODAY = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [("9999-12-01", "9999-12-31", TOO_LATE), ("0001-01-01", "0001-01-31", TOO_EARLY)],
)
def test_loop_health_day_out_of_reach_is_explained_next_to_the_field_and_kept(
    client, start, end, message
):
    executive = member(StrategicForumFactory(), MembershipRole.EXECUTIVE)
    signed_in(client, executive)

    with time_machine.travel(TODAY, tick=False):
        response = client.get(LOOP, {"start": start, "end": end})

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["filter_form"].errors == {"start": [message], "end": [message]}
    assert html.count(message) == 2
    assert f'value="{start}"' in html
    assert f'value="{end}"' in html
    assert "The whole feedback loop, 1 April 2024 to 3 March 2025." in html


@pytest.mark.parametrize("period", [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31")])
def test_forum_insights_and_csvs_read_a_day_out_of_reach_as_the_default_period(
    client, cfsn, period
):
    facilitator = member(cfsn, MembershipRole.FACILITATOR)
    executive = member(StrategicForumFactory(), MembershipRole.EXECUTIVE)
    query = {"start": period[0], "end": period[1]}

    with time_machine.travel(TODAY, tick=False):
        page = signed_in(client, facilitator).get(
            reverse("insights:forum-insights", args=[cfsn.slug]), query
        )
        forum_csv = client.get(
            reverse("insights:forum-metric-csv", args=[cfsn.slug, "flow"]), query
        )
        loop_csv = signed_in(client, executive).get(
            reverse("insights:metric-csv", args=["flow"]), query
        )

    assert page.status_code == 200
    assert set(page.context["filter_form"].errors) == {"start", "end"}
    for response in (forum_csv, loop_csv):
        assert response.status_code == 200
        assert (
            response["Content-Disposition"] == 'attachment; filename="flow-20240401-20250303.csv"'
        )


def busy_loop(cfsn, n: int) -> None:
    """n issues at the CFSN, each endorsed, half of them on a meeting's agenda."""
    facilitator = member(cfsn, MembershipRole.FACILITATOR)
    meeting = MeetingFactory(forum=cfsn)
    for i in range(n):
        issue = PracticeIssueFactory(origin_forum=cfsn, title=f"Waiting lists grow {i}")
        EndorsementFactory(issue=issue)
        if i % 2:
            routing.place_on_agenda(issue, meeting=meeting, by=facilitator)


@pytest.mark.parametrize("n", [2, 20])
def test_loop_health_query_count_does_not_grow_with_the_data(
    client, cfsn, django_assert_num_queries, n
):
    StrategicForumFactory()
    admin = UserFactory(is_superuser=True, is_staff=True)
    busy_loop(cfsn, n)
    signed_in(client, admin)

    # Session, user (with their unread count), memberships, practice areas led; forum,
    # region and area choices of the form; 15 figures; the forums list; three register
    # counts and the Strategic forums the report may be attached to. The data version is
    # read from the cache.
    with django_assert_num_queries(27):
        cold = client.get(LOOP)
    # Session, user, memberships; with the data version unchanged, the figures, their
    # tables, the filter form, the forums list, the register counts and what the menu shows
    # come from the cache.
    with django_assert_num_queries(3):
        warm = client.get(LOOP)

    assert cold.status_code == warm.status_code == 200
    # The same page, but for the forms' CSRF tokens, masked afresh for each response.
    assert without_tokens(warm.content) == without_tokens(cold.content)


def without_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_forum_insights_figures_count_only_issues_that_passed_through_the_forum(cfsn):
    admin = UserFactory(is_superuser=True, is_staff=True)
    PracticeIssueFactory(origin_forum=cfsn)
    PracticeIssueFactory(origin_forum=ForumFactory())
    start, end = InsightFilters.default().start, InsightFilters.default().end

    found = metric(admin, InsightFilters(start=start, end=end, forum=cfsn), "closure")

    assert [row[0] for row in found.rows] == [cfsn.region.name]


def test_loop_health_says_when_its_figures_were_computed(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    signed_in(client, admin)
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC), tick=False):
        client.get(LOOP)
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, 2, tzinfo=dt.UTC), tick=False):
        page = client.get(LOOP).content.decode()

    # 10:00 UTC is 8:30 pm in Adelaide; the figures computed then are shown two minutes on.
    assert "Figures as of 3 March 2025, 8:30 p.m." in page


def test_loop_health_register_count_kept_for_one_reader_is_not_shown_to_another(client, cfsn):
    admin = UserFactory(is_superuser=True, is_staff=True)
    executive = member(StrategicForumFactory(), MembershipRole.EXECUTIVE)
    PracticeIssueFactory(origin_forum=cfsn)
    PracticeIssueFactory(origin_forum=cfsn, restricted=True)

    by_admin = signed_in(client, admin).get(LOOP).content.decode()
    by_executive = signed_in(client, executive).get(LOOP).content.decode()

    assert '<span data-register-total="issues">2</span>' in by_admin
    assert '<span data-register-total="issues">1</span>' in by_executive
