"""Issue lists, the issue page, merging and the executive queue at scale: pages from a
cursor, bounded lists, flat query counts."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from feedback.choices import EventKind, IssueStatus
from feedback.models import Comment, IssueEvent, PracticeIssue, Watch
from feedback.pagination import Cursor, issue_page
from feedback.selectors import issue_list, latest_raised_by
from feedback.services import counters, routing
from tests.factories.feedback import (
    EndorsementFactory,
    PracticeIssueFactory,
)
from tests.factories.forums import ForumFactory
from tests.factories.members import PracticeAreaFactory, RegionFactory, UserFactory
from tests.plans import reads_of

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def _issues(forum, count: int, *, start=NOON, **fields) -> list[PracticeIssue]:
    """`count` issues a minute apart, the first the newest."""
    return [
        PracticeIssueFactory(
            origin_forum=forum,
            title=f"Issue {n:03d}",
            submitted_at=start - dt.timedelta(minutes=n),
            **fields,
        )
        for n in range(count)
    ]


def _titles(response) -> list[str]:
    return [issue.title for issue in response.context["issues"]]


def _link(html: str, rel: str) -> str:
    found = re.search(rf'<a class="page-link" rel="{rel}" href="([^"]+)">', html)
    return found[1].replace("&amp;", "&") if found else ""


# --- Issue list: pages from a cursor ---------------------------------------------------


def test_issue_list_of_45_pages_older_twice_then_newer_back(client, loop):
    _issues(loop.cfsn, 45)
    client.force_login(loop.practitioner)
    url = reverse("feedback:issue-list")

    first = client.get(url)
    second = client.get(url + _link(first.content.decode(), "next"))
    third = client.get(url + _link(second.content.decode(), "next"))
    back = client.get(url + _link(third.content.decode(), "prev"))

    assert _titles(first) == [f"Issue {n:03d}" for n in range(20)]
    assert _titles(second) == [f"Issue {n:03d}" for n in range(20, 40)]
    assert _titles(third) == [f"Issue {n:03d}" for n in range(40, 45)]
    assert _titles(back) == _titles(second)
    assert _link(first.content.decode(), "prev") == ""
    assert _link(third.content.decode(), "next") == ""
    assert '<h2 class="h5">45 issues</h2>' in third.content.decode()


def test_issue_list_links_are_named_and_keep_the_filters(client, loop):
    _issues(loop.cfsn, 25)
    client.force_login(loop.practitioner)
    url = reverse("feedback:issue-list")

    first = client.get(url, {"status": "queued", "q": "issue"}).content.decode()
    second = client.get(url + _link(first, "next")).content.decode()

    cursor = f"{(NOON - dt.timedelta(minutes=19)).isoformat()}|"
    assert _link(first, "next").startswith("?status=queued&q=issue&after=")
    assert cursor.replace(":", "%3A").replace("+", "%2B").replace("|", "%7C") in _link(
        first, "next"
    )
    assert 'rel="next" href="?status=queued&amp;q=issue&amp;after=' in first
    assert ">Older issues</a>" in first
    assert ">Newer issues</a>" in second
    assert _link(second, "prev").startswith("?status=queued&q=issue&before=")


def test_issue_list_issues_submitted_at_the_same_moment_page_by_number(client, loop):
    same = [PracticeIssueFactory(origin_forum=loop.cfsn, submitted_at=NOON) for _ in range(23)]
    client.force_login(loop.practitioner)
    url = reverse("feedback:issue-list")

    first = client.get(url)
    second = client.get(url + _link(first.content.decode(), "next"))

    newest_first = [issue.pk for issue in reversed(same)]
    assert [i.pk for i in first.context["issues"]] == newest_first[:20]
    assert [i.pk for i in second.context["issues"]] == newest_first[20:]


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        "|",
        "2026-03-02T12:00:00|7",  # no time zone
        "2026-13-40T12:00:00+00:00|7",
        "2026-03-02T12:00:00+00:00|-7",
        "2026-03-02T12:00:00+00:00|99999999999999999999999",
        "2026-03-02T12:00:00+00:00|٣",
        "0001-01-01T00:00:00+05:00|7",  # no UTC date: before year 1
        "9999-12-31T23:59:59-05:00|7",  # no UTC date: after year 9999
        "x" * 500,
    ],
)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_issue_list_bad_cursor_shows_the_first_page(client, loop, cursor, direction):
    _issues(loop.cfsn, 21)
    client.force_login(loop.practitioner)

    response = client.get(reverse("feedback:issue-list"), {direction: cursor})

    assert response.status_code == 200
    assert _titles(response) == [f"Issue {n:03d}" for n in range(20)]


def test_issue_list_cursor_past_the_oldest_issue_shows_the_first_page(client, loop):
    _issues(loop.cfsn, 3)
    client.force_login(loop.practitioner)
    past = str(Cursor(NOON - dt.timedelta(days=400), 1))

    response = client.get(reverse("feedback:issue-list"), {"after": past})

    assert _titles(response) == ["Issue 000", "Issue 001", "Issue 002"]


def _bulk_issues(loop, count: int, description=lambda n: "Intake.") -> None:
    """`count` queued issues a minute apart, written in one insert."""
    PracticeIssue.objects.bulk_create(
        PracticeIssue(
            title=f"Bulk {n}",
            description=description(n),
            origin_forum=loop.cfsn,
            current_forum=loop.cfsn,
            status=IssueStatus.QUEUED,
            raised_by=loop.cfsn_facilitator,
            submitted_at=NOON - dt.timedelta(minutes=n),
        )
        for n in range(count)
    )


def test_issue_list_of_more_than_a_thousand_says_so(client, loop):
    _bulk_issues(loop, 1001)
    client.force_login(loop.practitioner)

    html = client.get(reverse("feedback:issue-list")).content.decode()

    assert '<h2 class="h5">More than 1,000 issues</h2>' in html


def test_issue_list_search_counts_no_further_than_two_hundred(client, loop):
    _bulk_issues(loop, 202, description=lambda n: "Intake." if n else "Referral.")
    client.force_login(loop.practitioner)
    url = reverse("feedback:issue-list")

    searched = client.get(url, {"q": "intake"}).content.decode()
    listed = client.get(url).content.decode()

    assert '<h2 class="h5">More than 200 issues</h2>' in searched
    assert '<h2 class="h5">202 issues</h2>' in listed


def _plans_of_issue_reads(client, url: str, params: dict) -> set[str]:
    """How each query of the page that reads issues was planned."""
    seen = set()

    def record(execute, sql, query_params, many, context):
        if "feedback_practiceissue" in sql:
            driver = connection.connection
            if getattr(driver, "portal_plans_kept", False):
                seen.add("kept")
            else:
                seen.add("for its values" if driver.prepare_threshold is None else "prepared")
        return execute(sql, query_params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url, params).status_code == 200
    return seen


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
def test_issue_list_keeps_its_plans_and_a_search_is_planned_for_its_word_throughout(
    client, loop, settings
):
    settings.DATABASE_KEPT_PLANS = True
    _issues(loop.cfsn, 3)
    client.force_login(loop.practitioner)
    url = reverse("feedback:issue-list")

    listed = _plans_of_issue_reads(client, url, {})
    searched = _plans_of_issue_reads(client, url, {"q": "issue"})
    blank = _plans_of_issue_reads(client, url, {"q": " ", "status": ""})

    assert listed == {"kept"}
    # Its count, its page and its cards' practice areas alike.
    assert searched == {"for its values"}
    assert blank == {"kept"}


def test_an_issue_of_the_longest_description_saves_and_is_found(client, loop):
    # Two thousand words, each its own: a stored vector far longer than an index entry holds.
    words = " ".join(f"placement{n}" for n in range(2000))
    issue = PracticeIssueFactory(
        origin_forum=loop.cfsn, title="Long account", description=words[:20000]
    )
    issue.description = f"{issue.description[:19990]} hydrant"
    issue.save()
    client.force_login(loop.practitioner)

    response = client.get(reverse("feedback:issue-list"), {"q": "hydrant"})

    assert _titles(response) == ["Long account"]


def test_issue_page_counts_exactly_up_to_its_cap(loop):
    _issues(loop.cfsn, 4)

    at_cap = issue_page(issue_list(loop.practitioner), count_cap=4, per_page=2)
    past_cap = issue_page(issue_list(loop.practitioner), count_cap=3, per_page=2)

    assert (at_cap.count_text, past_cap.count_text) == ("4 issues", "More than 3 issues")


def test_my_issues_lists_drafts_first_then_raised_and_watched_across_pages(client, loop):
    me = loop.practitioner
    drafts = [
        PracticeIssueFactory(
            origin_forum=loop.cfsn, raised_by=me, status=IssueStatus.DRAFT, submitted_at=None
        )
        for _ in range(3)
    ]
    raised = _issues(loop.cfsn, 15, raised_by=me)
    watched = _issues(loop.other_cfsn, 5, start=NOON - dt.timedelta(days=1))
    for issue in watched:
        Watch.objects.create(issue=issue, user=me)
    _issues(loop.other_cfsn, 4, start=NOON + dt.timedelta(days=1))  # someone else's
    client.force_login(me)
    url = reverse("feedback:my-issues")

    first = client.get(url)
    second = client.get(url + _link(first.content.decode(), "next"))
    back = client.get(url + _link(second.content.decode(), "prev"))

    expected = [d.pk for d in reversed(drafts)] + [i.pk for i in raised + watched]
    assert [i.pk for i in first.context["issues"]] == expected[:20]
    assert [i.pk for i in second.context["issues"]] == expected[20:]
    assert [i.pk for i in back.context["issues"]] == expected[:20]
    assert '<h2 class="h5">23 issues</h2>' in first.content.decode()


def test_my_issues_paging_back_from_the_drafts_reaches_the_first_page(client, loop):
    me = loop.practitioner
    drafts = [
        PracticeIssueFactory(
            origin_forum=loop.cfsn, raised_by=me, status=IssueStatus.DRAFT, submitted_at=None
        )
        for _ in range(25)
    ]
    client.force_login(me)
    url = reverse("feedback:my-issues")

    second = client.get(url, {"after": str(Cursor(None, drafts[5].pk))})
    first = client.get(url + _link(second.content.decode(), "prev"))

    assert [i.pk for i in second.context["issues"]] == [d.pk for d in reversed(drafts[:5])]
    assert [i.pk for i in first.context["issues"]] == [d.pk for d in reversed(drafts)][:20]


def test_issue_list_practice_area_and_forum_filters_page_together(client, loop):
    housing = PracticeAreaFactory(name="Housing")
    for issue in _issues(loop.cfsn, 22):
        if int(issue.title[-3:]) % 2 == 0:
            issue.practice_areas.add(housing)
    _issues(loop.other_cfsn, 3, start=NOON + dt.timedelta(hours=1))
    client.force_login(loop.practitioner)
    url = reverse("feedback:issue-list")

    first = client.get(url, {"practice_area": housing.pk, "forum": loop.cfsn.pk})

    assert _titles(first) == [f"Issue {n:03d}" for n in range(0, 22, 2)]
    assert _link(first.content.decode(), "next") == ""


# --- The issue page ----------------------------------------------------------------------


def _comments(issue, count: int) -> None:
    author = UserFactory(display_name="Carla")
    Comment.objects.bulk_create(
        Comment(
            issue=issue,
            author=author,
            body=f"Comment {n:03d}",
        )
        for n in range(count)
    )
    IssueEvent.objects.bulk_create(
        IssueEvent(issue=issue, kind=EventKind.COMMENTED, actor=author, note=f"Commented {n}")
        for n in range(count)
    )
    counters.refresh_counts(issue.pk)


def _events(issue, count: int) -> None:
    IssueEvent.objects.bulk_create(
        IssueEvent(
            issue=issue,
            kind=EventKind.INFO_PROVIDED,
            note=f"Step {n:03d}",
        )
        for n in range(count)
    )


def test_issue_page_shows_the_latest_20_comments_and_links_to_earlier(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    _comments(issue, 32)
    client.force_login(loop.practitioner)

    latest = client.get(issue.get_absolute_url())
    earlier = client.get(issue.get_absolute_url(), {"comments": 2})

    assert [c.body for c in latest.context["comments"]] == [
        f"Comment {n:03d}" for n in range(12, 32)
    ]
    assert [c.body for c in earlier.context["comments"]] == [f"Comment {n:03d}" for n in range(12)]
    html = latest.content.decode()
    assert "32 comments in all." in html
    assert '<a href="?comments=2#comments-heading">Show earlier comments</a>' in html
    assert '<a class="ms-2" href="?#comments-heading">Show later comments</a>' in (
        earlier.content.decode()
    )


def test_issue_page_timeline_leaves_comments_out_and_shows_the_latest_20_events(client, loop):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    _events(issue, 25)
    _comments(issue, 3)
    client.force_login(loop.practitioner)

    latest = client.get(issue.get_absolute_url())
    earlier = client.get(issue.get_absolute_url(), {"events": "2", "comments": "1"})

    assert [e.note for e in latest.context["timeline"]] == [f"Step {n:03d}" for n in range(5, 25)]
    assert [e.note for e in earlier.context["timeline"]] == [f"Step {n:03d}" for n in range(5)]
    assert '<a href="?events=2#timeline-heading">Show earlier events</a>' in (
        latest.content.decode()
    )
    assert '<a href="?comments=1#timeline-heading">Show later events</a>' in (
        earlier.content.decode()
    )


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999", "٣"])
def test_issue_page_bad_page_numbers_show_the_latest(client, loop, page):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    _events(issue, 2)
    client.force_login(loop.practitioner)

    response = client.get(issue.get_absolute_url(), {"events": page, "comments": page})

    assert response.status_code == 200
    assert [e.note for e in response.context["timeline"]] == ["Step 000", "Step 001"]


# --- Merging ------------------------------------------------------------------------------


@pytest.fixture
def duplicate(loop):
    housing = PracticeAreaFactory(name="Housing")
    issue = PracticeIssueFactory(origin_forum=loop.cfsn, title="Same waitlist problem")
    issue.practice_areas.add(housing)
    return issue


def _merge_url(issue) -> str:
    return reverse("feedback:issue-merge", args=[issue.pk])


def test_merge_form_offers_the_20_newest_open_issues_sharing_a_practice_area(
    client, loop, duplicate
):
    housing = duplicate.practice_areas.get()
    likely = _issues(loop.other_cfsn, 22)
    for issue in likely:
        issue.practice_areas.add(housing)
    PracticeIssueFactory(title="Other area", submitted_at=NOON + dt.timedelta(hours=1))
    finished = PracticeIssueFactory(
        title="Resolved", status=IssueStatus.RESOLVED, submitted_at=NOON + dt.timedelta(hours=1)
    )
    finished.practice_areas.add(housing)
    client.force_login(loop.cfsn_facilitator)

    form = client.get(_merge_url(duplicate)).context["form"]

    assert [label for _, label in form.fields["candidate"].choices] == [
        f"{issue.reference}: Issue {n:03d}" for n, issue in enumerate(likely[:20])
    ]


@pytest.mark.parametrize("typed", ["{ref}", "{number}", "  pi {number} ", "PI-0000{number}"])
def test_merge_form_by_reference_merges_into_that_issue(client, loop, duplicate, typed):
    primary = PracticeIssueFactory(title="Waitlists are long", status=IssueStatus.ON_AGENDA)
    client.force_login(loop.cfsn_facilitator)

    response = client.post(
        _merge_url(duplicate),
        {"reference": typed.format(ref=primary.reference, number=primary.pk)},
    )

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (IssueStatus.MERGED, primary)


def test_merge_form_by_candidate_merges_into_that_issue(client, loop, duplicate):
    primary = PracticeIssueFactory(origin_forum=loop.other_cfsn)
    primary.practice_areas.add(duplicate.practice_areas.get())
    client.force_login(loop.cfsn_facilitator)

    response = client.post(_merge_url(duplicate), {"candidate": primary.pk})

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == primary


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("PI-ABC", "Enter an issue&#x27;s reference, such as PI-01234, or its number."),
        ("PI-99999", "PI-99999 cannot take this merge: name another open issue that you can see"),
        ("", "Choose the primary issue, or enter its reference."),
    ],
)
def test_merge_form_refuses_what_is_not_a_mergeable_issue_and_keeps_it(
    client, loop, duplicate, typed, message
):
    client.force_login(loop.cfsn_facilitator)

    html = client.post(_merge_url(duplicate), {"reference": typed}).content.decode()

    assert message in html
    assert f'value="{typed}"' in html or not typed
    duplicate.refresh_from_db()
    assert duplicate.status == IssueStatus.QUEUED


@pytest.mark.parametrize(
    "kind", ["itself", "merged", "resolved", "draft", "restricted elsewhere", "restricted"]
)
def test_merge_form_by_reference_refuses_issues_that_cannot_take_it(client, loop, duplicate, kind):
    target = {
        "itself": lambda: duplicate,
        "merged": lambda: PracticeIssueFactory(status=IssueStatus.MERGED),
        "resolved": lambda: PracticeIssueFactory(status=IssueStatus.RESOLVED),
        "draft": lambda: PracticeIssueFactory(status=IssueStatus.DRAFT, submitted_at=None),
        "restricted elsewhere": lambda: PracticeIssueFactory(
            origin_forum=ForumFactory(), restricted=True
        ),
        # Visible to the facilitator, but a restricted primary would expose what the
        # duplicate's readers could not see before.
        "restricted": lambda: PracticeIssueFactory(origin_forum=loop.cfsn, restricted=True),
    }[kind]()
    client.force_login(loop.cfsn_facilitator)

    html = client.post(_merge_url(duplicate), {"reference": target.reference}).content.decode()

    assert f"{target.reference} cannot take this merge" in html
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merge_form_chosen_and_typed_issues_that_differ_are_refused(client, loop, duplicate):
    chosen = PracticeIssueFactory(origin_forum=loop.other_cfsn)
    chosen.practice_areas.add(duplicate.practice_areas.get())
    typed = PracticeIssueFactory()
    client.force_login(loop.cfsn_facilitator)

    html = client.post(
        _merge_url(duplicate), {"candidate": chosen.pk, "reference": typed.reference}
    ).content.decode()

    assert f"This names {typed.reference}, but {chosen.reference} is chosen above" in html
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


# --- Executive queue ----------------------------------------------------------------------


def _escalated(loop, count: int) -> list[PracticeIssue]:
    issues = []
    for n in range(count):
        issue = PracticeIssueFactory(origin_forum=loop.cfsn, title=f"Escalated {n:03d}")
        routing.place_on_agenda(issue, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
        with loop.at(loop.cfsn_meeting):
            routing.escalate_issue(issue, by=loop.cfsn_facilitator, summary="s", rationale="r")
        with loop.at(loop.statewide_meeting):
            routing.escalate_issue(issue, by=loop.statewide_facilitator, summary="s", rationale="r")
        issues.append(issue)
    return issues


def test_executive_queue_sorts_by_the_issues_counters(client, loop):
    low, high, middle = _escalated(loop, 3)
    for issue, regions in ((low, 1), (high, 3), (middle, 2)):
        for _ in range(regions):
            EndorsementFactory(issue=issue, user=UserFactory(region=RegionFactory()))
    EndorsementFactory(issue=low, user=UserFactory(region=loop.cfsn.region))
    EndorsementFactory(issue=low, user=UserFactory(region=loop.cfsn.region))
    client.force_login(loop.executive)
    url = reverse("feedback:executive-queue")

    by_endorsements = client.get(url, {"sort": "endorsements"}).context["referrals"]
    by_regions = client.get(url, {"sort": "regions"}).context["referrals"]

    assert [(r.issue.title, r.issue.endorsement_count) for r in by_endorsements] == [
        ("Escalated 000", 3),
        ("Escalated 001", 3),
        ("Escalated 002", 2),
    ]
    assert [(r.issue.title, r.issue.region_count) for r in by_regions] == [
        ("Escalated 001", 3),
        ("Escalated 000", 2),  # escalated at the same moment as 002: by id
        ("Escalated 002", 2),
    ]


# --- Queries stay flat ----------------------------------------------------------------------


def _filled(loop, size: int) -> None:
    area = PracticeAreaFactory()
    for issue in _issues(loop.cfsn, size):
        issue.practice_areas.add(area, PracticeAreaFactory())
        EndorsementFactory(issue=issue)
        Watch.objects.get_or_create(issue=issue, user=loop.practitioner)


@pytest.mark.parametrize("size", [3, 45])
@pytest.mark.parametrize(
    ("name", "query", "older"),
    [
        ("feedback:issue-list", "", 0),
        ("feedback:issue-list", "", 2),
        ("feedback:issue-list", "?q=issue&status=queued", 1),
        ("feedback:my-issues", "", 1),
    ],
)
def test_issue_list_queries_stay_flat(
    client, loop, size, name, query, older, django_assert_num_queries
):
    _filled(loop, size)
    client.force_login(loop.practitioner)
    url = reverse(name) + query
    for _ in range(older):
        url = reverse(name) + (_link(client.get(url).content.decode(), "next") or query)
    cache.clear()  # the filter form is drawn afresh, as on a first visit

    with django_assert_num_queries(10):
        response = client.get(url)

    assert len(response.context["issues"]) == (size if size <= 20 else min(20, size - 20 * older))


@pytest.mark.parametrize("size", [2, 70])
def test_issue_page_queries_stay_flat(client, loop, size, django_assert_num_queries):
    issue = PracticeIssueFactory(origin_forum=loop.cfsn)
    _events(issue, size)
    _comments(issue, size)
    for _ in range(min(size, 5)):
        EndorsementFactory(issue=issue)
    client.force_login(loop.practitioner)

    with django_assert_num_queries(12):
        response = client.get(issue.get_absolute_url())

    assert len(response.context["comments"]) == min(size, 20)


@pytest.mark.parametrize("size", [2, 55])
def test_executive_queue_queries_stay_flat(client, loop, size, django_assert_num_queries):
    _escalated(loop, size)
    client.force_login(loop.executive)

    with django_assert_num_queries(9):
        response = client.get(reverse("feedback:executive-queue"), {"sort": "regions"})

    assert len(response.context["referrals"]) == min(size, 25)


@pytest.mark.parametrize("size", [2, 30])
def test_merge_form_queries_stay_flat(client, loop, duplicate, size, django_assert_num_queries):
    for issue in _issues(loop.other_cfsn, size):
        issue.practice_areas.add(duplicate.practice_areas.get())
    client.force_login(loop.cfsn_facilitator)

    with django_assert_num_queries(6):
        response = client.get(_merge_url(duplicate))

    assert len(response.context["form"].fields["candidate"].choices) == min(size, 20)


def test_issue_list_filters_drawn_once_serve_the_next_pages(
    client, loop, django_assert_num_queries
):
    _filled(loop, 45)
    client.force_login(loop.practitioner)
    first = client.get(reverse("feedback:issue-list") + "?status=queued")
    older = _link(first.content.decode(), "next")

    # The forum, region and practice-area choices are not read again for the next page, nor
    # the memberships and practice areas led that decide what the menu shows.
    with django_assert_num_queries(5):
        response = client.get(reverse("feedback:issue-list") + older)

    form = _options(response.content, "Filter issues")
    assert '<option value="queued" selected>' in form


def _options(page: bytes, label: str) -> str:
    return page.decode().split(f'aria-label="{label}"')[1].split("</form>")[0]


def test_kept_issue_filters_offer_a_forum_region_and_area_added_renamed_or_removed_since(
    client, loop
):
    client.force_login(loop.practitioner)
    url = reverse("feedback:issue-list") + "?status=queued"
    area = PracticeAreaFactory(name="Housing")
    gone = RegionFactory(name="Outback")
    client.get(url)

    ForumFactory(name="Bayside CFSN")
    RegionFactory(name="Highlands")
    area.name = "Homelessness"
    area.save(update_fields=["name"])
    gone.delete()
    form = _options(client.get(url).content, "Filter issues")

    assert ">Bayside CFSN</option>" in form
    assert ">Highlands</option>" in form
    assert f'<option value="{area.pk}">Homelessness</option>' in form
    assert ">Housing</option>" not in form
    assert ">Outback</option>" not in form
    assert '<option value="queued" selected>' in form


def test_kept_executive_filters_offer_a_region_and_area_added_or_renamed_since(client, loop):
    client.force_login(loop.executive)
    url = reverse("feedback:executive-queue")
    region = RegionFactory(name="Outback")
    client.get(url)

    PracticeAreaFactory(name="Disability")
    region.name = "Far North"
    region.save(update_fields=["name"])
    page = client.get(url).content.decode()

    assert ">Disability</option>" in page
    assert f'<option value="{region.pk}">Far North</option>' in page
    assert ">Outback</option>" not in page


# --- Search on the stored vector -------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, kept_demo):
    with django_db_blocker.unblock(), kept_demo.rolled_back():
        yield


@on_postgresql
@pytest.mark.parametrize(
    "text",
    ["referrals", "young people housing", "family -violence", '"safety plan"', "homeless or detox"],
)
def test_issue_list_search_on_the_stored_vector_finds_what_the_computed_one_did(seeded, text):
    from django.contrib.postgres.search import SearchQuery, SearchVector

    admin = UserFactory(is_superuser=True)
    computed = (
        PracticeIssue.objects.exclude(status=IssueStatus.DRAFT)
        .annotate(
            search=SearchVector("title", weight="A", config="english")
            + SearchVector("description", weight="B", config="english")
        )
        .filter(search=SearchQuery(text, search_type="websearch", config="english"))
        .order_by("-submitted_at", "-id")
    )

    found = issue_list(admin, text=text)

    sql = str(found.query)
    assert "search_vector" in sql
    assert "to_tsvector" not in sql
    assert list(found.values_list("pk", flat=True)) == list(computed.values_list("pk", flat=True))
    assert found.exists()


# --- A person's latest issues ----------------------------------------------------------------


# Transactional: the statistics ANALYZE writes outlive a rolled-back test, and would mislead
# the planner in the tests after it; the flush after a transactional test clears them.
@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_latest_raised_by_reads_five_of_three_hundred_issues_for_five(member):
    """However many issues someone has raised, the home page's panel of their five latest
    changed reads those five."""
    raised = PracticeIssueFactory.create_batch(300, raised_by=member)
    PracticeIssue.objects.filter(pk=raised[7].pk).update(updated_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feedback_practiceissue")

    with reads_of("feedback_practiceissue") as reads:
        latest = list(latest_raised_by(member)[:5])

    assert latest[0] == raised[7]
    assert latest[1:] == raised[:-5:-1]
    assert reads.count == 5
