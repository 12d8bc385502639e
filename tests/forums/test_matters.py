import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.choices import ResponseScope
from feedback.models import Response
from forums.choices import (
    ActionStatus,
    AgendaItemKind,
    ForumEventKind,
    MeetingStatus,
    MembershipRole,
)
from forums.exceptions import ForumActionRefused
from forums.models import AgendaItem, ForumAgendaDefault, ForumEvent, Meeting
from forums.selectors.agenda import AGENDA_PAGE_SIZE, timed_agenda
from forums.services.agenda import publish_agenda, remove_agenda_item
from forums.services.matters import ensure_matters_arising
from forums.services.meetings import complete_meeting, schedule_meetings
from forums.services.minutes import add_action_item, publish_minutes
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
)
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def forum():
    return ForumFactory()


@pytest.fixture
def facilitator(forum):
    return MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user


@pytest.fixture
def held(forum):
    """Yesterday's meeting, published and started, not yet marked as held."""
    return MeetingFactory(forum=forum, title="March meeting", start=_at(-1), end=_at(-1, 12))


@pytest.fixture
def upcoming(forum):
    meeting = MeetingFactory(forum=forum, title="April meeting", start=_at(7), end=_at(7, 12))
    AgendaItemFactory(meeting=meeting, title="Welcome", position=1)
    AgendaItemFactory(meeting=meeting, title="Referrals", position=2)
    return meeting


def _titles(meeting) -> list[str]:
    return list(meeting.agenda_items.order_by("position", "id").values_list("title", flat=True))


def _arising_titles(meeting) -> list[str]:
    first = timed_agenda(meeting)[0]
    return [arising.action.title for arising in first.arising]


def test_complete_meeting_with_open_actions_puts_matters_arising_first_on_next_meeting(
    held, upcoming, facilitator
):
    ActionItemFactory(meeting=held, title="Map referral pathways", due_date=_at(3).date())
    ActionItemFactory(
        meeting=held,
        title="Invite housing",
        status=ActionStatus.IN_PROGRESS,
        due_date=_at(2).date(),
    )
    ActionItemFactory(meeting=held, title="Book the room", status=ActionStatus.DONE)
    ActionItemFactory(meeting=held, title="Write to the minister", status=ActionStatus.CANCELLED)

    complete_meeting(held, by=facilitator)

    item = upcoming.agenda_items.get(position=1)
    assert _titles(upcoming) == ["Matters arising", "Welcome", "Referrals"]
    assert list(upcoming.agenda_items.values_list("position", flat=True)) == [1, 2, 3]
    assert (item.kind, item.minutes_allotted, item.matters_from) == (
        AgendaItemKind.MATTERS_ARISING,
        10,
        held,
    )
    assert _arising_titles(upcoming) == ["Invite housing", "Map referral pathways"]
    event = ForumEvent.objects.get(meeting=upcoming, kind=ForumEventKind.AGENDA_CHANGED)
    assert (event.actor, event.note) == (
        facilitator,
        "Added: Matters arising (open actions of March meeting)",
    )


def test_ensure_matters_arising_takes_the_forums_own_minutes(forum, held, upcoming, facilitator):
    ForumAgendaDefault.objects.create(forum=forum, kind=AgendaItemKind.MATTERS_ARISING, minutes=5)
    ActionItemFactory(meeting=held)

    item = ensure_matters_arising(upcoming, by=facilitator)

    assert item.minutes_allotted == 5


def test_ensure_matters_arising_called_twice_adds_one_item(held, upcoming, facilitator):
    ActionItemFactory(meeting=held)

    first = ensure_matters_arising(upcoming, by=facilitator)
    second = ensure_matters_arising(upcoming, by=facilitator)

    assert first == second
    assert _titles(upcoming) == ["Matters arising", "Welcome", "Referrals"]
    assert ForumEvent.objects.filter(meeting=upcoming).count() == 1


