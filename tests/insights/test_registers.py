"""Registers of issues, actions and decisions: what each reader gets, as CSV and XLSX."""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from feedback.choices import IssueStatus
from feedback.models import Referral
from forums.choices import MembershipRole
from forums.models import Meeting
from forums.services.minutes import add_action_item, publish_minutes, record_minutes
from insights.models import Export
from insights.selectors import InsightFilters
from insights.services.asking import request_export
from insights.services.preparing import prepare_export
from tests.factories.feedback import PracticeIssueFactory, ResponseFactory
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StrategicForumFactory,
)
from tests.factories.members import PracticeAreaFactory, RegionFactory

FORMULA = '=HYPERLINK("https://example.org/x","Open me")'


@dataclass
class World:
    north: object
    south: object
    strategic: object
    executive: object
    north_facilitator: object
    south_facilitator: object
    practitioner: object
    formula_issue: object
    plain_issue: object
    restricted: object


def held_meeting(forum, **fields):
    """A meeting held last week whose minutes are published."""
    start = timezone.now() - dt.timedelta(days=7)
    return MeetingFactory(
        forum=forum,
        start=start,
        end=start + dt.timedelta(hours=2),
        minutes_published_at=start + dt.timedelta(days=1),
        **fields,
    )


def on_agenda(issue, meeting):
    item = AgendaItemFactory(meeting=meeting, title=f"Discuss {issue.title}")
    Referral.objects.filter(issue=issue).update(agenda_item=item)
    return item


@pytest.fixture
def world(db) -> World:
    north = ForumFactory(region=RegionFactory(name="Northern", slug="northern"), slug="north")
    south = ForumFactory(region=RegionFactory(name="Southern", slug="southern"), slug="south")
    strategic = StrategicForumFactory()
    executive = MembershipFactory(forum=strategic, role=MembershipRole.CHAIR).user
    north_facilitator = MembershipFactory(forum=north, role=MembershipRole.FACILITATOR).user
    south_facilitator = MembershipFactory(forum=south, role=MembershipRole.FACILITATOR).user
    practitioner = MembershipFactory(forum=north).user
    formula_issue = PracticeIssueFactory(origin_forum=north, title=FORMULA)
    plain_issue = PracticeIssueFactory(origin_forum=south, title="Intake forms repeat questions")
    restricted = PracticeIssueFactory(
        origin_forum=south, restricted=True, title="Secret restricted matter"
    )
    PracticeIssueFactory(
        origin_forum=north, status=IssueStatus.DRAFT, title="Unsent draft", referral=False
    )
    south_meeting = held_meeting(south, title="Southern CFSN July")
    item = on_agenda(restricted, south_meeting)
    DecisionFactory(agenda_item=item, text="Secret restricted decision wording")
    ActionItemFactory(meeting=south_meeting, agenda_item=item, title="Secret restricted follow-up")
    north_meeting = held_meeting(north, title="Northern CFSN July")
    north_item = on_agenda(formula_issue, north_meeting)
    DecisionFactory(agenda_item=north_item, text="Ask the state office for a shared form")
    ActionItemFactory(meeting=north_meeting, agenda_item=north_item, title="Draft the letter")
    return World(
        north,
        south,
        strategic,
        executive,
        north_facilitator,
        south_facilitator,
        practitioner,
        formula_issue,
        plain_issue,
        restricted,
    )


def download(client, user, kind, fmt="csv", *, forum=None, query=None):
    """Ask for a register as the page does, let the worker prepare it (in-process here), and
    download it from the downloads page: the download, or the refusal of the request."""
    client.force_login(user)
    if forum is None:
        url = reverse("insights:export")
    else:
        url = reverse("insights:forum-export", kwargs={"slug": forum.slug})
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(url, {"kind": kind, "file_format": fmt, **(query or {})})
    if asked.status_code != 302 or asked["Location"] != reverse("insights:downloads"):
        return asked
    export = Export.objects.filter(requested_by=user).first()
    return client.get(export.get_absolute_url())


def body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_issues_register_csv_lists_each_visible_issue_with_readable_columns(client, world):
    world.plain_issue.practice_areas.set(
        [PracticeAreaFactory(name="Housing"), PracticeAreaFactory(name="Family violence")]
    )

    rows = csv_rows(download(client, world.executive, "issues"))

    assert rows[0] == [
        "Reference",
        "Title",
        "Status",
        "Raised on",
        "Raised at",
        "Region",
        "Now at",
        "Practice areas",
        "Sector of who raised it",
        "Endorsements",
        "Restricted",
        "Response delivery",
        "Loop closed on",
    ]
    assert sorted(row[0] for row in rows[1:]) == sorted(
        [world.formula_issue.reference, world.plain_issue.reference]
    )
    plain = next(row for row in rows if row[0] == world.plain_issue.reference)
    assert plain[1:7] == [
        "Intake forms repeat questions",
        "Waiting for an agenda",
        timezone.localdate().isoformat(),
        world.south.name,
        "Southern",
        world.south.name,
    ]
    assert sorted(plain[7].split("; ")) == ["Family violence", "Housing"]
    assert plain[8:11] == ["Non-government", "0", "No"]


