import datetime as dt

import pytest
from django.urls import reverse

from forums.choices import DEFAULT_MINUTES, AgendaItemKind, MeetingStatus, MembershipRole
from forums.exceptions import ForumActionRefused
from forums.models import AgendaItem, ForumAgendaDefault
from forums.selectors.agenda import agenda_defaults, default_minutes, next_meeting_with_room
from forums.services.agenda import (
    add_agenda_item,
    move_to_later_meeting,
    set_agenda_defaults,
)
from members.models import Notification
from tests.factories.forums import (
    AgendaItemFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def facilitator(meeting):
    return MembershipFactory(forum=meeting.forum, role=MembershipRole.FACILITATOR).user


def _later(meeting, *, days=7, **fields):
    start = meeting.start + dt.timedelta(days=days)
    return MeetingFactory(
        forum=meeting.forum, start=start, end=start + dt.timedelta(hours=2), **fields
    )


def test_default_minutes_without_forum_setting_is_project_default(meeting):
    assert default_minutes(meeting.forum, AgendaItemKind.PRACTICE_ISSUE) == 15
    assert default_minutes(meeting.forum, AgendaItemKind.RESPONSE) == 10
    assert default_minutes(meeting.forum, AgendaItemKind.MATTERS_ARISING) == 10


def test_default_minutes_with_forum_setting_is_forums_own_and_only_there(meeting):
    other = ForumFactory()
    ForumAgendaDefault.objects.create(
        forum=meeting.forum, kind=AgendaItemKind.PRACTICE_ISSUE, minutes=25
    )

    assert default_minutes(meeting.forum, AgendaItemKind.PRACTICE_ISSUE) == 25
    assert default_minutes(other, AgendaItemKind.PRACTICE_ISSUE) == 15
    assert agenda_defaults(meeting.forum) == {
        **DEFAULT_MINUTES,
        AgendaItemKind.PRACTICE_ISSUE: 25,
    }


def test_add_agenda_item_without_minutes_takes_forums_default_for_kind(meeting, facilitator):
    ForumAgendaDefault.objects.create(
        forum=meeting.forum, kind=AgendaItemKind.PRESENTATION, minutes=35
    )

    talk = add_agenda_item(
        meeting, by=facilitator, title="Guest talk", kind=AgendaItemKind.PRESENTATION
    )
    vote = add_agenda_item(meeting, by=facilitator, title="Vote", kind=AgendaItemKind.DECISION)
    told = add_agenda_item(
        meeting, by=facilitator, title="Told", kind=AgendaItemKind.DECISION, minutes_allotted=8
    )

    assert (talk.minutes_allotted, vote.minutes_allotted, told.minutes_allotted) == (35, 5, 8)


def test_agenda_item_add_view_empty_minutes_takes_default_for_kind(client, meeting, facilitator):
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-add", kwargs={"pk": meeting.pk}),
        {"title": "Referral pathways", "kind": AgendaItemKind.PRACTICE_ISSUE},
    )

    assert response.status_code == 302
    assert AgendaItem.objects.get(title="Referral pathways").minutes_allotted == 15


def test_agenda_edit_view_explains_minutes_default_per_kind(client, meeting, facilitator):
    client.force_login(facilitator)

    html = client.get(reverse("forums:agenda-edit", kwargs={"pk": meeting.pk})).content.decode()

    assert "Leave empty for the forum's default for the kind of item" in html
    assert "practice issue 15" in html


def test_set_agenda_defaults_keeps_rows_only_for_changed_kinds(meeting, facilitator):
    minutes = {**DEFAULT_MINUTES, AgendaItemKind.RESPONSE: 20}

    set_agenda_defaults(meeting.forum, minutes=minutes, by=facilitator)

    assert list(ForumAgendaDefault.objects.values_list("kind", "minutes")) == [
        (AgendaItemKind.RESPONSE, 20)
    ]


def test_set_agenda_defaults_back_to_usual_removes_forums_row(meeting, facilitator):
    ForumAgendaDefault.objects.create(forum=meeting.forum, kind=AgendaItemKind.OTHER, minutes=30)

    set_agenda_defaults(meeting.forum, minutes=dict(DEFAULT_MINUTES), by=facilitator)

    assert ForumAgendaDefault.objects.count() == 0


def test_agenda_defaults_view_saves_one_number_per_kind(client, meeting, facilitator):
    client.force_login(facilitator)
    url = reverse("forums:agenda-defaults", kwargs={"slug": meeting.forum.slug})

    response = client.post(url, {**DEFAULT_MINUTES, AgendaItemKind.PRACTICE_ISSUE: 20})

    assert response.status_code == 302
    assert default_minutes(meeting.forum, AgendaItemKind.PRACTICE_ISSUE) == 20
    assert 'value="20"' in client.get(url).content.decode()


def test_agenda_defaults_view_refuses_zero_minutes(client, meeting, facilitator):
    client.force_login(facilitator)
    url = reverse("forums:agenda-defaults", kwargs={"slug": meeting.forum.slug})

    response = client.post(url, {**DEFAULT_MINUTES, AgendaItemKind.DECISION: 0})

    assert response.status_code == 200
    assert response.context["form"].errors[AgendaItemKind.DECISION]
    assert ForumAgendaDefault.objects.count() == 0