def test_ensure_matters_arising_after_facilitator_removed_it_is_not_added_again(
    held, upcoming, facilitator
):
    ActionItemFactory(meeting=held)
    item = ensure_matters_arising(upcoming, by=facilitator)

    remove_agenda_item(item, by=facilitator)
    again = ensure_matters_arising(upcoming, by=facilitator)
    publish_agenda(upcoming, by=facilitator)

    upcoming.refresh_from_db()
    assert again is None
    assert upcoming.matters_arising_removed is True
    assert _titles(upcoming) == ["Welcome", "Referrals"]


def test_ensure_matters_arising_nothing_left_open_adds_no_item(held, upcoming, facilitator):
    ActionItemFactory(meeting=held, status=ActionStatus.DONE)
    ActionItemFactory(meeting=held, status=ActionStatus.CANCELLED)

    item = ensure_matters_arising(upcoming, by=facilitator)

    assert item is None
    assert _titles(upcoming) == ["Welcome", "Referrals"]
    assert not ForumEvent.objects.filter(meeting=upcoming).exists()


def test_ensure_matters_arising_skips_a_cancelled_meeting_in_between(
    forum, held, upcoming, facilitator
):
    ActionItemFactory(meeting=held, title="Map referral pathways")
    cancelled = MeetingFactory(
        forum=forum, start=_at(3), end=_at(3, 12), status=MeetingStatus.CANCELLED
    )
    ActionItemFactory(meeting=cancelled, title="Never agreed")

    item = ensure_matters_arising(upcoming, by=facilitator)

    assert item.matters_from == held
    assert _arising_titles(upcoming) == ["Map referral pathways"]


def test_ensure_matters_arising_on_a_held_meeting_adds_nothing(held, facilitator, forum):
    earlier = MeetingFactory(forum=forum, start=_at(-30), end=_at(-30, 12))
    ActionItemFactory(meeting=earlier)
    held.status = MeetingStatus.COMPLETED
    held.save(update_fields=["status"])

    item = ensure_matters_arising(held, by=facilitator)

    assert item is None
    assert not held.agenda_items.exists()


def test_ensure_matters_arising_only_other_forums_actions_adds_no_item(held, upcoming, facilitator):
    ActionItemFactory(meeting=MeetingFactory(start=_at(-1), end=_at(-1, 12)))

    item = ensure_matters_arising(upcoming, by=facilitator)

    assert item is None
    assert _titles(upcoming) == ["Welcome", "Referrals"]


def test_publish_agenda_previous_meeting_left_actions_open_opens_with_matters_arising(
    held, upcoming, facilitator
):
    ActionItemFactory(meeting=held, title="Map referral pathways")

    publish_agenda(upcoming, by=facilitator)

    assert _titles(upcoming) == ["Matters arising", "Welcome", "Referrals"]
    assert _arising_titles(upcoming) == ["Map referral pathways"]


def test_publish_agenda_refused_for_a_draft_keeps_agenda_unchanged(held, forum, facilitator):
    draft = MeetingFactory(
        forum=forum, start=_at(7), end=_at(7, 12), status=MeetingStatus.DRAFT, published_at=None
    )
    AgendaItemFactory(meeting=draft, title="Welcome", position=1)
    ActionItemFactory(meeting=held)

    with pytest.raises(ForumActionRefused, match="Only the agenda of a published meeting"):
        publish_agenda(draft, by=facilitator)

    assert _titles(draft) == ["Welcome"]


def test_schedule_meetings_after_a_meeting_with_open_actions_adds_matters_arising(
    held, forum, facilitator
):
    ActionItemFactory(meeting=held, title="Map referral pathways")

    first, second = schedule_meetings(
        forum,
        by=facilitator,
        title="Monthly meeting",
        spans=[(_at(28), _at(28, 12)), (_at(56), _at(56, 12))],
        place="Town hall",
    )

    assert _titles(first) == ["Matters arising"]
    assert first.agenda_items.get().matters_from == held
    assert _titles(second) == []


