import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from forums.choices import MembershipRole
from forums.services.agenda import add_agenda_item, publish_agenda
from forums.services.search import rebuild_meeting_search
from search.selectors import LIBRARY, MEETINGS, PAGE_SIZE
from tests.factories.feedback import (
    ConsultationFactory,
    ConsultationTargetFactory,
    PracticeIssueFactory,
)
from tests.factories.forums import MeetingFactory, MembershipFactory
from tests.factories.practice import GuidanceItemFactory
from tests.test_fuzz import FUZZ

URL = reverse("search:results")


def test_search_page_asks_to_sign_in_first(client, db):
    response = client.get(URL, {"q": "kinship"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_search_page_without_query_explains_what_it_searches(member_client):
    response = member_client.get(URL)

    assert response.status_code == 200
    assert response.context["counts"][0].count == 0
    assert "You see only what you may open." in response.content.decode()


def test_search_all_view_shows_the_best_issues_and_links_to_every_other_kind_found(
    search_world, client
):
    client.force_login(search_world.people["practitioner"])

    response = client.get(URL, {"q": "kinship"})

    body = response.content.decode()
    assert response.context["lead"].label == "Practice issues"
    assert [result.kind for result in response.context["lead_results"]] == ["issues", "issues"]
    assert [(count.label, count.count) for count in response.context["also_found"]] == [
        ("Meetings", 1),
        ("Minutes and decisions", 1),
        ("Library", 2),
        ("Consultations", 1),
    ]
    also = body[body.index('id="also-found"') :]
    assert f'<a href="{URL}?q=kinship&amp;kind=library">Library: 2</a>' in also
    assert f'<a href="{URL}?q=kinship&amp;kind=meetings">Meetings: 1</a>' in also
    assert 'value="kinship"' in body
    assert response.context["total"] == 7


def test_search_all_view_leads_with_the_first_kind_found_when_no_issue_matches(
    search_world, client
):
    GuidanceItemFactory(title="Genogram drawing tool")
    client.force_login(search_world.people["practitioner"])

    response = client.get(URL, {"q": "genogram"})

    assert response.context["lead"].label == "Library"
    assert [result.title for result in response.context["lead_results"]] == [
        "Genogram drawing tool (1.0)"
    ]
    assert response.context["also_found"] == []
    assert "Also found" not in response.content.decode()


def test_search_kind_view_lists_one_kind(search_world, client):
    client.force_login(search_world.people["practitioner"])

    response = client.get(URL, {"q": "kinship", "kind": LIBRARY})

    assert [r.title for r in response.context["results"]] == [
        "Kinship care practice guide (2.0)",
        "Kinship care practice guide (1.0)",
    ]
    assert 'aria-current="page">Library' in response.content.decode()


def test_search_with_no_results_shows_suggestions(search_world, client):
    client.force_login(search_world.people["practitioner"])

    response = client.get(URL, {"q": "zzyzx"})

    body = response.content.decode()
    assert "Nothing found for “zzyzx”" in body
    assert "Check the spelling" in body
    assert response.context["lead"] is None


def test_search_page_beyond_the_last_is_not_found(search_world, client):
    client.force_login(search_world.people["practitioner"])

    response = client.get(URL, {"q": "kinship", "kind": LIBRARY, "page": 2})

    assert response.status_code == 404


def test_search_kind_view_pages_by_twenty(db, member_client):
    GuidanceItemFactory.create_batch(PAGE_SIZE + 1, summary="Respite for carers.")

    first = member_client.get(URL, {"q": "respite", "kind": LIBRARY})
    second = member_client.get(URL, {"q": "respite", "kind": LIBRARY, "page": 2})

    assert len(first.context["results"]) == PAGE_SIZE
    assert len(second.context["results"]) == 1
    assert "Page 2 of 2" in second.content.decode()


def test_search_past_the_ranking_window_says_which_issues_are_ranked(
    db, member_client, monkeypatch
):
    monkeypatch.setattr("search.selectors.RANK_WINDOW", 2)
    PracticeIssueFactory.create_batch(3, title="Interpreter bookings")
    PracticeIssueFactory(title="Transport vouchers")

    many = member_client.get(URL, {"q": "bookings"}).content.decode()
    few = member_client.get(URL, {"q": "vouchers"}).content.decode()

    note = "More than 2 practice issues match: the newest 2 are ranked."
    assert note in " ".join(many.split())
    assert '<a href="/issues/?q=bookings">The issue list</a> pages through every match' in many
    assert "are ranked" not in few


def test_search_all_view_says_where_a_count_stops_at_its_cap(db, member_client, monkeypatch):
    monkeypatch.setattr("search.selectors.COUNT_CAP", 2)
    monkeypatch.setattr("search.selectors.RANK_WINDOW", 2)
    PracticeIssueFactory.create_batch(3, title="Interpreter bookings")
    GuidanceItemFactory.create_batch(3, title="Interpreter guide")

    body = " ".join(member_client.get(URL, {"q": "interpreter"}).content.decode().split())

    assert f'<a href="{URL}?q=interpreter&amp;kind=issues">See all 2+ practice issues</a>' in body
    assert f'<a href="{URL}?q=interpreter&amp;kind=library">Library: 2+</a>' in body
    assert 'All <span class="badge text-bg-light">4+</span>' in body


def test_search_past_the_ranking_window_ranks_the_newest_meetings_and_says_so(
    db, member_client, monkeypatch
):
    monkeypatch.setattr("search.selectors.RANK_WINDOW", 2)
    soon = timezone.now() + dt.timedelta(days=1)
    for days in (10, 30, 20):
        start = soon + dt.timedelta(days=days)
        MeetingFactory(
            title=f"Interpreter meeting {days}", start=start, end=start + dt.timedelta(hours=1)
        )
    rebuild_meeting_search()

    response = member_client.get(URL, {"q": "interpreter", "kind": "meetings"})

    assert sorted(result.title for result in response.context["results"]) == [
        "Interpreter meeting 20",
        "Interpreter meeting 30",
    ]
    note = "More than 2 meetings match: the newest 2 are ranked."
    assert note in " ".join(response.content.decode().split())


def test_search_box_is_in_the_header_for_signed_in_members(member_client):
    body = member_client.get(reverse("home")).content.decode()

    assert f'action="{URL}"' in body
    assert '<label class="visually-hidden" for="portal-search">Search the portal</label>' in body


def _portal_of_size(world, size: int) -> None:
    """`size` more records of every kind that the practitioner finds for "kinship"."""
    north, facilitator = world.north, world.people["facilitator"]
    for number in range(size):
        PracticeIssueFactory(title=f"Kinship issue {number}", origin_forum=north)
        GuidanceItemFactory(title=f"Kinship tool {number}")
        meeting = MeetingFactory(forum=north, title=f"Kinship meeting {number}")
        add_agenda_item(meeting, by=facilitator, title="Kinship item")
        publish_agenda(meeting, by=facilitator)
        consultation = ConsultationFactory(title=f"Kinship question {number}")
        ConsultationTargetFactory(consultation=consultation, forum=north)
        MembershipFactory(forum=north, role=MembershipRole.MEMBER)
    rebuild_meeting_search()


# Session and user, the member's forums, the issues' count and the other four kinds' in one
# query, then the best issues ("All") or one page of one kind; and the three the header and
# menu make on every page. PostgreSQL ranks meetings in a window of their keys and then
# reads the page's rows: one query more.
@pytest.mark.parametrize("size", [1, 6])
@pytest.mark.parametrize(("kind", "queries"), [("", 7), (LIBRARY, 7), (MEETINGS, 7)])
def test_search_page_queries_do_not_grow_with_the_portal(
    search_world, client, django_assert_num_queries, size, kind, queries
):
    _portal_of_size(search_world, size)
    client.force_login(search_world.people["practitioner"])
    if connection.vendor == "postgresql":
        queries += {MEETINGS: 1}.get(kind, 0)

    with django_assert_num_queries(queries):
        response = client.get(URL, {"q": "kinship", "kind": kind})

    assert response.context["counts"][0].count == 2 + size


@pytest.mark.parametrize("parameter", ["q", "kind", "page"])
def test_search_page_with_odd_parameters_never_fails(search_world, client, parameter):
    client.force_login(search_world.people["administrator"])
    statuses = {
        value[:20]: client.get(URL, {"q": "kinship", "kind": LIBRARY, parameter: value}).status_code
        for value in [*FUZZ, "kinship & | ! ( <->", "'", '"', "-", ":*"]
    }

    assert set(statuses.values()) <= {200, 404}
