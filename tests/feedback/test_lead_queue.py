"""“My practice area”: a lead's queue of open issues in their areas, and their home task."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from feedback.choices import IssueStatus
from forums.selectors.meetings import sector_mix
from members.choices import Sector
from tests.factories.feedback import ExpertAdviceFactory, PracticeIssueFactory
from tests.factories.forums import ForumFactory, MembershipFactory
from tests.factories.members import OrganisationFactory, PracticeAreaFactory, UserFactory
from tests.factories.practice import PracticeLeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    return {
        "children": PracticeAreaFactory(name="Children and families"),
        "aboriginal": PracticeAreaFactory(
            name="Aboriginal children and families", seeks_acco_input=True
        ),
        "housing": PracticeAreaFactory(name="Housing"),
    }


@pytest.fixture
def lead(areas):
    person = UserFactory(display_name="Lena Lead")
    PracticeLeadFactory(user=person, practice_area=areas["children"])
    PracticeLeadFactory(user=person, practice_area=areas["aboriginal"])
    return person


def issue_in(area, *, days_ago=1, **fields):
    issue = PracticeIssueFactory(
        submitted_at=timezone.now() - dt.timedelta(days=days_ago), **fields
    )
    issue.practice_areas.set([area])
    return issue


def titles(response):
    return [issue.title for issue in response.context["issues"]]


def test_lead_queue_lists_open_visible_issues_in_led_areas_newest_first(client, areas, lead):
    issue_in(areas["children"], days_ago=5, title="Older in children")
    issue_in(areas["aboriginal"], days_ago=1, title="Newer in aboriginal")
    issue_in(areas["housing"], title="Not my area")
    issue_in(areas["children"], status=IssueStatus.RESOLVED, title="Finished")
    issue_in(areas["children"], restricted=True, title="Restricted elsewhere")
    issue_in(areas["children"], status=IssueStatus.DRAFT, title="Someone's draft", referral=False)
    client.force_login(lead)

    response = client.get(reverse("feedback:lead-queue"))

    assert titles(response) == ["Newer in aboriginal", "Older in children"]


def test_lead_queue_shows_restricted_issue_of_the_leads_forum(client, areas, lead):
    issue = issue_in(areas["children"], restricted=True, title="Restricted in my forum")
    MembershipFactory(user=lead, forum=issue.origin_forum)
    client.force_login(lead)

    response = client.get(reverse("feedback:lead-queue"))

    assert titles(response) == ["Restricted in my forum"]


def test_lead_queue_filter_by_area(client, areas, lead):
    issue_in(areas["children"], title="Children")
    issue_in(areas["aboriginal"], title="Aboriginal")
    client.force_login(lead)

    response = client.get(reverse("feedback:lead-queue"), {"area": areas["aboriginal"].pk})

    assert titles(response) == ["Aboriginal"]


def test_lead_queue_filter_by_area_the_lead_does_not_lead_is_ignored(client, areas, lead):
    issue_in(areas["children"], title="Children")
    issue_in(areas["housing"], title="Housing")
    client.force_login(lead)

    response = client.get(reverse("feedback:lead-queue"), {"area": areas["housing"].pk})

    assert titles(response) == ["Children"]
    assert "area" in response.context["filter_form"].errors


def test_lead_queue_filter_no_advice_yet(client, areas, lead):
    advised = issue_in(areas["children"], title="Advised")
    ExpertAdviceFactory(issue=advised, author=lead, practice_area=areas["children"])
    issue_in(areas["children"], title="Waiting for advice")
    client.force_login(lead)

    response = client.get(reverse("feedback:lead-queue"), {"no_advice": "on"})

    assert titles(response) == ["Waiting for advice"]


def test_lead_queue_rows_show_advice_count_and_acco_status(client, areas, lead):
    advised = issue_in(areas["children"], days_ago=3, title="Advised twice")
    ExpertAdviceFactory.create_batch(2, issue=advised, practice_area=areas["children"])
    given = issue_in(areas["aboriginal"], days_ago=2, title="ACCO given")
    given.acco_input_at = timezone.now()
    given.save(update_fields=["acco_input_at"])
    issue_in(areas["aboriginal"], days_ago=1, title="ACCO waiting")
    client.force_login(lead)

    response = client.get(reverse("feedback:lead-queue"))

    rows = [(i.title, i.advice_count, i.seeks_acco) for i in response.context["issues"]]
    assert rows == [
        ("ACCO waiting", 0, True),
        ("ACCO given", 0, True),
        ("Advised twice", 2, False),
    ]
    html = response.content.decode()
    assert html.count("Not yet</span>") == 1
    assert "2 pieces of advice" in html


def test_lead_queue_pages_twenty_at_a_time_by_cursor(client, areas, lead):
    for n in range(23):
        issue_in(areas["children"], days_ago=n + 1, title=f"Issue {n:02d}")
    client.force_login(lead)

    first = client.get(reverse("feedback:lead-queue"))
    second = client.get(reverse("feedback:lead-queue") + first.context["older_query"])

    assert titles(first) == [f"Issue {n:02d}" for n in range(20)]
    assert titles(second) == [f"Issue {n:02d}" for n in range(20, 23)]
    assert first.context["page"].count_text == "23 issues"


@pytest.mark.parametrize("size", [2, 25])
def test_lead_queue_queries_stay_flat(client, areas, lead, size, django_assert_num_queries):
    for n in range(size):
        issue = issue_in(areas["children" if n % 2 else "aboriginal"], days_ago=n + 1)
        ExpertAdviceFactory(issue=issue, practice_area=areas["children"])
    client.force_login(lead)

    # Session and user (with their unread notices); the lead's areas; the user's model
    # permissions (2); the capped count; the page; its practice areas; the filter's areas;
    # the menu's forum roles.
    with django_assert_num_queries(8):
        response = client.get(reverse("feedback:lead-queue"), {"area": "", "no_advice": ""})

    assert len(response.context["issues"]) == min(size, 20)


@pytest.mark.parametrize("who", ["member", "admin"])
def test_lead_queue_is_forbidden_to_non_leads(client, who):
    user = UserFactory(is_superuser=who == "admin")
    client.force_login(user)

    response = client.get(reverse("feedback:lead-queue"))

    assert response.status_code == 403


def test_menu_shows_my_practice_area_only_to_leads(client, areas, lead):
    url = reverse("feedback:lead-queue")
    client.force_login(lead)
    as_lead = client.get(reverse("home")).content.decode()
    client.force_login(UserFactory(is_superuser=True))
    as_admin = client.get(reverse("home")).content.decode()

    assert f'href="{url}"' in as_lead
    assert f'href="{url}"' not in as_admin


def render_tasks(user) -> list:
    context = Context({"user": user})
    Template("{% load feedback_panels %}{% issue_tasks user as tasks %}").render(context)
    return context["tasks"]


def test_home_task_counts_open_issues_in_the_leads_areas_without_advice(areas, lead):
    advised = issue_in(areas["children"])
    ExpertAdviceFactory(issue=advised, practice_area=areas["children"])
    issue_in(areas["children"])
    issue_in(areas["aboriginal"])
    issue_in(areas["housing"])

    tasks = [t for t in render_tasks(lead) if t.title == "Issues in your area without advice"]

    assert [(t.count, t.url) for t in tasks] == [
        (2, reverse("feedback:lead-queue") + "?no_advice=on")
    ]


def test_home_task_absent_when_every_issue_has_advice(areas, lead):
    advised = issue_in(areas["children"])
    ExpertAdviceFactory(issue=advised, practice_area=areas["children"])

    assert [t.title for t in render_tasks(lead)] == []


def test_home_task_absent_for_a_member_who_leads_nothing(areas):
    issue_in(areas["children"])

    assert render_tasks(UserFactory()) == []


@pytest.mark.parametrize(
    "query",
    [
        {"area": "9" * 30},
        {"area": "x", "no_advice": "maybe"},
        {"after": "not-a-cursor"},
        {"before": "2026-01-01T00:00:00|" + "9" * 30},
    ],
)
def test_lead_queue_odd_query_values_give_the_first_page(client, areas, lead, query):
    issue_in(areas["children"], title="Children")
    client.force_login(lead)

    response = client.get(reverse("feedback:lead-queue"), query)

    assert response.status_code == 200
    assert titles(response) == ["Children"]


# --- Who takes part: the forum page's sector mix -------------------------------------------


def test_forum_page_counts_members_by_their_organisations_sector(client):
    forum = ForumFactory()
    acco = OrganisationFactory(sector=Sector.ACCO)
    for organisation in [acco, acco, OrganisationFactory(sector=Sector.GOVERNMENT), None]:
        MembershipFactory(forum=forum, user=UserFactory(organisation=organisation))
    MembershipFactory(user=UserFactory(organisation=acco))  # another forum's
    client.force_login(UserFactory())

    response = client.get(reverse("forums:forum-detail", args=[forum.slug]))

    mix = [(row.label, row.count) for row in response.context["sector_mix"]]
    assert mix == [
        ("Government", 1),
        ("Non-government", 0),
        ("Aboriginal community-controlled", 2),
        ("Not stated", 1),
    ]
    html = response.content.decode()
    assert "Who takes part" in html
    assert '<th scope="row" class="fw-normal">Aboriginal community-controlled</th>' in html


def test_sector_mix_of_five_members_takes_one_query(django_assert_num_queries):
    forum = ForumFactory()
    for _ in range(5):
        MembershipFactory(forum=forum)

    with django_assert_num_queries(1):
        mix = sector_mix(forum)

    assert [row.count for row in mix] == [0, 5, 0, 0]
