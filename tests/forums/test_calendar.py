import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from forums.choices import MeetingStatus, MembershipRole, Tier
from forums.models import CalendarFeed
from forums.services.meetings import cancel_meeting
from forums.services.scheduling import regenerate_calendar_feed
from members.services import deactivate_account
from tests.factories.forums import (
    CalendarFeedFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StatewideForumFactory,
)
from tests.factories.members import RegionFactory


def local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def events(content: bytes) -> list:
    return Calendar.from_ical(content).walk("VEVENT")


# --- .ics ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_meeting_ics_parses_with_uid_sequence_status_and_time_zone(member_client, member):
    meeting = MeetingFactory(
        start=local(dt.date(2030, 7, 9), 10),
        end=local(dt.date(2030, 7, 9), 12),
        place="Community Hub",
        online_link="https://meet.example.org/n",
    )
    MembershipFactory(user=member, forum=meeting.forum)

    response = member_client.get(reverse("forums:meeting-ics", args=[meeting.pk]))

    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert str(calendar["VERSION"]) == "2.0"
    assert "PRODID" in calendar
    assert str(event["UID"]) == f"{meeting.uid}@cop-portal"
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTART"].params["TZID"] == "Australia/Adelaide"
    assert event.decoded("DTSTART") == local(dt.date(2030, 7, 9), 10)
    assert event.decoded("DTEND").astimezone(dt.UTC) == dt.datetime(
        2030, 7, 9, 2, 30, tzinfo=dt.UTC
    )
    assert "DTSTAMP" in event
    assert str(event["LOCATION"]) == "Community Hub, https://meet.example.org/n"
    assert str(event["URL"]).endswith(reverse("forums:meeting-detail", args=[meeting.pk]))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Australia/Adelaide"]


@pytest.mark.django_db
def test_meeting_ics_after_cancel_has_same_uid_higher_sequence_and_cancelled(member_client):
    meeting = MeetingFactory()
    uid_before = str(events(_ics(member_client, meeting))[0]["UID"])

    cancel_meeting(meeting, by=None)

    (event,) = events(_ics(member_client, meeting))
    assert str(event["UID"]) == uid_before
    assert event["SEQUENCE"] == 1
    assert str(event["STATUS"]) == "CANCELLED"


def _ics(client, meeting) -> bytes:
    return client.get(reverse("forums:meeting-ics", args=[meeting.pk])).content


@pytest.mark.django_db
def test_meeting_ics_of_draft_for_facilitator_is_tentative(client):
    meeting = MeetingFactory(status=MeetingStatus.DRAFT)
    facilitator = MembershipFactory(forum=meeting.forum, role=MembershipRole.FACILITATOR).user
    client.force_login(facilitator)

    (event,) = events(_ics(client, meeting))

    assert str(event["STATUS"]) == "TENTATIVE"


@pytest.mark.django_db
def test_meeting_ics_of_draft_for_member_is_forbidden(member_client, member):
    meeting = MeetingFactory(status=MeetingStatus.DRAFT)
    MembershipFactory(user=member, forum=meeting.forum)

    response = member_client.get(reverse("forums:meeting-ics", args=[meeting.pk]))

    assert response.status_code == 403


# --- Subscription feed -----------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_feed_lists_only_my_forums_visible_meetings_without_sign_in(client, member):
    mine = MembershipFactory(user=member).forum
    shown = MeetingFactory(forum=mine, title="Mine")
    cancelled = MeetingFactory(forum=mine, title="Called off", status=MeetingStatus.CANCELLED)
    MeetingFactory(forum=mine, title="Draft", status=MeetingStatus.DRAFT)
    MeetingFactory(title="Not my forum")
    feed = CalendarFeedFactory(user=member)

    response = client.get(reverse("forums:calendar-feed", args=[feed.token]))

    found = {str(e["UID"]): str(e["STATUS"]) for e in events(response.content)}
    assert response.status_code == 200
    assert found == {
        f"{shown.uid}@cop-portal": "CONFIRMED",
        f"{cancelled.uid}@cop-portal": "CANCELLED",
    }