def test_next_meeting_with_room_skips_a_full_meeting(meeting):
    full = _later(meeting, days=7)
    AgendaItemFactory(meeting=full, minutes_allotted=110)
    roomy = _later(meeting, days=14)
    AgendaItemFactory(meeting=roomy, minutes_allotted=60)

    assert next_meeting_with_room(meeting, 15) == roomy


def test_move_to_later_meeting_moves_plain_item_to_end_of_later_agenda(meeting, facilitator):
    item = AgendaItemFactory(meeting=meeting, title="Budget", minutes_allotted=20)
    later = _later(meeting)
    AgendaItemFactory(meeting=later, title="Welcome", position=1)

    moved = move_to_later_meeting(item, meeting=later, by=facilitator)

    assert list(later.agenda_items.values_list("title", "position", "minutes_allotted")) == [
        ("Welcome", 1, 15),
        ("Budget", 2, 20),
    ]
    assert moved.meeting == later
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize(
    "target",
    ["earlier", "other_forum", "draft", "cancelled"],
)
def test_move_to_later_meeting_not_later_open_meeting_of_forum_is_refused(
    meeting, facilitator, target
):
    item = AgendaItemFactory(meeting=meeting, title="Budget")
    targets = {
        "earlier": lambda: _later(meeting, days=-1),
        "other_forum": lambda: MeetingFactory(start=meeting.start + dt.timedelta(days=7)),
        "draft": lambda: _later(meeting, status=MeetingStatus.DRAFT),
        "cancelled": lambda: _later(meeting, status=MeetingStatus.CANCELLED),
    }
    other = targets[target]()

    with pytest.raises(ForumActionRefused):
        move_to_later_meeting(item, meeting=other, by=facilitator)

    assert list(AgendaItem.objects.values_list("pk", "meeting")) == [(item.pk, meeting.pk)]


def test_move_to_later_meeting_over_time_tells_each_facilitator_once(meeting, facilitator):
    chair = MembershipFactory(forum=meeting.forum, role=MembershipRole.CHAIR).user
    MembershipFactory(forum=meeting.forum, role=MembershipRole.MEMBER)
    item = AgendaItemFactory(meeting=meeting, title="Budget", minutes_allotted=30)
    later = _later(meeting)
    AgendaItemFactory(meeting=later, minutes_allotted=100)
    roomy = _later(meeting, days=14)

    move_to_later_meeting(item, meeting=later, by=facilitator)

    notices = Notification.objects.order_by("recipient_id")
    assert [n.recipient for n in notices] == sorted([facilitator, chair], key=lambda u: u.pk)
    assert {n.subject for n in notices} == {f"{later} is now 130 of 120 minutes"}
    assert str(roomy) in notices[0].body


def test_agenda_item_later_view_moves_plain_item(client, meeting, facilitator):
    item = AgendaItemFactory(meeting=meeting, title="Budget")
    later = _later(meeting)
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-later", kwargs={"pk": meeting.pk, "item_pk": item.pk}),
        {"meeting": later.pk},
    )

    assert response.status_code == 302
    assert list(later.agenda_items.values_list("title", flat=True)) == ["Budget"]
    assert meeting.agenda_items.count() == 0


def test_agenda_item_later_view_earlier_meeting_shows_refusal(client, meeting, facilitator):
    item = AgendaItemFactory(meeting=meeting, title="Budget")
    earlier = _later(meeting, days=-2)
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-later", kwargs={"pk": meeting.pk, "item_pk": item.pk}),
        {"meeting": earlier.pk},
        follow=True,
    )

    assert "is not a later open meeting" in response.content.decode()
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Budget"]


def test_agenda_edit_view_over_time_names_the_overrun(client, meeting, facilitator):
    AgendaItemFactory(meeting=meeting, minutes_allotted=100)
    AgendaItemFactory(meeting=meeting, minutes_allotted=30)
    client.force_login(facilitator)

    html = client.get(reverse("forums:agenda-edit", kwargs={"pk": meeting.pk})).content.decode()

    assert f"<strong>Over time:</strong> {meeting.title} is now 130 of 120 minutes." in html


def test_agenda_edit_view_offers_later_meetings_to_move_to(client, meeting, facilitator):
    item = AgendaItemFactory(meeting=meeting, title="Budget")
    later = _later(meeting)
    client.force_login(facilitator)

    html = client.get(reverse("forums:agenda-edit", kwargs={"pk": meeting.pk})).content.decode()

    action = reverse("forums:agenda-item-later", kwargs={"pk": meeting.pk, "item_pk": item.pk})
    assert f'action="{action}"' in html
    assert f'<option value="{later.pk}">{later}</option>' in html


def test_move_to_later_meeting_matters_arising_is_refused(meeting, facilitator):
    item = AgendaItemFactory(meeting=meeting, kind=AgendaItemKind.MATTERS_ARISING)

    with pytest.raises(ForumActionRefused, match="Matters arising belongs to its own meeting"):
        move_to_later_meeting(item, meeting=_later(meeting), by=facilitator)

    assert AgendaItem.objects.get(pk=item.pk).meeting == meeting


def test_agenda_edit_view_of_held_meeting_offers_no_move(client, meeting, facilitator):
    AgendaItemFactory(meeting=meeting, title="Budget")
    _later(meeting)
    meeting.status = MeetingStatus.COMPLETED
    meeting.save(update_fields=["status"])
    client.force_login(facilitator)

    html = client.get(reverse("forums:agenda-edit", kwargs={"pk": meeting.pk})).content.decode()

    assert "to this later meeting" not in html
