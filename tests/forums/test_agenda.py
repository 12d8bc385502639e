import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from forums.choices import AgendaItemKind, ForumEventKind, MeetingStatus, MembershipRole
from forums.exceptions import ForumActionRefused
from forums.models import AgendaItem, ForumEvent
from forums.services.agenda import (
    add_agenda_item,
    change_agenda_item,
    move_agenda_item,
    publish_agenda,
    remove_agenda_item,
)
from forums.services.minutes import record_minutes
from members.models import Notification
from tests.factories.forums import (
    AgendaItemFactory,
    MeetingFactory,
    MembershipFactory,
    ResourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def facilitator(meeting):
    return MembershipFactory(forum=meeting.forum, role=MembershipRole.FACILITATOR).user


def _titles(meeting) -> list[str]:
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


def _agenda(meeting, *titles):
    return [
        AgendaItemFactory(meeting=meeting, title=t, position=n) for n, t in enumerate(titles, 1)
    ]


def test_move_agenda_item_down_swaps_with_next_and_renumbers(meeting, facilitator):
    welcome, _, _ = _agenda(meeting, "Welcome", "Referrals", "Close")

    move_agenda_item(welcome, by=facilitator, direction="down")

    assert _titles(meeting) == ["Referrals", "Welcome", "Close"]
    assert list(meeting.agenda_items.values_list("position", flat=True)) == [1, 2, 3]
    assert ForumEvent.objects.filter(kind=ForumEventKind.AGENDA_CHANGED).count() == 1


def test_move_agenda_item_up_from_first_is_refused(meeting, facilitator):
    welcome, _ = _agenda(meeting, "Welcome", "Close")

    with pytest.raises(ForumActionRefused, match="already first"):
        move_agenda_item(welcome, by=facilitator, direction="up")

    assert _titles(meeting) == ["Welcome", "Close"]


def test_move_agenda_item_down_from_last_is_refused(meeting, facilitator):
    _, close = _agenda(meeting, "Welcome", "Close")

    with pytest.raises(ForumActionRefused, match="already last"):
        move_agenda_item(close, by=facilitator, direction="down")


def test_move_agenda_item_with_gaps_in_positions_renumbers_from_one(meeting, facilitator):
    a = AgendaItemFactory(meeting=meeting, title="A", position=5)
    AgendaItemFactory(meeting=meeting, title="B", position=9)

    move_agenda_item(a, by=facilitator, direction="down")

    assert list(meeting.agenda_items.values_list("title", "position")) == [("B", 1), ("A", 2)]


def test_change_agenda_item_past_the_end_is_refused_and_nothing_changes(meeting, facilitator):
    welcome, _ = _agenda(meeting, "Welcome", "Close")

    with pytest.raises(ForumActionRefused, match="positions 1 to 2"):
        change_agenda_item(
            welcome,
            by=facilitator,
            title="Hello",
            kind=AgendaItemKind.STANDING,
            minutes_allotted=5,
            position=3,
        )

    assert _titles(meeting) == ["Welcome", "Close"]


def test_change_agenda_item_to_position_one_moves_it_first(meeting, facilitator):
    _, _, close = _agenda(meeting, "Welcome", "Referrals", "Close")

    change_agenda_item(
        close,
        by=facilitator,
        title="Close early",
        kind=AgendaItemKind.DECISION,
        minutes_allotted=7,
        presenter="Chair",
        position=1,
    )

    assert _titles(meeting) == ["Close early", "Welcome", "Referrals"]
    close.refresh_from_db()
    assert (close.kind, close.minutes_allotted, close.presenter) == ("decision", 7, "Chair")


def test_remove_agenda_item_closes_the_gap(meeting, facilitator):
    _, referrals, _ = _agenda(meeting, "Welcome", "Referrals", "Close")

    remove_agenda_item(referrals, by=facilitator)

    assert list(meeting.agenda_items.values_list("title", "position")) == [
        ("Welcome", 1),
        ("Close", 2),
    ]


def test_remove_agenda_item_of_cancelled_meeting_is_refused(facilitator, meeting):
    (item,) = _agenda(meeting, "Welcome")
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()

    with pytest.raises(ForumActionRefused, match="cancelled"):
        remove_agenda_item(item, by=facilitator)


def test_an_item_of_a_meeting_that_has_started_stays_on_its_agenda(client, facilitator, meeting):
    _welcome, referrals = _agenda(meeting, "Welcome", "Referrals")
    delete = reverse("forums:agenda-item-delete", args=[meeting.pk, referrals.pk])
    client.force_login(facilitator)

    with time_machine.travel(meeting.start + dt.timedelta(minutes=30), tick=False):
        record_minutes(meeting, by=facilitator, notes={referrals.pk: "Agreed."}, decisions={})
        with pytest.raises(ForumActionRefused, match="stay on its agenda as its record"):
            remove_agenda_item(referrals, by=facilitator)
        page = client.post(delete, follow=True).content.decode()

    assert _titles(meeting) == ["Welcome", "Referrals"]
    assert AgendaItem.objects.get(pk=referrals.pk).notes == "Agreed."
    assert "This meeting has started, so its items stay on its agenda as its record" in page


def test_an_item_added_by_mistake_during_the_meeting_can_still_be_taken_off(facilitator, meeting):
    _agenda(meeting, "Welcome")

    with time_machine.travel(meeting.start + dt.timedelta(minutes=30), tick=False):
        mistake = add_agenda_item(meeting, by=facilitator, title="Welcome again")
        remove_agenda_item(mistake, by=facilitator)

    assert _titles(meeting) == ["Welcome"]


def test_publish_agenda_notifies_every_member_with_link(
    meeting, facilitator, django_capture_on_commit_callbacks, mailoutbox
):
    members = [MembershipFactory(forum=meeting.forum).user for _ in range(2)]
    _agenda(meeting, "Welcome")

    with django_capture_on_commit_callbacks(execute=True):
        publish_agenda(meeting, by=facilitator)

    meeting.refresh_from_db()
    assert meeting.agenda_published_at is not None
    notified = Notification.objects.filter(url=meeting.get_absolute_url())
    assert set(notified.values_list("recipient", flat=True)) == {
        facilitator.pk,
        *(m.pk for m in members),
    }
    assert len(mailoutbox) == 3
    assert ForumEvent.objects.filter(kind=ForumEventKind.AGENDA_PUBLISHED).count() == 1


def test_publish_agenda_of_draft_meeting_is_refused(facilitator):
    meeting = MeetingFactory(status=MeetingStatus.DRAFT)
    _agenda(meeting, "Welcome")

    with pytest.raises(ForumActionRefused, match="published meeting"):
        publish_agenda(meeting, by=facilitator)


def test_publish_agenda_without_items_is_refused(meeting, facilitator):
    with pytest.raises(ForumActionRefused, match="at least one item"):
        publish_agenda(meeting, by=facilitator)


# --- views ---------------------------------------------------------------------------


def test_agenda_edit_view_adds_item_at_the_end(client, meeting, facilitator):
    _agenda(meeting, "Welcome")
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-add", kwargs={"pk": meeting.pk}),
        {
            "title": "Voice of lived experience",
            "kind": AgendaItemKind.LIVED_EXPERIENCE,
            "minutes_allotted": 20,
            "presenter": "Sam",
            "description": "",
        },
    )

    assert response.status_code == 302
    assert _titles(meeting) == ["Welcome", "Voice of lived experience"]