def test_issues_register_csv_neutralises_a_formula_like_title(client, world):
    rows = csv_rows(download(client, world.executive, "issues"))

    titles = [row[1] for row in rows if row[0] == world.formula_issue.reference]
    assert titles == ["'" + FORMULA]


def test_issues_register_xlsx_has_the_csv_rows_and_keeps_formulas_as_text(client, world):
    from_csv = csv_rows(download(client, world.executive, "issues"))
    from_xlsx = xlsx_rows(download(client, world.executive, "issues", "xlsx"))

    assert len(from_xlsx) == len(from_csv) == 3
    assert from_xlsx[0] == tuple(from_csv[0])
    assert [row[0] for row in from_xlsx[1:]] == [row[0] for row in from_csv[1:]]
    workbook = load_workbook(io.BytesIO(body(download(client, world.executive, "issues", "xlsx"))))
    title_cells = [row[1] for row in workbook.active.iter_rows(min_row=2)]
    formula_cell = next(cell for cell in title_cells if cell.value == FORMULA)
    assert formula_cell.data_type == "s"


def test_registers_never_show_a_restricted_issue_to_a_reader_who_may_not_see_it(client, world):
    for kind in ("issues", "actions", "decisions"):
        for fmt in ("csv", "xlsx"):
            prepared = body(download(client, world.executive, kind, fmt))
            assert b"Secret restricted" not in prepared, (kind, fmt)


def test_decisions_register_names_a_hidden_issue_by_its_reference_only(client, world):
    rows = csv_rows(download(client, world.executive, "decisions"))

    about_hidden = [row for row in rows if row[6] == world.restricted.reference]
    assert [row[3:5] + row[6:] for row in about_hidden] == [
        [
            "Withheld: about a restricted issue",
            "Withheld: about a restricted issue",
            world.restricted.reference,
            "",
        ]
    ]


def test_decisions_register_gives_readers_the_published_wording_and_keepers_the_draft(
    client, world
):
    meeting = Meeting.objects.get(title="Northern CFSN July")
    item = meeting.agenda_items.get()
    publish_minutes(meeting, by=world.north_facilitator)
    other = AgendaItemFactory(meeting=meeting, title="Funding")
    record_minutes(
        meeting,
        by=world.north_facilitator,
        notes={},
        decisions={item.pk: "DRAFT secret wording", other.pk: "A new draft decision"},
    )

    read = csv_rows(download(client, world.executive, "decisions"))
    kept = csv_rows(download(client, world.north_facilitator, "decisions", forum=world.north))

    read_texts = {row[4] for row in read[1:]}
    assert "Ask the state office for a shared form" in read_texts
    assert not read_texts & {"DRAFT secret wording", "A new draft decision"}
    assert {row[4] for row in kept[1:]} == {"DRAFT secret wording", "A new draft decision"}


def test_decisions_register_gives_a_strategic_executive_the_draft_they_keep(client, world):
    executive = MembershipFactory(forum=world.strategic, role=MembershipRole.EXECUTIVE).user
    meeting = held_meeting(world.strategic, title="Strategic July")
    item = AgendaItemFactory(meeting=meeting, title="Funding")
    publish_minutes(meeting, by=world.executive)
    record_minutes(meeting, by=world.executive, notes={}, decisions={item.pk: "Fund it"})

    rows = csv_rows(download(client, executive, "decisions"))

    assert "Fund it" in {row[4] for row in rows[1:]}


def test_actions_register_shows_a_restricted_issue_to_its_forums_facilitator(client, world):
    rows = csv_rows(download(client, world.south_facilitator, "actions", forum=world.south))

    assert [row[3:4] + row[8:] for row in rows[1:]] == [
        [
            "Secret restricted follow-up",
            world.restricted.reference,
            "Secret restricted matter",
        ]
    ]


def page_total(client, user, kind) -> int:
    client.force_login(user)
    page = client.get(reverse("insights:loop-health")).content.decode()
    return int(re.search(rf'data-register-total="{kind}">(\d+)<', page).group(1))


