"""The main menu: what each person may reach, with the open page marked, however many people
with other roles were shown it before them."""

import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from forums.choices import MembershipRole, Tier
from forums.services.membership import change_member_role, remove_member
from members.menu import menu_reach
from tests.factories.forums import ForumFactory, MembershipFactory, StrategicForumFactory
from tests.factories.members import NotificationFactory, UserFactory
from tests.factories.practice import PracticeLeadFactory

pytestmark = pytest.mark.django_db

SECTIONS = ("My practice area", "Triage", "Executive review", "Insights")


def _menu(client, user, url=None) -> str:
    client.force_login(user)
    html = client.get(url or reverse("feedback:issue-list")).content.decode()
    return html[html.index('<ul class="navbar-nav me-auto">') : html.index('role="search"')]


def _sections(menu: str) -> list[str]:
    return [name for name in SECTIONS if f">{name}</a>" in menu]


def _current(menu: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)</a>', menu)


def test_each_person_sees_the_sections_they_may_reach_in_turn(client):
    practitioner = UserFactory()
    facilitator = UserFactory()
    MembershipFactory(user=facilitator, forum=ForumFactory(), role=MembershipRole.FACILITATOR)
    executive = UserFactory()
    MembershipFactory(user=executive, forum=StrategicForumFactory(), role=MembershipRole.EXECUTIVE)
    lead = PracticeLeadFactory().user

    seen = {
        who: _sections(_menu(client, user))
        for who, user in (
            ("practitioner", practitioner),
            ("facilitator", facilitator),
            ("executive", executive),
            ("lead", lead),
            ("practitioner again", practitioner),
        )
    }

    assert seen == {
        "practitioner": [],
        "facilitator": ["Triage", "Insights"],
        "executive": ["Triage", "Executive review", "Insights"],
        "lead": ["My practice area"],
        "practitioner again": [],
    }


def test_a_new_role_shows_its_section_on_the_next_page(client):
    member = UserFactory()
    membership = MembershipFactory(user=member, forum=ForumFactory())
    assert "Triage" not in _sections(_menu(client, member))

    change_member_role(membership, by=UserFactory(), role=MembershipRole.FACILITATOR)

    assert "Triage" in _sections(_menu(client, member))


def test_leaving_the_forum_one_runs_hides_its_section_on_the_next_page(client):
    member = UserFactory()
    membership = MembershipFactory(
        user=member, forum=ForumFactory(), role=MembershipRole.FACILITATOR
    )
    assert "Triage" in _sections(_menu(client, member))

    remove_member(membership, by=UserFactory())

    assert "Triage" not in _sections(_menu(client, member))


def test_joining_as_a_practice_lead_and_stepping_down_show_on_the_next_page(client):
    member = UserFactory()
    assert _sections(_menu(client, member)) == []

    lead = PracticeLeadFactory(user=member)
    led = _sections(_menu(client, member))
    lead.delete()

    assert led == ["My practice area"]
    assert _sections(_menu(client, member)) == []


def test_an_account_made_administrator_sees_every_section_on_the_next_page(client):
    member = UserFactory()
    assert _sections(_menu(client, member)) == []

    member.is_superuser = True
    member.save(update_fields=["is_superuser"])

    assert _sections(_menu(client, member)) == ["Triage", "Executive review", "Insights"]


def test_a_forum_made_strategic_shows_its_executives_review_on_the_next_page(client):
    member = UserFactory()
    forum = ForumFactory()
    MembershipFactory(user=member, forum=forum, role=MembershipRole.EXECUTIVE)
    assert "Executive review" not in _sections(_menu(client, member))

    forum.tier, forum.region = Tier.STRATEGIC, None
    forum.save()

    assert "Executive review" in _sections(_menu(client, member))


def test_a_menu_kept_by_a_page_drawn_before_the_change_commits_is_forgotten(
    client, django_capture_on_commit_callbacks
):
    member = UserFactory()
    membership = MembershipFactory(user=member, forum=ForumFactory())
    assert "Triage" not in _sections(_menu(client, member))
    drawn_before = menu_reach(member)

    with django_capture_on_commit_callbacks(execute=True):
        change_member_role(membership, by=UserFactory(), role=MembershipRole.FACILITATOR)
        # Another page, which read the roles before this change, keeps what it saw.
        cache.set(f"members:menu-reach:{member.pk}", ((True, False, False), drawn_before))

    assert "Triage" in _sections(_menu(client, member))