def test_add_action_item_at_held_meeting_puts_matters_arising_on_next_meeting(
    held, upcoming, facilitator
):
    owner = MembershipFactory(forum=held.forum).user

    add_action_item(
        held, by=facilitator, title="Map referral pathways", owner=owner, due_date=_at(14).date()
    )

    assert _titles(upcoming) == ["Matters arising", "Welcome", "Referrals"]
    assert _arising_titles(upcoming) == ["Map referral pathways"]


def test_publish_minutes_with_open_actions_puts_matters_arising_on_next_meeting(
    held, upcoming, facilitator
):
    ActionItemFactory(meeting=held, title="Map referral pathways")

    publish_minutes(held, by=facilitator)

    assert _titles(upcoming) == ["Matters arising", "Welcome", "Referrals"]


def test_ensure_matters_arising_meeting_scheduled_in_between_follows_it_up(
    forum, held, upcoming, facilitator
):
    ActionItemFactory(meeting=held, title="Map referral pathways")
    ensure_matters_arising(upcoming, by=facilitator)
    between = MeetingFactory(forum=forum, start=_at(3), end=_at(3, 12))
    ActionItemFactory(meeting=between, title="Draft the letter")

    item = ensure_matters_arising(upcoming, by=facilitator)

    assert item.matters_from == between
    assert _titles(upcoming) == ["Matters arising", "Welcome", "Referrals"]
    assert _arising_titles(upcoming) == ["Draft the letter"]


def test_timed_agenda_matters_arising_reads_actions_live(held, upcoming, facilitator):
    action = ActionItemFactory(meeting=held, title="Map referral pathways")
    ActionItemFactory(meeting=held, title="Invite housing")
    ensure_matters_arising(upcoming, by=facilitator)

    action.status = ActionStatus.DONE
    action.save(update_fields=["status"])

    assert _arising_titles(upcoming) == ["Invite housing"]


# The pages


