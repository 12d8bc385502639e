import datetime as dt

import pytest
from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import F
from django.utils import timezone

from feedback.choices import IssueStatus
from feedback.models import PracticeIssue
from feedback.selectors import issues_visible_to, newest_found
from forums.choices import MembershipRole
from forums.models import Meeting
from forums.services.agenda import add_agenda_item, publish_agenda
from forums.services.learning import schedule_learning_session
from forums.services.minutes import publish_minutes, record_minutes
from search.selectors import (
    CONSULTATIONS,
    COUNT_CAP,
    ISSUES,
    KINDS,
    LIBRARY,
    MEETINGS,
    MINUTES,
    START,
    STOP,
    KindCount,
    PortalSearch,
    marked,
    plain_snippet,
    terms_of,
)
from tests.factories.feedback import PracticeIssueFactory, ReferralFactory
from tests.factories.forums import MeetingFactory, MembershipFactory
from tests.factories.members import UserFactory
from tests.factories.practice import GuidanceItemFactory

from .world import ROLES

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


def titles(user, kind: str, text: str = "kinship") -> list[str]:
    return [result.title for result in PortalSearch(user, text).results(kind, limit=50)]


# What each role finds for "kinship", kind by kind; everything else is out of their sight.
EVERY_ISSUE = {"Kinship carers wait months for respite", "Restricted kinship placement"}
PUBLIC_ISSUE = {"Kinship carers wait months for respite"}
EVERY_MEETING = {"March meeting", "Kinship draft meeting"}
PUBLISHED_MEETING = {"March meeting"}
EVERY_CONSULTATION = {"Kinship respite across the regions", "Kinship carers in the south"}
EXPECTED = {
    "practitioner": {
        ISSUES: EVERY_ISSUE,
        MEETINGS: PUBLISHED_MEETING,
        CONSULTATIONS: {"Kinship respite across the regions"},
    },
    "facilitator": {
        ISSUES: EVERY_ISSUE,
        MEETINGS: EVERY_MEETING,
        CONSULTATIONS: {"Kinship respite across the regions"},
    },
    "executive": {
        ISSUES: PUBLIC_ISSUE,
        MEETINGS: PUBLISHED_MEETING,
        CONSULTATIONS: EVERY_CONSULTATION,
    },
    "administrator": {
        ISSUES: EVERY_ISSUE,
        MEETINGS: EVERY_MEETING,
        CONSULTATIONS: EVERY_CONSULTATION,
    },
    "other_region": {
        ISSUES: PUBLIC_ISSUE,
        MEETINGS: PUBLISHED_MEETING,
        CONSULTATIONS: EVERY_CONSULTATION,
    },
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", [ISSUES, MEETINGS, CONSULTATIONS])
def test_results_by_role_are_only_what_the_role_may_see(search_world, role, kind):
    found = titles(search_world.people[role], kind)

    assert set(found) == EXPECTED[role][kind]
    assert len(found) == len(set(found))


@pytest.mark.parametrize("role", ROLES)
def test_minutes_by_role_are_only_published_minutes(search_world, role):
    found = titles(search_world.people[role], MINUTES)

    assert found == ["February meeting"]


@pytest.mark.parametrize("role", ROLES)
def test_minutes_changed_after_publishing_are_not_found_until_published_again(search_world, role):
    assert titles(search_world.people[role], MINUTES, "narwhal") == []


@pytest.mark.parametrize("role", ROLES)
def test_agenda_not_yet_published_is_not_found_by_its_items(search_world, role):
    user = search_world.people[role]

    assert titles(user, MEETINGS, "walrus") == []
    assert titles(user, MEETINGS, "April") == ["April meeting"]


@pytest.mark.django_db
def test_a_learning_session_is_found_by_what_it_covers_with_it_as_the_snippet():
    host = MembershipFactory(role=MembershipRole.FACILITATOR)
    day = timezone.localdate() + dt.timedelta(days=10)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    schedule_learning_session(
        host.forum,
        by=host.user,
        title="Working with interpreters",
        start=start,
        end=start + dt.timedelta(hours=1),
        capacity=20,
        online_link="https://meet.example.org/x",
        description="Booking, briefing and debriefing telephone interpreters.",
        publish=True,
    )
    [found] = PortalSearch(UserFactory(), "debriefing").results(MEETINGS)

    assert found.title == "Working with interpreters"
    assert "debriefing" in str(found.snippet).lower()


@pytest.mark.parametrize("role", ROLES)
def test_library_by_role_lists_superseded_version_last(search_world, role):
    found = [
        (result.title, result.badge)
        for result in PortalSearch(search_world.people[role], "kinship").results(LIBRARY)
    ]

    assert found == [
        ("Kinship care practice guide (2.0)", "Current"),
        ("Kinship care practice guide (1.0)", "Superseded"),
    ]


@pytest.mark.parametrize("role", ["executive", "administrator"])
def test_consultation_summary_not_published_is_never_matched(search_world, role):
    assert titles(search_world.people[role], CONSULTATIONS, "finding") == []


def test_restricted_issue_text_is_not_matched_for_those_who_may_not_see_it(search_world):
    outsider = search_world.people["other_region"]
    member = search_world.people["practitioner"]

    assert titles(outsider, ISSUES, "placement question") == []
    assert titles(member, ISSUES, "placement question") == ["Restricted kinship placement"]


def test_counts_by_role_match_the_results(search_world):
    counts = PortalSearch(search_world.people["practitioner"], "kinship").counts()

    assert counts == [
        KindCount(ISSUES, 2),
        KindCount(MEETINGS, 1),
        KindCount(MINUTES, 1),
        KindCount(LIBRARY, 2),
        KindCount(CONSULTATIONS, 1),
    ]


def test_result_links_to_the_record(search_world):
    practitioner = search_world.people["practitioner"]
    search = PortalSearch(practitioner, "kinship")
    february = Meeting.objects.get(title="February meeting")

    (minutes,) = search.results(MINUTES)

    assert minutes.url == f"/forums/meetings/{february.pk}/#minutes-heading"
    assert minutes.badge == "Minutes"
    assert minutes.note == "Northern CFSN"


def test_empty_query_finds_nothing_without_a_query(search_world, django_assert_num_queries):
    search = PortalSearch(search_world.people["administrator"], "   ")

    with django_assert_num_queries(0):
        counts = search.counts()
        found = [search.results(kind) for kind in KINDS]

    assert [count.count for count in counts] == [0] * 5
    assert found == [[]] * 5


def test_count_stops_after_the_cap(db, settings, monkeypatch):
    monkeypatch.setattr("search.selectors.COUNT_CAP", 3)
    PracticeIssueFactory.create_batch(5, title="Interpreter bookings")

    count = PortalSearch(UserFactory(), "interpreter").count(ISSUES)

    assert count.count == 4


def test_counts_of_every_kind_stop_after_the_cap_in_one_query(
    db, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("search.selectors.COUNT_CAP", 3)
    PracticeIssueFactory.create_batch(2, title="Interpreter bookings")
    GuidanceItemFactory.create_batch(5, title="Interpreter guide")
    search = PortalSearch(UserFactory(), "interpreter")

    # The reader's forums and the issues, then the other four kinds together.
    with django_assert_num_queries(3):
        counts = search.counts()

    assert [(count.kind, count.count, count.is_capped) for count in counts] == [
        (ISSUES, 2, False),
        (MEETINGS, 0, False),
        (MINUTES, 0, False),
        (LIBRARY, 4, True),
        (CONSULTATIONS, 0, False),
    ]


def test_issue_results_past_the_window_rank_only_the_newest_matches(db, monkeypatch):
    monkeypatch.setattr("search.selectors.RANK_WINDOW", 2)
    now = timezone.now()
    for days_ago, title in ((3, "Interpreter bookings"), (2, "Transport"), (1, "Housing")):
        issue = PracticeIssueFactory(title=title, description="Interpreter access is patchy.")
        issue.submitted_at = now - dt.timedelta(days=days_ago)
        issue.save(update_fields=["submitted_at"])
    search = PortalSearch(UserFactory(), "interpreter")

    found = [result.title for result in search.results(ISSUES)]

    # The oldest would rank first by its title; it is past the two newest matches.
    assert sorted(found) == ["Housing", "Transport"]
    assert search.count(ISSUES).count == 3
    assert search.count(ISSUES).rank_note == (
        "More than 2 practice issues match: the newest 2 are ranked. "
        "Add words to narrow the search."
    )


def _draft(by, title: str):
    return PracticeIssueFactory(
        title=title, raised_by=by, status=IssueStatus.DRAFT, submitted_at=None, referral=False
    )


@on_postgresql
@pytest.mark.parametrize("role", ROLES)
def test_postgresql_issue_window_holds_what_the_reader_may_see_drafts_then_newest(
    search_world, role
):
    """The issues' window is read in SQL of its own: it finds what the reader may see and
    the stored vector matches, in the issue list's order, ranked as SearchRank ranks."""
    reader = search_world.people[role]
    _draft(reader, "Kinship notes of my own")
    _draft(reader, "Kinship carers, a second draft")
    _draft(UserFactory(), "Kinship notes of someone else")
    PracticeIssueFactory(
        title="Kinship question kept in the south",
        raised_by=reader,
        origin_forum=search_world.south,
        restricted=True,
    )
    # Seen from the north, where it was raised, though it is now at the State-wide forum.
    escalated = PracticeIssueFactory(
        title="Kinship question escalated",
        origin_forum=search_world.north,
        current_forum=search_world.statewide,
        restricted=True,
    )
    ReferralFactory(issue=escalated, forum=search_world.north)
    # Submitted at the same moment: the newer key first.
    same_moment = PracticeIssueFactory.create_batch(2, title="Kinship at the same moment")
    PracticeIssue.objects.filter(pk__in=[issue.pk for issue in same_moment]).update(
        submitted_at=same_moment[0].submitted_at
    )
    # Neither the word nor the reader's drafts alone are enough.
    _draft(reader, "Respite notes of my own")
    PracticeIssueFactory(title="Respite waits", raised_by=reader)
    # A draft with a submission date, which no service writes: still its author's alone.
    PracticeIssueFactory(
        title="Kinship draft with a date",
        raised_by=reader,
        status=IssueStatus.DRAFT,
        referral=False,
    )
    query = PortalSearch(reader, "kinship").query
    expected = list(
        issues_visible_to(reader)
        .filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by(F("submitted_at").desc(nulls_first=True), "-id")
        .values_list("pk", "rank")
    )

    found = newest_found(reader, "kinship", 50)

    assert found == expected
    assert newest_found(reader, "kinship", 3) == expected[:3]
    titles = dict(PracticeIssue.objects.values_list("pk", "title"))
    drafts = ["Kinship carers, a second draft", "Kinship notes of my own"]
    if role == "administrator":
        drafts.insert(0, "Kinship notes of someone else")
    found_titles = [titles[pk] for pk, _rank in found]
    assert found_titles[: len(drafts)] == drafts
    assert "Kinship question kept in the south" in found_titles
    assert "Kinship draft with a date" in found_titles
    assert ("Kinship question escalated" in found_titles) == (
        role in ("practitioner", "facilitator", "administrator")
    )
    assert not any(title.startswith("Respite") for title in found_titles)
    assert ("Kinship notes of someone else" in found_titles) == (role == "administrator")


@on_postgresql
def test_postgresql_a_readers_own_draft_is_found_past_the_cap_and_no_one_elses(db, monkeypatch):
    monkeypatch.setattr("search.selectors.COUNT_CAP", 2)
    monkeypatch.setattr("search.selectors.RANK_WINDOW", 2)
    reader = UserFactory()
    _draft(reader, "Interpreter notes")
    _draft(UserFactory(), "Interpreter notes of someone else")
    PracticeIssueFactory.create_batch(3, title="Interpreter bookings")
    search = PortalSearch(reader, "interpreter")

    found = [result.title for result in search.results(ISSUES)]

    assert "Interpreter notes" in found
    assert "Interpreter notes of someone else" not in found
    assert search.count(ISSUES).count == 3


def test_kind_count_above_cap_is_shown_capped():
    count = KindCount(ISSUES, COUNT_CAP + 1)

    assert (count.is_capped, count.shown, count.pages) == (True, 200, 10)


def test_kind_count_pages_round_up():
    assert [KindCount(ISSUES, n).pages for n in (0, 1, 20, 21)] == [1, 1, 1, 2]


# --- Snippets: escaped first, then marked ------------------------------------------------


def test_marked_escapes_everything_but_the_marks():
    text = f"<script>alert(1)</script> {START}kinship{STOP} & carers"

    assert marked(text) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>kinship</mark> &amp; carers"
    )


def test_marked_drops_a_stray_marker():
    assert marked(f"a {START}b c{STOP}{STOP} d{START}") == "a <mark>b c</mark> d"


def test_plain_snippet_cuts_around_the_first_match_and_marks_every_term():
    text = ("word " * 100) + "the Kinship carers <b>wait</b> " + ("more " * 100)

    snippet = plain_snippet(text, ["kinship", "wait"])

    assert "the <mark>Kinship</mark> carers &lt;b&gt;<mark>wait</mark>&lt;/b&gt;" in snippet
    assert snippet.startswith("… word")
    assert snippet.endswith("more …")
    assert len(snippet) < 320


def test_plain_snippet_of_short_text_is_whole():
    assert plain_snippet("Kinship care", ["care"]) == "Kinship <mark>care</mark>"


def test_terms_of_are_the_words_and_phrases_to_find_not_those_left_out():
    assert terms_of('"kinship care" -respite kinship') == ["kinship care", "kinship"]


# --- The search syntax: the same answers with or without PostgreSQL's full-text search ---


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (ISSUES, "kinship -placement", ["Kinship carers wait months for respite"]),
        (ISSUES, "-placement", ["Kinship carers wait months for respite"]),
        (MEETINGS, "kinship -pilot", ["Kinship draft meeting"]),
        (MINUTES, "respite -department", []),
        (LIBRARY, "kinship -week", ["Kinship care practice guide (1.0)"]),
        (
            LIBRARY,
            "-placement",
            [
                "Kinship care practice guide (2.0)",
                "Kinship care practice guide (1.0)",
            ],
        ),
        (CONSULTATIONS, "kinship -south", ["Kinship respite across the regions"]),
    ],
)
def test_search_with_a_word_left_out_finds_only_what_lacks_it(search_world, kind, text, expected):
    assert titles(search_world.people["administrator"], kind, text) == expected