@pytest.mark.django_db
def test_calendar_feed_unknown_token_is_not_found(client):
    response = client.get(reverse("forums:calendar-feed", args=["no-such-token"]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_regenerate_calendar_feed_revokes_the_old_address(client, member):
    old = regenerate_calendar_feed(member).token

    new = regenerate_calendar_feed(member).token

    assert new != old
    assert len(new) >= 40
    assert client.get(reverse("forums:calendar-feed", args=[old])).status_code == 404
    assert client.get(reverse("forums:calendar-feed", args=[new])).status_code == 200
    assert CalendarFeed.objects.filter(user=member).count() == 1


@pytest.mark.django_db
def test_a_feed_address_given_before_a_member_left_does_not_work_if_they_come_back(client, member):
    token = regenerate_calendar_feed(member).token
    deactivate_account(member, by=member)

    # An administrator takes the member back.
    type(member).objects.filter(pk=member.pk).update(is_active=True)

    assert client.get(reverse("forums:calendar-feed", args=[token])).status_code == 404
    assert not CalendarFeed.objects.filter(user=member).exists()


@pytest.mark.django_db
def test_calendar_subscribe_post_creates_address_and_shows_it(member_client, member):
    response = member_client.post(reverse("forums:calendar-subscribe"), follow=True)

    token = CalendarFeed.objects.get(user=member).token
    html = response.content.decode()
    assert f"http://testserver/forums/feed/{token}.ics" in html
    assert "Any earlier address no longer works." in html


# --- Month view and lists --------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_month_lists_meeting_on_its_day_with_previous_and_next(member_client):
    MeetingFactory(title="Winter planning", start=local(dt.date(2030, 7, 9), 10))
    MeetingFactory(title="Other month", start=local(dt.date(2030, 8, 9), 10))

    response = member_client.get(reverse("forums:calendar"), {"year": 2030, "month": 7})

    html = response.content.decode()
    week = next(w for w in response.context["weeks"] if w[1]["date"] == dt.date(2030, 7, 9))
    assert [m.title for m in week[1]["meetings"]] == ["Winter planning"]
    assert "Other month" not in html
    assert "<caption>Meetings in July 2030, Monday to Sunday</caption>" in html
    assert "?year=2030&amp;month=6" in html
    assert "?year=2030&amp;month=8" in html


@pytest.mark.django_db
def test_calendar_month_bad_parameters_show_this_month(member_client):
    response = member_client.get(reverse("forums:calendar"), {"year": "x", "month": "13"})

    assert response.context["first"] == timezone.localdate().replace(day=1)


@pytest.mark.django_db
def test_calendar_month_hides_drafts_from_members(member_client):
    day = timezone.localdate() + dt.timedelta(days=1)
    MeetingFactory(title="Secret draft", start=local(day, 10), status=MeetingStatus.DRAFT)

    response = member_client.get(reverse("forums:calendar"), {"year": day.year, "month": day.month})

    assert "Secret draft" not in response.content.decode()


@pytest.mark.django_db
def test_meeting_list_filters_by_tier_forum_and_region(member_client):
    north = RegionFactory(name="North", slug="north")
    cfsn = ForumFactory(region=north, name="North CFSN")
    statewide = StatewideForumFactory()
    MeetingFactory(forum=cfsn, title="Regional one")
    MeetingFactory(forum=statewide, title="Statewide one")
    url = reverse("forums:meeting-list")

    def titles(**params):
        return [m.title for m in member_client.get(url, params).context["meetings"]]

    assert sorted(titles()) == ["Regional one", "Statewide one"]
    assert titles(tier=Tier.STATEWIDE) == ["Statewide one"]
    assert titles(forum=cfsn.pk) == ["Regional one"]
    assert titles(region=north.pk) == ["Regional one"]


@pytest.mark.django_db
def test_meeting_list_past_shows_held_meetings_newest_first(member_client):
    today = timezone.localdate()
    MeetingFactory(title="Older", start=local(today - dt.timedelta(days=60), 10))
    MeetingFactory(title="Newer", start=local(today - dt.timedelta(days=30), 10))
    MeetingFactory(title="Future")

    response = member_client.get(reverse("forums:meeting-list"), {"when": "past"})

    assert [m.title for m in response.context["meetings"]] == ["Newer", "Older"]
    assert "Past meetings" in response.content.decode()


@pytest.mark.django_db
def test_my_meetings_lists_only_forums_i_belong_to(member_client, member):
    mine = MembershipFactory(user=member).forum
    MeetingFactory(forum=mine, title="Mine")
    MeetingFactory(title="Theirs")

    response = member_client.get(reverse("forums:my-meetings"))

    assert [m.title for m in response.context["meetings"]] == ["Mine"]


def _many_meetings(count: int, member) -> None:
    forum = MembershipFactory(user=member).forum
    for n in range(count):
        for offset in (n + 1, -(n + 1)):
            start = local(timezone.localdate() + dt.timedelta(days=offset), 10)
            MeetingFactory(forum=forum, start=start, end=start + dt.timedelta(hours=2))
        MeetingFactory(forum=StatewideForumFactory())


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 15])
@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("forums:meeting-list", {}),
        ("forums:meeting-list", {"when": "past"}),
        ("forums:my-meetings", {}),
        ("forums:calendar", {}),
    ],
)
def test_meeting_pages_keep_a_fixed_number_of_queries(
    member_client, member, django_assert_max_num_queries, count, name, params
):
    _many_meetings(count, member)

    with django_assert_max_num_queries(12):
        response = member_client.get(reverse(name), params)

    assert response.status_code == 200
    if "meetings" in response.context:
        assert len(response.context["meetings"]) >= count