def test_agenda_edit_view_bad_minutes_reshows_form_with_input_kept(client, meeting, facilitator):
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-add", kwargs={"pk": meeting.pk}),
        {"title": "Keep me", "kind": AgendaItemKind.OTHER, "minutes_allotted": 0},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["minutes_allotted"]
    assert 'value="Keep me"' in response.content.decode()
    assert AgendaItem.objects.count() == 0


def test_agenda_edit_view_over_time_shows_alert(client, meeting, facilitator):
    AgendaItemFactory(meeting=meeting, minutes_allotted=100)
    AgendaItemFactory(meeting=meeting, minutes_allotted=30)
    client.force_login(facilitator)

    html = client.get(reverse("forums:agenda-edit", kwargs={"pk": meeting.pk})).content.decode()

    assert 'role="alert"' in html
    assert "10 more than the meeting's 120 minutes" in html


def test_agenda_edit_view_lists_every_item_kind(client, meeting, facilitator):
    client.force_login(facilitator)

    html = client.get(reverse("forums:agenda-edit", kwargs={"pk": meeting.pk})).content.decode()

    for _, label in AgendaItemKind.choices:
        assert str(label) in html


def test_agenda_item_move_view_past_the_start_shows_message(client, meeting, facilitator):
    welcome, _ = _agenda(meeting, "Welcome", "Close")
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-move", kwargs={"pk": meeting.pk, "item_pk": welcome.pk}),
        {"direction": "up"},
        follow=True,
    )

    assert "already first; it cannot move up" in response.content.decode()
    assert _titles(meeting) == ["Welcome", "Close"]