def test_search_with_a_quoted_phrase_finds_the_words_only_together(db):
    PracticeIssueFactory(
        title="Family group conference delays", description="Conferences are booked late."
    )
    PracticeIssueFactory(
        title="Group work with the family", description="Before a conference, meet them."
    )
    user = UserFactory()

    assert titles(user, ISSUES, '"family group conference"') == ["Family group conference delays"]
    assert sorted(titles(user, ISSUES, "family group conference")) == [
        "Family group conference delays",
        "Group work with the family",
    ]


def test_search_with_or_between_words_finds_either(db):
    PracticeIssueFactory(title="Interpreters for court hearings")
    PracticeIssueFactory(title="Transport to school")
    PracticeIssueFactory(title="Housing waitlists")
    user = UserFactory()

    assert sorted(titles(user, ISSUES, "interpreters or transport")) == [
        "Interpreters for court hearings",
        "Transport to school",
    ]
    assert sorted(titles(user, ISSUES, "court interpreters OR housing")) == [
        "Housing waitlists",
        "Interpreters for court hearings",
    ]
    assert titles(user, ISSUES, "court transport") == []


@pytest.mark.parametrize("role", ["practitioner", "administrator"])
def test_title_with_markup_is_shown_as_text(search_world, role, client):
    GuidanceItemFactory(title="<script>alert(1)</script> kinship", summary="<b>kinship</b>")
    client.force_login(search_world.people[role])

    response = client.get("/search/", {"q": "kinship", "kind": LIBRARY})

    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; kinship (1.0)" in body
    assert "<b>" not in body
    assert "<mark>kinship</mark>" in body


