"""The "State of the loop" PDF, and attaching it to a Strategic meeting as a paper."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from forums.choices import ForumEventKind, MeetingStatus, MembershipRole, ResourceKind
from forums.models import ForumEvent, Resource
from insights.charts import render_chart
from insights.choices import ExportStatus
from insights.models import Export
from insights.report import report_document, report_html
from insights.selectors import InsightFilters, loop_health
from tests.factories.feedback import EndorsementFactory, PracticeIssueFactory
from tests.factories.forums import (
    ForumFactory,
    LearningSessionFactory,
    MeetingFactory,
    MembershipFactory,
    StatewideForumFactory,
    StrategicForumFactory,
)
from tests.factories.members import PracticeAreaFactory, RegionFactory, UserFactory

PERIOD = {"start": "2025-01-01", "end": "2025-06-30"}
PERIOD_LABEL = "1 January 2025 to 30 June 2025"


@pytest.fixture
def strategic(db):
    return StrategicForumFactory()


@pytest.fixture
def executive(strategic):
    return MembershipFactory(forum=strategic, role=MembershipRole.CHAIR).user


@pytest.fixture
def north(db):
    return ForumFactory(region=RegionFactory(name="Northern", slug="northern"), slug="north")


@pytest.fixture
def issues(north):
    """Two issues raised in the period, one endorsed."""
    raised = dt.datetime(2025, 3, 3, 10, tzinfo=dt.UTC)
    first = PracticeIssueFactory(origin_forum=north, submitted_at=raised)
    PracticeIssueFactory(origin_forum=north, submitted_at=raised)
    EndorsementFactory(issue=first)
    return north


def ask_for_report(client, user, query=PERIOD):
    client.force_login(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("insights:export"), {"kind": "report", "file_format": "pdf", **query}
        )


def test_report_pdf_is_prepared_and_downloads_for_the_chosen_period(client, executive, issues):
    asked = ask_for_report(client, executive)
    export = Export.objects.get()
    response = client.get(export.get_absolute_url())

    assert asked["Location"] == reverse("insights:downloads")
    assert export.title == f"State of the loop, {PERIOD_LABEL}"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="state-of-the-loop-2025-01-01-2025-06-30.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_report_first_page_names_the_period_and_the_filters(executive, issues):
    filters = InsightFilters(
        start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30), region=issues.region, sector="acco"
    )

    html = report_html(executive, filters)

    cover = html[: html.index('<section class="metric">')]
    assert PERIOD_LABEL in cover
    for label, value in [
        ("Region", "Northern"),
        ("Sector", "Aboriginal community-controlled"),
        ("Forum passed through", "Any forum"),
        ("Practice area", "Any practice area"),
    ]:
        assert f'<th scope="row">{label}</th><td>{value}</td>' in cover


def test_report_holds_every_metric_with_the_pages_chart(executive, issues):
    filters = InsightFilters(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30))
    metrics = loop_health(executive, filters)

    html = report_html(executive, filters)

    for metric in metrics:
        assert f"<h2>{metric.title}</h2>" in html
        if metric.rows:
            assert str(render_chart(metric)) in html
    assert html.count('<section class="metric">') == len(metrics) == 11
    assert html.count("<svg") == len([m for m in metrics if m.rows and render_chart(m)]) > 0


def test_report_lays_out_a_cover_and_a_page_per_metric(executive, issues):
    filters = InsightFilters(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30))

    document = report_document(executive, filters)

    assert len(document.pages) >= 1 + len(loop_health(executive, filters))
    assert document.write_pdf().startswith(b"%PDF")


def test_report_fetches_nothing_from_outside(executive, issues):
    filters = InsightFilters(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30))

    html = report_html(executive, filters)

    assert re.findall(r'(?:src|href)="(?!#)[^"]*"', html) == []
    assert "@import" not in html
    assert "url(http" not in html


@pytest.mark.parametrize("role", [MembershipRole.MEMBER, MembershipRole.FACILITATOR])
def test_report_is_refused_to_those_who_do_not_see_the_whole_loop(client, north, role):
    response = ask_for_report(client, MembershipFactory(forum=north, role=role).user)

    assert response.status_code == 403
    assert Export.objects.count() == 0


# --- Attaching it to a Strategic meeting ------------------------------------------------


@pytest.fixture
def coming(strategic):
    return MeetingFactory(forum=strategic, title="Strategic Leadership Forum, August")


def attach(client, user, meeting_pk, query=PERIOD):
    client.force_login(user)
    url = reverse("insights:report-attach") + "?start={start}&end={end}".format(**query)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {"meeting": meeting_pk})


def test_attaching_the_report_adds_one_paper_to_the_meeting_with_its_event(
    client, executive, coming, issues, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    response = attach(client, executive, coming.pk)

    assert response.status_code == 302
    assert response["Location"] == reverse("insights:downloads")
    export = Export.objects.get()
    assert (export.attach_to, export.status) == (coming, ExportStatus.READY)
    paper = Resource.objects.get()
    assert (paper.forum, paper.meeting, paper.kind, paper.added_by) == (
        coming.forum,
        coming,
        ResourceKind.FILE,
        executive,
    )
    assert paper.title == f"State of the loop, {PERIOD_LABEL}"
    assert paper.file.name.endswith("/state-of-the-loop-2025-01-01-2025-06-30.pdf")
    assert paper.file.open("rb").read(5) == b"%PDF-"
    events = ForumEvent.objects.filter(kind=ForumEventKind.RESOURCE_ADDED)
    assert list(events.values_list("meeting", "actor", "note")) == [
        (coming.pk, executive.pk, paper.title)
    ]


def test_attach_page_offers_only_coming_strategic_meetings_not_cancelled(
    client, executive, coming, strategic, north
):
    draft = MeetingFactory(forum=strategic, status=MeetingStatus.DRAFT, title="Draft strategic")
    MeetingFactory(forum=strategic, status=MeetingStatus.CANCELLED, title="Called off")
    held = timezone.now() - dt.timedelta(days=20)
    MeetingFactory(
        forum=strategic,
        title="Held in spring",
        start=held,
        end=held + dt.timedelta(hours=2),
        status=MeetingStatus.COMPLETED,
    )
    MeetingFactory(forum=north, title="Regional meeting")
    client.force_login(executive)

    response = client.get(reverse("insights:report-attach"), PERIOD)

    offered = list(response.context["form"].fields["meeting"].queryset)
    assert sorted(m.pk for m in offered) == sorted([coming.pk, draft.pk])
    assert PERIOD_LABEL in response.content.decode()


def test_attaching_to_a_cancelled_meeting_is_refused_and_adds_nothing(
    client, executive, strategic, coming
):
    cancelled = MeetingFactory(forum=strategic, status=MeetingStatus.CANCELLED)

    response = attach(client, executive, cancelled.pk)

    assert response.status_code == 200
    assert response.context["form"].errors["meeting"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Resource.objects.count() == 0


def test_attach_page_offers_no_meeting_under_way_nor_learning_session_and_refuses_them(
    client, executive, strategic, coming
):
    soon = timezone.now() + dt.timedelta(hours=1)
    under_way = MeetingFactory(
        forum=strategic, title="Starts in an hour", start=soon, end=soon + dt.timedelta(hours=2)
    )
    session = LearningSessionFactory(forum=strategic, title="Co-design workshop")

    with time_machine.travel(soon + dt.timedelta(minutes=30)):
        client.force_login(executive)
        page = client.get(reverse("insights:report-attach"), PERIOD)
        refused = [attach(client, executive, meeting.pk) for meeting in (under_way, session)]

    assert list(page.context["form"].fields["meeting"].queryset) == [coming]
    for response in refused:
        assert response.status_code == 200
        assert response.context["form"].errors["meeting"] == [
            "Select a valid choice. That choice is not one of the available choices."
        ]
    assert (Export.objects.count(), Resource.objects.count()) == (0, 0)


def test_attaching_is_refused_to_those_who_do_not_run_the_strategic_forum(client, coming, north):
    statewide_chair = MembershipFactory(
        forum=StatewideForumFactory(), role=MembershipRole.CHAIR
    ).user
    observer = MembershipFactory(forum=coming.forum, role=MembershipRole.OBSERVER).user
    facilitator = MembershipFactory(forum=north, role=MembershipRole.FACILITATOR).user

    statuses = [
        attach(client, user, coming.pk).status_code
        for user in (statewide_chair, observer, facilitator)
    ]

    assert statuses == [403, 403, 403]
    assert Resource.objects.count() == 0


def test_attach_button_shows_only_to_those_who_may_attach(client, executive, coming):
    statewide_chair = MembershipFactory(
        forum=StatewideForumFactory(), role=MembershipRole.CHAIR
    ).user
    button = "Attach it to a Strategic meeting as a paper"

    client.force_login(executive)
    for_executive = client.get(reverse("insights:loop-health")).content.decode()
    client.force_login(statewide_chair)
    for_chair = client.get(reverse("insights:loop-health")).content.decode()

    assert (button in for_executive, button in for_chair) == (True, False)
    assert "Prepare the report (PDF)" in for_chair


def test_report_names_a_restricted_issue_by_reference_only_even_to_a_reader_who_may_see_it(
    north,
):
    admin = UserFactory(is_staff=True, is_superuser=True)
    housing = PracticeAreaFactory(name="Housing")
    raised = dt.datetime(2025, 3, 3, 10, tzinfo=dt.UTC)
    seen = PracticeIssueFactory(
        origin_forum=north, submitted_at=raised, title="Young people leaving care homeless"
    )
    hidden = PracticeIssueFactory(
        origin_forum=ForumFactory(region=RegionFactory()),
        submitted_at=raised,
        title="Young people leave care with no home",
        restricted=True,
    )
    for issue in (seen, hidden):
        issue.practice_areas.set([housing])
    filters = InsightFilters(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30))
    clusters = next(m for m in loop_health(admin, filters) if m.slug == "clusters")

    html = report_html(admin, filters)

    assert f"{hidden.reference}: Young people leave care with no home" in {
        row[1] for row in clusters.rows
    }
    assert f"{seen.reference}: Young people leaving care homeless" in html
    assert "Young people leave care with no home" not in html
    assert f"<td>{hidden.reference}</td>" in html