def test_agenda_item_move_view_moves_item_up(client, meeting, facilitator):
    _, close = _agenda(meeting, "Welcome", "Close")
    client.force_login(facilitator)

    client.post(
        reverse("forums:agenda-item-move", kwargs={"pk": meeting.pk, "item_pk": close.pk}),
        {"direction": "up"},
    )

    assert _titles(meeting) == ["Close", "Welcome"]


def test_agenda_item_edit_view_position_past_end_reshows_form_with_message(
    client, meeting, facilitator
):
    welcome, _ = _agenda(meeting, "Welcome", "Close")
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-edit", kwargs={"pk": meeting.pk, "item_pk": welcome.pk}),
        {
            "position": 3,
            "title": "Welcome and acknowledgement",
            "kind": AgendaItemKind.STANDING,
            "minutes_allotted": 10,
        },
    )

    assert response.status_code == 200
    assert "positions 1 to 2" in response.context["form"].errors["position"][0]
    assert 'value="Welcome and acknowledgement"' in response.content.decode()
    assert _titles(meeting) == ["Welcome", "Close"]


def test_agenda_item_delete_view_removes_item(client, meeting, facilitator):
    welcome, _ = _agenda(meeting, "Welcome", "Close")
    client.force_login(facilitator)
    url = reverse("forums:agenda-item-delete", kwargs={"pk": meeting.pk, "item_pk": welcome.pk})

    assert client.get(url).status_code == 200
    client.post(url)

    assert _titles(meeting) == ["Close"]


def test_agenda_pack_shows_running_start_times_and_resources(client, meeting, facilitator):
    start = dt.datetime(2031, 5, 6, 10, 0, tzinfo=timezone.get_current_timezone())
    meeting.start, meeting.end = start, start + dt.timedelta(hours=2)
    meeting.agenda_published_at = timezone.now()
    meeting.save()
    AgendaItemFactory(meeting=meeting, title="Welcome", minutes_allotted=15, position=1)
    AgendaItemFactory(meeting=meeting, title="Referrals", minutes_allotted=30, position=2)
    ResourceFactory(forum=meeting.forum, meeting=meeting, title="Referral guide")
    client.force_login(MembershipFactory(forum=meeting.forum).user)

    html = client.get(reverse("forums:agenda-pack", kwargs={"pk": meeting.pk})).content.decode()

    assert "10:15 a.m." in html
    assert "Referral guide" in html
    assert "Print" in html


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)
@pytest.mark.django_db(transaction=True)
def test_move_agenda_item_two_facilitators_at_once_keep_positions_unique():
    meeting = MeetingFactory()
    facilitator = MembershipFactory(forum=meeting.forum, role=MembershipRole.FACILITATOR).user
    items = _agenda(meeting, "A", "B", "C", "D")
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def move(item, direction):
        barrier.wait()
        try:
            move_agenda_item(item, by=facilitator, direction=direction)
        except Exception as exc:  # the test asserts that neither move failed
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(items[1], "up")),
        threading.Thread(target=move, args=(items[2], "up")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    positions = list(meeting.agenda_items.values_list("position", flat=True))
    assert positions == [1, 2, 3, 4]
    assert sorted(_titles(meeting)) == ["A", "B", "C", "D"]


def test_agenda_item_add_with_an_email_address_is_refused_and_kept(client):
    meeting = MeetingFactory()
    facilitator = MembershipFactory(forum=meeting.forum, role=MembershipRole.FACILITATOR).user
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-add", kwargs={"pk": meeting.pk}),
        {
            "title": "Family case",
            "kind": "other",
            "minutes_allotted": "10",
            "presenter": "",
            "description": "Write to jo.citizen@mail.example.com first.",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "an email address “jo.citizen@mail.example.com”" in html
    assert 'value="Family case"' in html
    assert meeting.agenda_items.count() == 0


def test_agenda_edit_view_title_naming_a_person_reshows_form_with_message(
    client, meeting, facilitator
):
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-add", kwargs={"pk": meeting.pk}),
        {
            "title": "Jane Smith missed her meeting",
            "kind": AgendaItemKind.OTHER,
            "minutes_allotted": 10,
        },
    )

    assert response.context["form"].errors["title"] == [
        "This looks like identifying client information: a person's name “Jane Smith” on "
        "line 1. Remove it: the portal records practice, never details of a client."
    ]
    assert AgendaItem.objects.count() == 0


def test_agenda_edit_view_title_with_line_break_is_stored_on_one_line(client, meeting, facilitator):
    client.force_login(facilitator)

    client.post(
        reverse("forums:agenda-item-add", kwargs={"pk": meeting.pk}),
        {
            "title": "Voice of\r\nlived experience",
            "kind": AgendaItemKind.OTHER,
            "minutes_allotted": 10,
            "presenter": "Sam\nLee",
        },
    )

    item = AgendaItem.objects.get()
    assert (item.title, item.presenter) == ("Voice of lived experience", "Sam Lee")


def test_agenda_edit_view_presenter_with_phone_number_is_refused_and_name_kept(
    client, meeting, facilitator
):
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-add", kwargs={"pk": meeting.pk}),
        {
            "title": "Practice reflection",
            "kind": AgendaItemKind.OTHER,
            "minutes_allotted": 10,
            "presenter": "Dr Sam Lee 0412 345 678",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["presenter"]
    assert errors == [
        "This looks like identifying client information: a phone number “0412 345 678” on "
        "line 1. Remove it: the portal records practice, never details of a client."
    ]
    assert 'value="Dr Sam Lee 0412 345 678"' in response.content.decode()
    assert AgendaItem.objects.count() == 0


# --- A long agenda, a page at a time ----------------------------------------------------------


def _long_agenda(meeting, count: int) -> list[AgendaItem]:
    return AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            title=f"Item {n}",
            kind=AgendaItemKind.STANDING,
            minutes_allotted=5,
            position=n,
        )
        for n in range(1, count + 1)
    )