# --- PostgreSQL: stored vectors, ranking and headlines ------------------------------------


@on_postgresql
def test_postgresql_issue_title_ranks_above_description(db):
    PracticeIssueFactory(title="Respite care", description="Nothing about kin.")
    PracticeIssueFactory(title="Transport", description="Respite is mentioned here.")
    PracticeIssueFactory(title="Respite for kinship carers", description="Respite respite.")

    found = titles(UserFactory(), ISSUES, "respite")

    assert found[2] == "Transport"
    assert set(found[:2]) == {"Respite care", "Respite for kinship carers"}


@on_postgresql
def test_postgresql_snippet_highlights_stemmed_matches(search_world):
    (issue,) = PortalSearch(search_world.people["other_region"], "waiting").results(ISSUES)

    assert "<mark>wait</mark>" in issue.snippet


@on_postgresql
def test_postgresql_websearch_syntax_excludes_a_word(search_world):
    user = search_world.people["administrator"]

    assert titles(user, ISSUES, "kinship -placement") == ["Kinship carers wait months for respite"]
    assert titles(user, ISSUES, '"kinship placement"') == ["Restricted kinship placement"]


@on_postgresql
def test_postgresql_minutes_snippet_is_the_published_revision(search_world):
    (minutes,) = PortalSearch(search_world.people["practitioner"], "respite").results(MINUTES)

    assert "narwhal" not in minutes.snippet
    assert "<mark>respite</mark>" in minutes.snippet