@pytest.mark.django_db
def test_calendar_month_filters_by_forum_and_only_my_forums(member_client, member):
    mine = MembershipFactory(user=member).forum
    start = local(timezone.localdate().replace(day=15), 10)
    MeetingFactory(forum=mine, title="Our meeting", start=start, end=start + dt.timedelta(hours=2))
    other = MeetingFactory(title="Their meeting", start=start, end=start + dt.timedelta(hours=2))
    url = reverse("forums:calendar")

    everyone = member_client.get(url).content.decode()
    only_mine = member_client.get(url, {"mine": "on"}).content.decode()
    theirs = member_client.get(url, {"forum": other.forum.pk}).content.decode()

    assert "Our meeting" in everyone
    assert "Their meeting" in everyone
    assert "Our meeting" in only_mine
    assert "Their meeting" not in only_mine
    assert "Their meeting" in theirs
    assert "Our meeting" not in theirs
    assert "mine=on" in member_client.get(url, {"mine": "on"}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["forums:calendar", "forums:meeting-list", "forums:my-meetings"])
def test_kept_meeting_filter_form_offers_a_forum_added_or_renamed_since(member_client, name):
    forum = ForumFactory(name="Alpine CFSN")
    url = reverse(name)
    member_client.get(url)

    ForumFactory(name="Bayside CFSN")
    added = member_client.get(url).content.decode()
    forum.name = "Coastal CFSN"
    forum.save(update_fields=["name"])
    renamed = member_client.get(url).content.decode()

    assert f'<option value="{forum.pk}">Alpine CFSN</option>' not in renamed
    assert ">Bayside CFSN</option>" in added
    assert f'<option value="{forum.pk}">Coastal CFSN</option>' in renamed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "asked", "paging"),
    [
        ("forums:calendar", {}, {"year": "2026", "month": "3"}),
        ("forums:meeting-list", {"when": "past"}, {"page": "1"}),
        ("forums:my-meetings", {"when": "past"}, {"page": "1"}),
    ],
)
def test_kept_meeting_filter_form_shows_each_query_its_own_choices(
    member_client, name, asked, paging
):
    forum = ForumFactory(name="Alpine CFSN")
    url = reverse(name)
    asked = {"forum": forum.pk, **asked}

    member_client.get(url)
    chosen = member_client.get(url, asked).content.decode()
    paged = member_client.get(url, {**asked, **paging}).content.decode()
    plain = member_client.get(url).content.decode()

    selected = [f'<option value="{value}" selected>' for value in asked.values()]
    assert all(option in chosen and option in paged for option in selected)
    assert not any(option in plain for option in selected)
    assert f'<option value="{forum.pk}" selected>Alpine CFSN</option>' in chosen
    assert f'<option value="{forum.pk}">Alpine CFSN</option>' in plain