def test_agenda_builder_shows_a_long_agenda_fifty_items_a_page_timed_from_the_start(
    client, meeting, facilitator
):
    _long_agenda(meeting, 60)
    client.force_login(facilitator)
    url = reverse("forums:agenda-edit", kwargs={"pk": meeting.pk})

    first = client.get(url)
    second = client.get(url, {"page": 2})

    timed = second.context["timed_agenda"]
    assert [e.number for e in first.context["timed_agenda"]] == list(range(1, 51))
    assert [e.number for e in timed] == list(range(51, 61))
    assert timed[0].item.title == "Item 51"
    assert timed[0].starts_at == meeting.start + dt.timedelta(minutes=250)
    page = second.content.decode()
    assert "Agenda items 51 to 60 of 60, in order, with their tools" in page
    assert "Move<span class=\"visually-hidden\"> 'Item 51'</span> up" in page
    assert "Move<span class=\"visually-hidden\"> 'Item 60'</span> down" not in page
    assert "Page 2 of 2" in page
    # The total and the overrun are the whole agenda's, on every page.
    assert second.context["minutes_total"] == first.context["minutes_total"] == 300


def test_moving_the_first_item_of_a_page_up_goes_to_the_page_that_now_shows_it(
    client, meeting, facilitator
):
    items = _long_agenda(meeting, 60)
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-move", kwargs={"pk": meeting.pk, "item_pk": items[50].pk}),
        {"direction": "up"},
    )

    assert response["Location"] == (
        reverse("forums:agenda-edit", kwargs={"pk": meeting.pk}) + f"#item-{items[50].pk}"
    )
    assert _titles(meeting)[49] == "Item 51"


def test_removing_an_item_on_a_later_page_goes_back_to_that_page(client, meeting, facilitator):
    items = _long_agenda(meeting, 60)
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:agenda-item-delete", kwargs={"pk": meeting.pk, "item_pk": items[55].pk})
    )

    assert response["Location"] == (
        reverse("forums:agenda-edit", kwargs={"pk": meeting.pk}) + "?page=2"
    )
    assert meeting.agenda_items.count() == 59


@pytest.mark.parametrize("count", [120, 400])
def test_agenda_builder_page_queries_and_rows_do_not_grow_with_the_agenda(
    client, meeting, facilitator, django_assert_num_queries, count
):
    _long_agenda(meeting, count)
    client.force_login(facilitator)

    # Session, user, the meeting, the person's forum roles; the items' count, the minutes of
    # the items before the page, the page's items and their decisions; the whole agenda's
    # minutes; later meetings; the add form's defaults; what the menu shows.
    with django_assert_num_queries(12):
        response = client.get(reverse("forums:agenda-edit", kwargs={"pk": meeting.pk}), {"page": 2})

    assert len(response.context["timed_agenda"]) == 50
    assert response.context["timed_agenda"][0].starts_at == meeting.start + dt.timedelta(
        minutes=250
    )