@on_postgresql
def test_postgresql_meeting_snippet_is_the_published_agenda(search_world):
    (meeting,) = PortalSearch(search_world.people["practitioner"], "pilot").results(MEETINGS)

    assert meeting.title == "March meeting"
    assert "<mark>pilot</mark>" in meeting.snippet


@on_postgresql
def test_postgresql_meeting_snippet_is_drawn_from_the_first_items_of_a_long_agenda(
    search_world, monkeypatch
):
    monkeypatch.setattr("forums.services.search.SNIPPET_ITEMS", 1)
    facilitator = search_world.people["facilitator"]
    meeting = MeetingFactory(forum=search_world.north, title="Long meeting")
    add_agenda_item(meeting, by=facilitator, title="Welcome")
    add_agenda_item(meeting, by=facilitator, title="Zebra crossings near schools")
    publish_agenda(meeting, by=facilitator)

    (found,) = PortalSearch(search_world.people["practitioner"], "zebra").results(MEETINGS)

    assert (found.title, found.snippet) == ("Long meeting", "Welcome")


def test_search_is_bounded_to_the_query_length(db):
    search = PortalSearch(UserFactory(), "kinship " * 100)

    assert len(search.text) == 200
    assert search.terms == ["kinship"]


def test_result_date_is_when_issue_was_submitted(db):
    issue = PracticeIssueFactory(title="Interpreters")

    (result,) = PortalSearch(UserFactory(), "interpreters").results(ISSUES)

    assert result.date == issue.submitted_at