def _page(client, name: str, meeting) -> str:
    response = client.get(reverse(name, kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def arising(held, upcoming, facilitator):
    """Matters arising on the upcoming meeting: an action with its decision and issue."""
    item = AgendaItemFactory(meeting=held, title="Housing referrals")
    decision = DecisionFactory(agenda_item=item, text="Map the housing referral pathways.")
    issue = PracticeIssueFactory(origin_forum=held.forum, title="Housing referrals stall")
    referral = issue.referrals.get()
    referral.agenda_item = item
    referral.save(update_fields=["agenda_item"])
    owner = UserFactory(display_name="Ana Owner")
    action = ActionItemFactory(
        meeting=held,
        agenda_item=item,
        title="Map referral pathways",
        owner=owner,
        due_date=_at(-2).date(),
    )
    ensure_matters_arising(upcoming, by=facilitator)
    return action, decision, issue


def test_matters_arising_links_a_decision_to_the_page_of_a_long_agenda_showing_it(
    client, upcoming, held, facilitator
):
    for position in range(1, AGENDA_PAGE_SIZE + 2):
        AgendaItemFactory(meeting=held, position=position)
    item = AgendaItemFactory(meeting=held, position=AGENDA_PAGE_SIZE + 2, title="Late item")
    decision = DecisionFactory(agenda_item=item, text="Decided late in the day.")
    ActionItemFactory(meeting=held, agenda_item=item, title="Follow the late item")
    ensure_matters_arising(upcoming, by=facilitator)
    client.force_login(facilitator)

    html = _page(client, "forums:meeting-detail", upcoming)

    decision_url = reverse("forums:meeting-detail", kwargs={"pk": held.pk})
    assert f'href="{decision_url}?page=2#decision-{decision.pk}"' in html


@pytest.mark.parametrize(
    "name", ["forums:meeting-detail", "forums:agenda-edit", "forums:agenda-pack"]
)
def test_agenda_pages_list_matters_arising_with_decision_and_issue_links(
    client, upcoming, held, facilitator, arising, name
):
    _, decision, issue = arising
    client.force_login(facilitator)

    html = _page(client, name, upcoming)

    assert "Matters arising" in html
    assert "Map referral pathways — Ana Owner, due" in html
    assert '<span class="badge text-bg-danger">Overdue</span>, open' in html
    decision_url = reverse("forums:meeting-detail", kwargs={"pk": held.pk})
    assert f'href="{decision_url}#decision-{decision.pk}"' in html
    assert (
        f'<a href="{issue.get_absolute_url()}">Issue {issue.reference}: Housing referrals stall</a>'
        in html
    )


def test_meeting_detail_previous_minutes_hold_the_decision_anchor(
    client, held, facilitator, arising
):
    _, decision, _ = arising
    client.force_login(facilitator)

    html = _page(client, "forums:meeting-detail", held)

    assert f'id="decision-{decision.pk}"' in html


def test_meeting_detail_restricted_issue_is_named_by_reference_only(
    client, upcoming, facilitator, arising
):
    _, _, issue = arising
    issue.restricted = True
    issue.save(update_fields=["restricted"])
    client.force_login(facilitator)

    html = _page(client, "forums:meeting-detail", upcoming)

    assert f'<a href="{issue.get_absolute_url()}">Issue {issue.reference}</a>' in html
    assert "Housing referrals stall" not in html


def test_meeting_detail_response_action_links_to_its_issue(client, held, upcoming, facilitator):
    issue = PracticeIssueFactory(origin_forum=held.forum, title="Intake forms repeat")
    action = ActionItemFactory(meeting=held, title="Carry out the response")
    Response.objects.create(
        issue=issue,
        decision="One shared intake form.",
        owner=action.owner,
        due_date=action.due_date,
        scope=ResponseScope.ORIGIN,
        action_item=action,
    )
    ensure_matters_arising(upcoming, by=facilitator)
    client.force_login(facilitator)

    html = _page(client, "forums:meeting-detail", upcoming)

    assert (
        f'<a href="{issue.get_absolute_url()}">Issue {issue.reference}: Intake forms repeat</a>'
        in html
    )


def test_meeting_detail_outsider_sees_matters_arising_without_unpublished_actions(
    client, upcoming, arising
):
    upcoming.agenda_published_at = timezone.now()
    upcoming.save(update_fields=["agenda_published_at"])
    client.force_login(UserFactory())

    html = _page(client, "forums:meeting-detail", upcoming)

    assert "Matters arising" in html
    assert "Map referral pathways" not in html
    assert "they are listed for those who may read its minutes" in html


def _fill_arising(held, size: int) -> None:
    for n in range(size):
        item = AgendaItemFactory(meeting=held, title=f"Item {n}")
        DecisionFactory(agenda_item=item)
        issue = PracticeIssueFactory(origin_forum=held.forum)
        referral = issue.referrals.get()
        referral.agenda_item = item
        referral.save(update_fields=["agenda_item"])
        ActionItemFactory(meeting=held, agenda_item=item, owner=UserFactory())


@pytest.mark.parametrize(
    ("name", "queries"),
    [("forums:meeting-detail", 16), ("forums:agenda-edit", 14), ("forums:agenda-pack", 12)],
)
@pytest.mark.parametrize("size", [2, 8])
def test_agenda_pages_matters_arising_query_count_is_fixed(
    client, django_assert_num_queries, held, upcoming, facilitator, name, queries, size
):
    _fill_arising(held, size)
    ensure_matters_arising(upcoming, by=facilitator)
    client.force_login(facilitator)
    url = reverse(name, kwargs={"pk": upcoming.pk})

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.content.decode().count('class="arising-action') == size


def test_matters_arising_item_links_to_meeting_it_follows(held, upcoming, facilitator):
    ActionItemFactory(meeting=held)

    item = ensure_matters_arising(upcoming, by=facilitator)

    assert AgendaItem.objects.get(pk=item.pk).matters_from == Meeting.objects.get(pk=held.pk)