@pytest.mark.parametrize(
    ("url_name", "current"),
    [
        ("feedback:issue-list", ["Issues"]),
        ("forums:calendar", ["Calendar"]),
        ("practice:guidance-list", ["Library"]),
        ("home", ["Home"]),
    ],
)
def test_the_open_page_is_marked_in_the_menu(client, url_name, current):
    menu = _menu(client, UserFactory(), reverse(url_name))

    assert _current(menu) == current


def test_insights_is_marked_on_every_insights_page(client):
    facilitator = UserFactory()
    forum = ForumFactory()
    MembershipFactory(user=facilitator, forum=forum, role=MembershipRole.FACILITATOR)

    menu = _menu(client, facilitator, reverse("insights:forum-insights", args=[forum.slug]))

    assert _current(menu) == ["Insights"]


@override_settings(DEBUG=True)
def test_the_menu_is_drawn_afresh_while_developing(client):
    facilitator = UserFactory()
    MembershipFactory(user=facilitator, forum=ForumFactory(), role=MembershipRole.FACILITATOR)

    assert _sections(_menu(client, facilitator)) == ["Triage", "Insights"]
    assert _current(_menu(client, facilitator)) == ["Issues"]


def test_everyone_reaches_their_downloads_from_the_account_menu(client):
    practitioner = UserFactory()
    client.force_login(practitioner)

    elsewhere = client.get(reverse("feedback:issue-list")).content.decode()
    downloads_page = client.get(reverse("insights:downloads")).content.decode()

    link = f'<a href="{reverse("insights:downloads")}"'
    assert f"{link}>Your downloads</a>" in elsewhere
    assert f'{link} aria-current="page">Your downloads</a>' in downloads_page
    # The page is the person's own, not a part of insights.
    assert _current(downloads_page) == ["Your downloads"]


def test_a_facilitators_downloads_page_does_not_mark_insights(client):
    facilitator = UserFactory()
    MembershipFactory(user=facilitator, forum=ForumFactory(), role=MembershipRole.FACILITATOR)
    client.force_login(facilitator)

    page = client.get(reverse("insights:downloads")).content.decode()

    assert "Insights" in _sections(_menu(client, facilitator, reverse("insights:downloads")))
    assert _current(page) == ["Your downloads"]


def test_the_kept_menu_shows_each_person_their_own_unread_count_and_standing(client):
    staff, member = UserFactory(is_staff=True), UserFactory()
    NotificationFactory.create_batch(3, recipient=staff)
    NotificationFactory(recipient=member)

    staff_menu = _whole_menu(client, staff)
    member_menu = _whole_menu(client, member)
    staff_again = _whole_menu(client, staff)

    assert _unread(staff_menu) == "3"
    assert _unread(member_menu) == "1"
    assert staff_again == staff_menu
    assert ">Administration</a>" in staff_menu
    assert ">Administration</a>" not in member_menu


def test_the_search_box_shows_only_what_this_person_searched_for(client):
    first, second = UserFactory(), UserFactory()

    searched = _whole_menu(client, first, reverse("search:results") + "?q=intake+forms")
    elsewhere = _whole_menu(client, second, reverse("feedback:issue-list") + "?q=intake+forms")
    other_search = _whole_menu(client, second, reverse("search:results") + "?q=housing")

    assert 'name="q" size="14" maxlength="200" value="intake forms"' in searched
    assert "intake forms" not in elsewhere
    assert 'value="housing"' in other_search
    assert "intake forms" not in other_search


def test_the_search_box_shows_what_was_searched_for_as_text(client):
    person = UserFactory()
    typed = '"><script>alert(1)</script><!--unread-->'

    searched = _whole_menu(client, person, reverse("search:results") + "?q=" + quote(typed))
    empty = _whole_menu(client, person, reverse("search:results"))

    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--unread--&gt;"' in searched
    assert "<script>" not in searched
    assert 'maxlength="200">' in empty


def _whole_menu(client, user, url=None) -> str:
    client.force_login(user)
    html = client.get(url or reverse("feedback:issue-list")).content.decode()
    return html[html.index('<nav class="navbar') : html.index("</nav>")]


def _unread(menu: str) -> str:
    found = re.search(
        r'<span class="badge text-bg-light">(\d+)<span class="visually-hidden"> unread', menu
    )
    return found.group(1) if found else ""
