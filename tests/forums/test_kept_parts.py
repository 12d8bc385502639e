"""Parts of a forum's pages kept once drawn (cop_portal.kept): shared by readers who may see
the same, and drawn afresh as soon as anything they show changes."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from feedback.models import PracticeIssue
from feedback.services.routing import place_on_agenda
from forums.choices import ActionStatus, MeetingStatus, MembershipRole
from forums.models import Forum
from forums.services.agenda import add_agenda_item, publish_agenda
from forums.services.matters import ensure_matters_arising
from forums.services.meetings import update_meeting
from forums.services.membership import add_member
from forums.services.minutes import update_action_status
from forums.services.resources import add_resource
from forums.views.agenda import AgendaPackView
from forums.views.forums import ForumDetailView
from forums.views.meeting_detail import MeetingDetailView
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
)
from tests.factories.members import UserFactory
from tests.kept import begun, shown_to

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
    return MeetingFactory(forum=forum, title="March meeting", start=_at(-1), end=_at(-1, 12))


@pytest.fixture
def upcoming(forum, facilitator):
    meeting = MeetingFactory(forum=forum, title="April meeting", start=_at(7), end=_at(7, 12))
    AgendaItemFactory(meeting=meeting, title="Welcome", position=1)
    publish_agenda(meeting, by=facilitator)
    return meeting


@pytest.fixture
def arising(held, upcoming, facilitator):
    """The upcoming meeting follows up an open action of the held one, about an issue."""
    item = AgendaItemFactory(meeting=held, title="Housing referrals")
    DecisionFactory(agenda_item=item, text="Map the housing referral pathways.")
    issue = PracticeIssueFactory(origin_forum=held.forum, title="Housing referrals stall")
    referral = issue.referrals.get()
    referral.agenda_item = item
    referral.save(update_fields=["agenda_item"])
    action = ActionItemFactory(
        meeting=held, agenda_item=item, title="Map referral pathways", due_date=_at(5).date()
    )
    ensure_matters_arising(upcoming, by=facilitator)
    return action, issue


def _member(forum):
    return MembershipFactory(forum=forum, role=MembershipRole.MEMBER).user


def _pack(client, meeting, reader) -> tuple[str, int]:
    """The agenda pack as this reader is shown it, and how many queries it took."""
    return shown_to(client, reverse("forums:agenda-pack", kwargs={"pk": meeting.pk}), reader)


def test_agenda_pack_drawn_for_one_member_is_shown_to_the_next_without_gathering_it_again(
    client, forum, upcoming, arising
):
    one, another = _member(forum), _member(forum)
    first, drawn = _pack(client, upcoming, one)

    second, shown = _pack(client, upcoming, another)

    assert "Map referral pathways" in first
    assert "Map referral pathways" in second
    assert shown < drawn


def test_agenda_pack_shows_an_item_added_after_it_was_drawn(client, forum, upcoming, facilitator):
    _pack(client, upcoming, _member(forum))

    add_agenda_item(upcoming, by=facilitator, title="Family violence referrals")

    html, _ = _pack(client, upcoming, _member(forum))
    assert "Family violence referrals" in html


def test_agenda_pack_drops_an_action_done_after_it_was_drawn(
    client, forum, upcoming, arising, facilitator
):
    action, _ = arising
    _pack(client, upcoming, _member(forum))

    update_action_status(action, by=facilitator, status=ActionStatus.DONE)

    html, _ = _pack(client, upcoming, _member(forum))
    assert "Map referral pathways" not in html
    assert "Every action from that meeting is done or cancelled." in html


def test_agenda_pack_shows_a_resource_added_after_it_was_drawn(
    client, forum, upcoming, facilitator
):
    _pack(client, upcoming, _member(forum))

    add_resource(
        forum, by=facilitator, title="Referral map", url="https://example.org/map", meeting=upcoming
    )

    html, _ = _pack(client, upcoming, _member(forum))
    assert "Referral map" in html


def test_agenda_pack_names_an_issue_restricted_after_it_was_drawn_by_its_reference_only(
    client, forum, upcoming, arising
):
    _, issue = arising
    # The issue has moved on to another forum since; its stay here still names it.
    PracticeIssue.objects.filter(pk=issue.pk).update(current_forum=ForumFactory())
    html, _ = _pack(client, upcoming, _member(forum))
    assert "Housing referrals stall" in html

    issue.refresh_from_db()
    issue.restricted = True
    issue.save(update_fields=["restricted"])

    html, _ = _pack(client, upcoming, _member(forum))
    assert "Housing referrals stall" not in html
    assert f"Issue {issue.reference}</a>" in html


def test_agenda_pack_drawn_for_a_member_shows_an_outsider_no_unpublished_actions(
    client, forum, upcoming, arising
):
    member, outsider = _member(forum), UserFactory()
    member_sees, _ = _pack(client, upcoming, member)

    outsider_sees, _ = _pack(client, upcoming, outsider)

    assert "Map referral pathways" in member_sees
    assert "Map referral pathways" not in outsider_sees
    assert "they are listed for those who may read its minutes" in outsider_sees


def test_agenda_pack_kept_for_no_time_is_gathered_for_every_reader(
    client, forum, upcoming, arising, settings
):
    settings.PAGE_PARTS_CACHE_SECONDS = 0
    one, another = _member(forum), _member(forum)
    _, drawn = _pack(client, upcoming, one)

    html, shown = _pack(client, upcoming, another)

    assert "Map referral pathways" in html
    assert shown == drawn


# --- The forum's page ---------------------------------------------------------------------


def _forum_page(client, forum, reader) -> tuple[str, int]:
    return shown_to(client, reverse("forums:forum-detail", kwargs={"slug": forum.slug}), reader)


def test_forum_page_drawn_for_one_member_is_shown_to_the_next_without_gathering_it(
    client, forum, upcoming
):
    one, another = _member(forum), _member(forum)
    first, drawn = _forum_page(client, forum, one)

    second, shown = _forum_page(client, forum, another)

    assert "April meeting" in first
    assert "April meeting" in second
    assert shown < drawn


def test_forum_page_lists_a_member_added_after_it_was_drawn(client, forum, facilitator):
    _forum_page(client, forum, facilitator)
    newcomer = UserFactory(display_name="Nell Newcomer")

    add_member(forum, by=facilitator, email=newcomer.email)

    html, _ = _forum_page(client, forum, facilitator)
    assert "Nell Newcomer" in html


def test_forum_page_drops_a_resource_moved_to_another_forum_after_it_was_drawn(
    client, forum, facilitator
):
    resource = add_resource(
        forum, by=facilitator, title="Referral map", url="https://example.org/map"
    )
    elsewhere = ForumFactory()
    first, _ = _forum_page(client, forum, facilitator)

    resource.forum = elsewhere
    resource.save()

    html, _ = _forum_page(client, forum, facilitator)
    assert "Referral map" in first
    assert "Referral map" not in html


def test_forum_page_draft_drawn_for_its_facilitator_is_not_shown_to_a_member(
    client, forum, facilitator
):
    MeetingFactory(forum=forum, title="May draft", status=MeetingStatus.DRAFT)
    member = _member(forum)
    facilitator_sees, _ = _forum_page(client, forum, facilitator)

    member_sees, _ = _forum_page(client, forum, member)

    assert "May draft" in facilitator_sees
    assert "May draft" not in member_sees


def test_forum_page_moves_a_meeting_to_past_meetings_once_it_ends(client, forum, facilitator):
    # Minutes ahead, so that it ends well within the time a drawing is kept.
    start = timezone.now() + dt.timedelta(minutes=1)
    MeetingFactory(
        forum=forum, title="Short catch-up", start=start, end=start + dt.timedelta(minutes=2)
    )
    html, _ = _forum_page(client, forum, facilitator)
    assert "Short catch-up" in html[: html.index('id="past"')]

    with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
        html, _ = _forum_page(client, forum, facilitator)

    assert "Short catch-up" in html[html.index('id="past"') :]


# --- The meeting page ---------------------------------------------------------------------


def _meeting_page(client, meeting, reader) -> tuple[str, int]:
    return shown_to(client, reverse("forums:meeting-detail", kwargs={"pk": meeting.pk}), reader)


def test_meeting_page_drawn_for_one_member_is_shown_to_the_next_without_gathering_it(
    client, forum, upcoming, arising
):
    one, another = _member(forum), _member(forum)
    first, drawn = _meeting_page(client, upcoming, one)

    second, shown = _meeting_page(client, upcoming, another)

    assert "Map referral pathways" in first
    assert "Map referral pathways" in second
    assert shown < drawn


def test_meeting_page_counts_an_answer_sent_after_it_was_drawn_and_offers_to_change_it(
    client, forum, upcoming
):
    member = _member(forum)
    html, _ = _meeting_page(client, upcoming, member)
    assert "Send my answer" in html

    client.post(reverse("forums:meeting-rsvp", kwargs={"pk": upcoming.pk}), {"response": "going"})

    html, _ = _meeting_page(client, upcoming, member)
    assert "Going: 1" in html
    assert "Change my answer" in html


def test_meeting_page_drawn_for_its_facilitator_shows_a_member_no_names_of_who_is_coming(
    client, forum, upcoming, facilitator
):
    RsvpFactory(meeting=upcoming, user=UserFactory(display_name="Gina Going"))
    member = _member(forum)
    facilitator_sees, _ = _meeting_page(client, upcoming, facilitator)

    member_sees, _ = _meeting_page(client, upcoming, member)

    assert "Gina Going" in facilitator_sees
    assert "Going: 1" in member_sees
    assert "Gina Going" not in member_sees


def test_meeting_page_offers_to_record_outcomes_once_the_meeting_starts(client, forum, facilitator):
    # Minutes ahead, so that it starts well within the time a drawing is kept.
    start = timezone.now() + dt.timedelta(minutes=2)
    meeting = MeetingFactory(forum=forum, start=start, end=start + dt.timedelta(hours=2))
    issue = PracticeIssueFactory(origin_forum=forum, title="Intake forms repeat")
    place_on_agenda(issue, meeting=meeting, by=facilitator)
    html, _ = _meeting_page(client, meeting, facilitator)
    assert "Outcomes to record" not in html

    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        html, _ = _meeting_page(client, meeting, facilitator)

    assert "Outcomes to record" in html
    assert "Intake forms repeat" in html


# A reader's request that began before a change and draws its parts after the change is
# committed and forgotten keeps them under the new stamp: drawn from what it read first, they
# would show every later reader the page as it was.


def test_meeting_page_begun_before_the_agenda_is_published_keeps_it_published_for_the_next(
    client, forum, facilitator, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(forum=forum, title="May meeting", start=_at(9), end=_at(9, 12))
    AgendaItemFactory(meeting=meeting, title="Kinship care pathways", position=1)
    url = reverse("forums:meeting-detail", kwargs={"pk": meeting.pk})
    one, another = _member(forum), _member(forum)
    reading = begun(MeetingDetailView, url, one, pk=meeting.pk)

    with django_capture_on_commit_callbacks(execute=True):
        publish_agenda(meeting, by=facilitator)
    reading.get_context_data()
    page, _queries = _meeting_page(client, meeting, another)

    assert "Kinship care pathways" in page


def test_agenda_pack_begun_before_the_meeting_moves_times_its_items_anew_for_the_next(
    client, forum, facilitator, upcoming, django_capture_on_commit_callbacks
):
    url = reverse("forums:agenda-pack", kwargs={"pk": upcoming.pk})
    one, another = _member(forum), _member(forum)
    reading = begun(AgendaPackView, url, one, pk=upcoming.pk)

    with django_capture_on_commit_callbacks(execute=True):
        update_meeting(
            upcoming,
            by=facilitator,
            title=upcoming.title,
            start=_at(7, 14),
            end=_at(7, 16),
            place="Town hall",
        )
    reading.get_context_data()
    pack, _queries = _pack(client, upcoming, another)

    assert "<td>2:00 p.m.</td>" in pack
    assert "<td>10:00 a.m.</td>" not in pack


def test_forum_page_begun_before_the_forum_is_renamed_shows_the_next_reader_its_new_name(
    client, forum, held, upcoming, django_capture_on_commit_callbacks
):
    url = reverse("forums:forum-detail", kwargs={"slug": forum.slug})
    one, another = _member(forum), _member(forum)
    reading = begun(ForumDetailView, url, one, slug=forum.slug)
    old_name = forum.name

    with django_capture_on_commit_callbacks(execute=True):
        renamed = Forum.objects.get(pk=forum.pk)
        renamed.name = "Riverina CFSN"
        renamed.save()
    reading.get_context_data()
    page, _queries = _forum_page(client, forum, another)

    assert "Riverina CFSN" in page
    assert old_name not in page