@pytest.mark.django_db
def test_meeting_list_kept_filter_form_still_says_what_was_wrong(member_client):
    url = reverse("forums:meeting-list")

    first = member_client.get(url, {"forum": "999999"}).content.decode()
    again = member_client.get(url, {"forum": "999999"}).content.decode()

    assert "Select a valid choice" in first
    assert again == first


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "month"), [("9999", "12"), ("1", "1"), ("2026", "13")])
def test_calendar_month_out_of_range_shows_a_month_not_an_error(member_client, year, month):
    response = member_client.get(reverse("forums:calendar"), {"year": year, "month": month})

    assert response.status_code == 200


@pytest.mark.django_db
def test_calendar_subscribe_turn_off_makes_the_address_stop_working(member_client, member):
    feed = CalendarFeedFactory(user=member)

    response = member_client.post(
        reverse("forums:calendar-subscribe"), {"action": "revoke"}, follow=True
    )

    assert "Your calendar address is turned off." in response.content.decode()
    assert member_client.get(reverse("forums:calendar-feed", args=[feed.token])).status_code == 404
    assert not CalendarFeed.objects.filter(user=member).exists()


# --- Odd input never breaks the calendar ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Line\nbreak", "Line break"),
        ("Carriage\r\nreturn", "Carriage return"),
        ("Tab\tand\x0bvertical\x1bescape", "Tab and vertical escape"),
        ("Semi; colon, comma \\ slash", "Semi; colon, comma \\ slash"),
        ("Ünïcødé — 会议 🎉", "Ünïcødé — 会议 🎉"),
        ("Separator\u2028line", "Separator line"),
    ],
)
def test_meeting_ics_with_odd_title_is_one_valid_line(client, title, summary):
    facilitator = MembershipFactory(role=MembershipRole.FACILITATOR).user
    meeting = MeetingFactory(
        forum=facilitator.memberships.get().forum, title=title, place="Room\n2"
    )
    client.force_login(facilitator)

    response = client.get(reverse("forums:meeting-ics", args=[meeting.pk]))

    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert response.status_code == 200
    assert str(event["SUMMARY"]) == f"{summary} ({meeting.forum.name})"
    assert str(event["LOCATION"]) == "Room 2"
    assert str(calendar["X-WR-CALNAME"]) == summary


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["\x00", "a" * 65, "..", "<script>", "tok en", "é"])
def test_calendar_feed_malformed_token_is_not_found(client, token):
    response = client.get(reverse("forums:calendar-feed", args=[token]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_calendar_feed_nul_in_path_is_not_found(client):
    response = client.get("/forums/feed/%00.ics")

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "month"),
    [
        ("2026", "9" * 30),
        ("9" * 30, "1"),
        ("9" * 5000, "1"),
        ("-2026", "1"),
        ("2026", "-1"),
        ("2026", "0"),
        ("1899", "12"),
        ("3000", "1"),
        ("\uff12\uff10\uff12\uff16", "\uff11"),  # full-width digits
        ("", ""),
        ("2026.0", "1"),
    ],
)
def test_calendar_month_malformed_or_out_of_range_shows_this_month(member_client, year, month):
    response = member_client.get(reverse("forums:calendar"), {"year": year, "month": month})

    assert response.status_code == 200
    assert response.context["first"] == timezone.localdate().replace(day=1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "month", "first"),
    [
        ("1900", "1", dt.date(1900, 1, 1)),
        ("2999", "12", dt.date(2999, 12, 1)),
        ("2030", "07", dt.date(2030, 7, 1)),
    ],
)
def test_calendar_month_edges_of_the_range_are_shown(member_client, year, month, first):
    response = member_client.get(reverse("forums:calendar"), {"year": year, "month": month})

    assert response.status_code == 200
    assert response.context["first"] == first