def test_actions_register_holds_actions_of_unpublished_minutes_only_for_the_forums_members(
    client, world
):
    start = timezone.now() - dt.timedelta(days=2)
    meeting = MeetingFactory(
        forum=world.north,
        title="Northern CFSN August",
        start=start,
        end=start + dt.timedelta(hours=2),
    )
    add_action_item(
        meeting,
        by=world.north_facilitator,
        title="Ring the housing office",
        owner=world.practitioner,
        due_date=timezone.localdate() + dt.timedelta(days=14),
    )
    member = MembershipFactory(forum=world.strategic, role=MembershipRole.EXECUTIVE).user
    MembershipFactory(forum=world.north, user=member)

    def titles(user, **forum) -> list[str]:
        return sorted(row[3] for row in csv_rows(download(client, user, "actions", **forum))[1:])

    before = titles(world.executive)
    before_total = page_total(client, world.executive, "actions")
    for_member = titles(member)
    for_keeper = titles(world.north_facilitator, forum=world.north)
    publish_minutes(meeting, by=world.north_facilitator)
    after = titles(world.executive)
    after_total = page_total(client, world.executive, "actions")

    published = ["Draft the letter", "Withheld: about a restricted issue"]
    assert (before, before_total) == (published, 2)
    assert for_member == sorted([*published, "Ring the housing office"])
    assert for_keeper == ["Draft the letter", "Ring the housing office"]
    assert (after, after_total) == (sorted([*published, "Ring the housing office"]), 3)


def test_facilitator_registers_hold_only_their_own_forum(client, world):
    issues = csv_rows(download(client, world.north_facilitator, "issues", forum=world.north))
    decisions = csv_rows(download(client, world.north_facilitator, "decisions", forum=world.north))

    assert [row[0] for row in issues[1:]] == [world.formula_issue.reference]
    assert [row[4] for row in decisions[1:]] == ["Ask the state office for a shared form"]


def test_facilitator_is_refused_the_whole_loop_and_other_forums_registers(client, world):
    whole = download(client, world.north_facilitator, "issues")
    other = download(client, world.north_facilitator, "issues", forum=world.south)

    assert (whole.status_code, other.status_code) == (403, 403)


def test_practitioner_is_refused_every_register(client, world):
    statuses = {
        download(client, world.practitioner, kind, fmt).status_code
        for kind in ("issues", "actions", "decisions")
        for fmt in ("csv", "xlsx")
    }
    forum = download(client, world.practitioner, "issues", forum=world.north).status_code

    assert (statuses, forum) == ({403}, 403)


def test_register_of_unknown_kind_or_format_is_refused_and_nothing_is_prepared(client, world):
    assert download(client, world.executive, "minutes").status_code == 400
    assert download(client, world.executive, "issues", "json").status_code == 400
    assert download(client, world.executive, "issues", "pdf")["Location"] == reverse(
        "insights:loop-health"
    )
    assert Export.objects.count() == 0


def test_registers_follow_the_region_filter(client, world):
    south = {"region": world.south.region.pk}

    issues = csv_rows(download(client, world.executive, "issues", query=south))
    actions = csv_rows(download(client, world.executive, "actions", query=south))

    assert [row[0] for row in issues[1:]] == [world.plain_issue.reference]
    assert [row[0] for row in actions[1:]] == [world.south.name]


def test_actions_register_includes_a_strategic_response_action_with_its_issue(client, world):
    ResponseFactory(
        issue=PracticeIssueFactory(
            origin_forum=world.north, status=IssueStatus.RESPONDED, title="Answered issue"
        ),
        owner=world.executive,
    )

    rows = csv_rows(download(client, world.executive, "actions", query={"tier": "strategic"}))

    assert [(row[0], row[9]) for row in rows[1:]] == [(world.strategic.name, "Answered issue")]


def test_page_shows_each_register_total_equal_to_its_csv_rows(client, world):
    client.force_login(world.executive)
    page = client.get(reverse("insights:loop-health")).content.decode()

    for kind in ("issues", "actions", "decisions"):
        total = re.search(rf'data-register-total="{kind}">(\d+)<', page)
        rows = csv_rows(download(client, world.executive, kind))
        assert total is not None, kind
        assert int(total.group(1)) == len(rows) - 1, kind


def add_rows(world, n):
    for i in range(n):
        issue = PracticeIssueFactory(origin_forum=world.north, title=f"Issue {i}")
        meeting = held_meeting(world.north, title=f"Meeting {i}")
        item = on_agenda(issue, meeting)
        DecisionFactory(agenda_item=item)
        ActionItemFactory(meeting=meeting, agenda_item=item)


# Preparing: the export claimed (read under lock, marked), in a savepoint's two statements;
# the reader's forum roles (for which meetings they may see); the register's one query,
# however many rows it writes; the export finished (read under lock, the reader's roles
# again, since they may have changed during the build, marked ready) and the notice (the
# person's choice of email for its kind, the notice itself), in two savepoints.
QUERIES = {"issues": 15, "actions": 15, "decisions": 15}


@pytest.mark.parametrize("kind", ["issues", "actions", "decisions"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_preparing_a_register_takes_the_same_queries_whatever_its_rows(
    world, django_assert_num_queries, kind, fmt
):
    lengths = []
    for n in (2, 12):
        add_rows(world, n)
        export = request_export(
            world.executive, kind=kind, file_format=fmt, filters=InsightFilters.default()
        )
        with django_assert_num_queries(QUERIES[kind]):
            prepare_export(export.pk)
        export.refresh_from_db()
        lengths.append(export.size)
    assert lengths[1] > lengths[0]