def test_minutes_are_found_by_notes_and_decisions_not_item_titles(search_world):
    facilitator = search_world.people["facilitator"]
    start = timezone.now() - dt.timedelta(days=2)
    held = MeetingFactory(
        forum=search_world.north,
        title="Transport meeting",
        start=start,
        end=start + dt.timedelta(hours=1),
    )
    item = add_agenda_item(held, by=facilitator, title="Transport")
    record_minutes(held, by=facilitator, notes={item.pk: "Buses"}, decisions={item.pk: "Ferries"})
    publish_minutes(held, by=facilitator)

    assert titles(facilitator, MINUTES, "transport") == []
    assert titles(facilitator, MINUTES, "buses") == ["Transport meeting"]
    assert titles(facilitator, MINUTES, "ferries") == ["Transport meeting"]


def test_minutes_past_the_window_rank_only_the_newest_meetings_and_say_so(
    search_world, monkeypatch
):
    monkeypatch.setattr("search.selectors.RANK_WINDOW", 2)
    facilitator = search_world.people["facilitator"]
    for days_ago in (9, 3, 6):
        start = timezone.now() - dt.timedelta(days=days_ago)
        held = MeetingFactory(
            forum=search_world.north,
            title=f"Ferry meeting {days_ago}",
            start=start,
            end=start + dt.timedelta(hours=1),
        )
        item = add_agenda_item(held, by=facilitator, title="Transport")
        record_minutes(held, by=facilitator, notes={item.pk: "Ferries run late."}, decisions={})
        publish_minutes(held, by=facilitator)
    search = PortalSearch(facilitator, "ferries")

    found = sorted(result.title for result in search.results(MINUTES))

    assert found == ["Ferry meeting 3", "Ferry meeting 6"]
    assert search.count(MINUTES).rank_note == (
        "More than 2 meetings' minutes match: those of the newest 2 meetings are ranked. "
        "Add words to narrow the search."
    )


@on_postgresql
def test_postgresql_meetings_rank_best_first_and_page_in_that_order(search_world):
    facilitator = search_world.people["facilitator"]
    for title, items in [
        ("Once", ["Ferries"]),
        ("Thrice", ["Ferries", "Ferry timetables", "Ferry fares"]),
        ("Twice", ["Ferries", "Ferry fares"]),
    ]:
        meeting = MeetingFactory(forum=search_world.north, title=f"{title} meeting")
        for item in items:
            add_agenda_item(meeting, by=facilitator, title=item)
        publish_agenda(meeting, by=facilitator)
    search = PortalSearch(search_world.people["practitioner"], "ferry")

    best = [result.title for result in search.results(MEETINGS)]
    second = search.results(MEETINGS, offset=1, limit=1)

    assert best == ["Thrice meeting", "Twice meeting", "Once meeting"]
    assert [(result.title, "<mark>" in result.snippet) for result in second] == [
        ("Twice meeting", True)
    ]
