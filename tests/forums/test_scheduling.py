import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from forums.choices import ForumEventKind, MeetingStatus, MembershipRole
from forums.exceptions import ForumActionRefused
from forums.models import ForumEvent, Meeting, MeetingSeries
from forums.services import meetings as services
from forums.services import scheduling
from forums.services.scheduling import Repeat
from forums.signals import meeting_completed
from members.models import Notification
from tests.factories.forums import (
    AgendaItemFactory,
    DecisionFactory,
    ForumFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def next_year(month: int, day: int) -> dt.date:
    return dt.date(timezone.localdate().year + 1, month, day)


@pytest.fixture
def forum(db):
    return ForumFactory()


@pytest.fixture
def facilitator(forum):
    return MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def schedule_data(**overrides) -> dict:
    data = {
        "title": "Northern CFSN meeting",
        "date": next_year(3, 10).isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "place": "Community Hub",
        "online_link": "",
        "repeat_kind": "none",
        "interval": "1",
        "nth": "2",
        "weekday": "1",
        "nth_interval": "1",
        "until": "",
        "count": "",
        "publish": "0",
    }
    data.update(overrides)
    return data


# --- Repeat rules --------------------------------------------------------------------


def test_occurrences_second_tuesday_monthly_for_six_gives_second_tuesdays():
    spans = scheduling.occurrences(
        dt.date(2030, 1, 1),
        dt.time(10),
        dt.time(12),
        Repeat(kind=scheduling.MONTHLY_NTH, interval=1, nth=2, weekday=1, count=6),
    )

    days = [timezone.localtime(start).date() for start, _ in spans]
    assert days == [
        dt.date(2030, 1, 8),
        dt.date(2030, 2, 12),
        dt.date(2030, 3, 12),
        dt.date(2030, 4, 9),
        dt.date(2030, 5, 14),
        dt.date(2030, 6, 11),
    ]


def test_occurrences_last_friday_quarterly_until_date_gives_last_fridays():
    spans = scheduling.occurrences(
        dt.date(2030, 1, 1),
        dt.time(9),
        dt.time(11),
        Repeat(
            kind=scheduling.MONTHLY_NTH, interval=3, nth=-1, weekday=4, until=dt.date(2030, 12, 31)
        ),
    )

    days = [timezone.localtime(start).date() for start, _ in spans]
    assert days == [
        dt.date(2030, 1, 25),
        dt.date(2030, 4, 26),
        dt.date(2030, 7, 26),
        dt.date(2030, 10, 25),
    ]


def test_occurrences_every_two_weeks_for_three_gives_fortnightly_days():
    spans = scheduling.occurrences(
        dt.date(2030, 5, 6), dt.time(14), dt.time(15), Repeat(kind="weekly", interval=2, count=3)
    )

    assert [timezone.localtime(s).date() for s, _ in spans] == [
        dt.date(2030, 5, 6),
        dt.date(2030, 5, 20),
        dt.date(2030, 6, 3),
    ]


def test_occurrences_across_daylight_saving_keep_the_wall_clock_time():
    # Adelaide moves its clocks forward on the first Sunday of October.
    spans = scheduling.occurrences(
        dt.date(2030, 9, 10), dt.time(10), dt.time(12), Repeat(kind="monthly", count=2)
    )

    starts = [timezone.localtime(start) for start, _ in spans]
    assert [(s.date(), s.time()) for s in starts] == [
        (dt.date(2030, 9, 10), dt.time(10)),
        (dt.date(2030, 10, 10), dt.time(10)),
    ]
    assert starts[0].utcoffset() != starts[1].utcoffset()


def test_occurrences_series_without_end_is_refused():
    with pytest.raises(ForumActionRefused, match="cannot repeat forever"):
        scheduling.occurrences(dt.date(2030, 1, 1), dt.time(10), dt.time(12), Repeat(kind="weekly"))


def test_occurrences_more_than_sixty_is_refused():
    with pytest.raises(ForumActionRefused, match="at most 60 meetings"):
        scheduling.occurrences(
            dt.date(2030, 1, 1),
            dt.time(10),
            dt.time(12),
            Repeat(kind="weekly", until=dt.date(2032, 1, 1)),
        )


def test_rule_text_monthly_nth_gives_rfc5545_rule():
    rule = scheduling.build_rule(
        dt.date(2030, 1, 1),
        dt.time(10),
        Repeat(kind=scheduling.MONTHLY_NTH, interval=2, nth=2, weekday=1, count=6),
    )

    assert scheduling.rule_text(rule) == "FREQ=MONTHLY;INTERVAL=2;COUNT=6;BYDAY=+2TU"


# --- Services --------------------------------------------------------------------------


def test_schedule_meetings_series_creates_meetings_and_one_event(forum, facilitator):
    spans = [(local(next_year(1, d), 10), local(next_year(1, d), 12)) for d in (5, 12)]

    meetings = services.schedule_meetings(
        forum,
        by=facilitator,
        title="Planning",
        spans=spans,
        place="Hub",
        rule="FREQ=WEEKLY;COUNT=2",
        publish=True,
    )

    assert [m.status for m in meetings] == [MeetingStatus.PUBLISHED] * 2
    assert MeetingSeries.objects.get().rule == "FREQ=WEEKLY;COUNT=2"
    assert {m.series_id for m in meetings} == {MeetingSeries.objects.get().pk}
    assert ForumEvent.objects.filter(kind=ForumEventKind.MEETING_SCHEDULED).count() == 1


def test_schedule_meetings_without_place_or_link_is_refused(forum, facilitator):
    day = next_year(1, 5)

    with pytest.raises(ForumActionRefused, match="place, an online link"):
        services.schedule_meetings(
            forum, by=facilitator, title="Planning", spans=[(local(day, 10), local(day, 12))]
        )

    assert Meeting.objects.count() == 0


def test_schedule_meetings_ending_the_next_day_is_refused(forum, facilitator):
    day = next_year(1, 5)

    with pytest.raises(ForumActionRefused, match="must end on the day it starts"):
        services.schedule_meetings(
            forum,
            by=facilitator,
            title="Overnight",
            spans=[(local(day, 22), local(day + dt.timedelta(days=1), 1))],
            place="Hub",
        )

    assert Meeting.objects.count() == 0


def test_schedule_meetings_starting_in_the_past_is_refused(forum, facilitator):
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    with pytest.raises(ForumActionRefused, match="cannot start in the past"):
        services.schedule_meetings(
            forum,
            by=facilitator,
            title="Never held",
            spans=[(local(yesterday, 10), local(yesterday, 12))],
            place="Hub",
            publish=True,
        )

    assert Meeting.objects.count() == 0


def test_update_meeting_moved_into_the_past_is_refused_and_takes_no_outcomes(forum, facilitator):
    meeting = MeetingFactory(forum=forum)
    week_ago = timezone.localdate() - dt.timedelta(days=7)

    with pytest.raises(ForumActionRefused, match="cannot start in the past"):
        services.update_meeting(
            meeting,
            by=facilitator,
            title=meeting.title,
            start=local(week_ago, 10),
            end=local(week_ago, 12),
            place="Hub",
        )

    meeting.refresh_from_db()
    assert meeting.start > timezone.now()
    assert not meeting.takes_outcomes


def test_a_held_meeting_keeps_its_time_when_its_title_is_corrected(forum, facilitator):
    meeting = MeetingFactory(forum=forum)
    with time_machine.travel(meeting.end + dt.timedelta(days=3), tick=False):
        services.update_meeting(
            meeting,
            by=facilitator,
            title="Corrected title",
            start=meeting.start,
            end=meeting.end,
            place="Hub",
        )

    meeting.refresh_from_db()
    assert meeting.title == "Corrected title"


def test_meeting_create_view_on_a_past_day_says_so_beside_the_date_and_keeps_the_input(
    facilitator_client, forum
):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(date=yesterday, title="Catch-up we forgot"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "A meeting cannot start in the past: choose a time from now on."
    ]
    assert 'value="Catch-up we forgot"' in response.content.decode()
    assert Meeting.objects.count() == 0


def test_update_meeting_to_end_the_next_day_is_refused_and_keeps_its_times(forum, facilitator):
    day = next_year(2, 10)
    meeting = MeetingFactory(forum=forum, start=local(day, 10), end=local(day, 12))

    with pytest.raises(ForumActionRefused, match="must end on the day it starts"):
        services.update_meeting(
            meeting,
            by=facilitator,
            title="Two days",
            start=local(day, 10),
            end=local(day + dt.timedelta(days=1), 10),
            place="Hall",
        )

    meeting.refresh_from_db()
    assert timezone.localtime(meeting.end) == local(day, 12)


def test_update_meeting_following_moves_later_meetings_and_bumps_sequence(forum, facilitator):
    series = MeetingSeriesFactory(forum=forum)
    days = [next_year(2, 10), next_year(3, 10), next_year(4, 14)]
    first, second, third = (
        MeetingFactory(forum=forum, series=series, start=local(d, 10), end=local(d, 12))
        for d in days
    )

    services.update_meeting(
        second,
        by=facilitator,
        title="Moved",
        start=local(next_year(3, 11), 13, 30),
        end=local(next_year(3, 11), 15),
        place="New hall",
        following=True,
    )

    for meeting in (first, second, third):
        meeting.refresh_from_db()
    assert (first.title, first.sequence) == (f"{forum.name} meeting", 0)
    assert timezone.localtime(second.start) == local(next_year(3, 11), 13, 30)
    assert timezone.localtime(third.start) == local(next_year(4, 15), 13, 30)
    assert timezone.localtime(third.end) == local(next_year(4, 15), 15)
    assert (second.sequence, third.sequence) == (1, 1)
    assert (third.title, third.place) == ("Moved", "New hall")


def test_update_meeting_cancelled_is_refused(forum, facilitator):
    meeting = MeetingFactory(forum=forum, status=MeetingStatus.CANCELLED)

    with pytest.raises(ForumActionRefused, match="cancelled meeting cannot be changed"):
        services.update_meeting(
            meeting,
            by=facilitator,
            title="x",
            start=meeting.start,
            end=meeting.end,
            place="Hall",
        )


def test_cancel_meeting_following_cancels_rest_and_notifies_members(forum, facilitator):
    series = MeetingSeriesFactory(forum=forum)
    member = MembershipFactory(forum=forum).user
    days = [next_year(2, 10), next_year(3, 10), next_year(4, 14)]
    first, second, third = (
        MeetingFactory(forum=forum, series=series, start=local(d, 10), end=local(d, 12))
        for d in days
    )

    with pytest.raises(ForumActionRefused):
        services.cancel_meeting(MeetingFactory(forum=forum, status="completed"), by=facilitator)
    with_commit = services.cancel_meeting(second, by=facilitator, following=True)

    assert [m.pk for m in with_commit] == [second.pk, third.pk]
    statuses = list(Meeting.objects.filter(series=series).values_list("status", "sequence"))
    assert statuses == [("published", 0), ("cancelled", 1), ("cancelled", 1)]
    assert (
        Notification.objects.filter(
            recipient=member, subject__startswith="Meeting cancelled"
        ).count()
        == 1
    )
    assert first.pk not in [m.pk for m in with_commit]


def test_complete_meeting_bumps_sequence(forum, facilitator):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    meeting = MeetingFactory(forum=forum, start=local(yesterday, 10), end=local(yesterday, 12))

    services.complete_meeting(meeting, by=facilitator)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (MeetingStatus.COMPLETED, 1)


def test_mark_as_held_stands_when_what_follows_it_fails_and_the_failure_is_logged(
    forum, facilitator_client, caplog, django_capture_on_commit_callbacks
):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    meeting = MeetingFactory(forum=forum, start=local(yesterday, 10), end=local(yesterday, 12))

    def fails(sender, meeting, **kwargs):
        raise RuntimeError("The database went away.")

    meeting_completed.connect(fails, dispatch_uid="test.fails")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = facilitator_client.post(
                reverse("forums:meeting-complete", args=[meeting.pk])
            )
    finally:
        meeting_completed.disconnect(dispatch_uid="test.fails")

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert meeting.status == MeetingStatus.COMPLETED
    assert any(
        record.levelname == "ERROR" and "The database went away." in str(record.exc_info[1])
        for record in caplog.records
        if record.exc_info
    )


@pytest.fixture
def under_way(forum):
    """A published meeting, 10:00 to 12:00 next week, and the clock at 10:30 that day."""
    meeting = MeetingFactory(forum=forum)
    with time_machine.travel(meeting.start + dt.timedelta(minutes=30), tick=False):
        yield meeting


def test_update_meeting_that_has_started_refuses_a_new_time_and_keeps_its_own(
    under_way, facilitator
):
    later = under_way.start + dt.timedelta(days=20)

    with pytest.raises(ForumActionRefused, match="has started, so its time can no longer"):
        services.update_meeting(
            under_way,
            by=facilitator,
            title=under_way.title,
            start=later,
            end=later + dt.timedelta(hours=2),
            place=under_way.place,
        )
    services.update_meeting(
        under_way,
        by=facilitator,
        title="Renamed",
        start=under_way.start,
        end=under_way.end,
        place="Room 3",
    )

    under_way.refresh_from_db()
    assert (under_way.title, under_way.place) == ("Renamed", "Room 3")
    assert under_way.start == later - dt.timedelta(days=20)


def test_cancel_meeting_that_has_started_with_attendance_recorded_is_refused(
    under_way, facilitator
):
    Meeting.objects.filter(pk=under_way.pk).update(attendance_recorded_at=timezone.now())

    with pytest.raises(ForumActionRefused, match="Mark it as held instead"):
        services.cancel_meeting(under_way, by=facilitator)

    under_way.refresh_from_db()
    assert under_way.status == MeetingStatus.PUBLISHED


def test_cancel_meeting_that_has_started_with_a_decision_recorded_is_refused(
    under_way, facilitator
):
    DecisionFactory(agenda_item=AgendaItemFactory(meeting=under_way))

    with pytest.raises(ForumActionRefused, match="Mark it as held instead"):
        services.cancel_meeting(under_way, by=facilitator)


def test_cancel_meeting_that_started_with_only_a_decision_made_out_of_session_before_it(
    forum, facilitator
):
    meeting = MeetingFactory(forum=forum)
    DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting, title="To note"))

    with time_machine.travel(meeting.start + dt.timedelta(minutes=30), tick=False):
        services.cancel_meeting(meeting, by=facilitator)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_cancel_a_held_meetings_series_from_it_says_to_cancel_from_the_next_one(
    under_way, facilitator
):
    Meeting.objects.filter(pk=under_way.pk).update(
        attendance_recorded_at=timezone.now(),
        series=MeetingSeriesFactory(forum=under_way.forum),
    )
    under_way.refresh_from_db()

    with pytest.raises(ForumActionRefused, match="cancel from the next one"):
        services.cancel_meeting(under_way, by=facilitator, following=True)


def test_cancel_meeting_that_started_with_nothing_recorded_is_cancelled(under_way, facilitator):
    AgendaItemFactory(meeting=under_way, notes="")

    services.cancel_meeting(under_way, by=facilitator)

    under_way.refresh_from_db()
    assert under_way.status == MeetingStatus.CANCELLED


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (MeetingStatus.DRAFT, "The meeting is cancelled."),
        (MeetingStatus.PUBLISHED, "The meeting is cancelled; its members have been told."),
    ],
)
def test_meeting_cancel_view_says_members_were_told_only_of_a_published_meeting(
    facilitator_client, forum, status, said
):
    meeting = MeetingFactory(forum=forum, status=status)

    response = facilitator_client.post(
        reverse("forums:meeting-cancel", args=[meeting.pk]), {"scope": "one"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [said]


# --- Views -----------------------------------------------------------------------------


def test_meeting_create_monthly_series_of_six_creates_drafts_and_redirects(
    facilitator_client, forum
):
    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(
            date=next_year(1, 1).isoformat(),
            repeat_kind="monthly_nth",
            nth="2",
            weekday="1",
            nth_interval="1",
            count="6",
        ),
    )

    meetings = list(Meeting.objects.order_by("start"))
    assert len(meetings) == 6
    assert {m.status for m in meetings} == {MeetingStatus.DRAFT}
    assert {timezone.localtime(m.start).weekday() for m in meetings} == {1}
    assert {timezone.localtime(m.start).time() for m in meetings} == {dt.time(10)}
    assert meetings[0].series.rule == "FREQ=MONTHLY;COUNT=6;BYDAY=+2TU"
    assert response.status_code == 302
    assert response.url == reverse("forums:meeting-detail", args=[meetings[0].pk])


@pytest.mark.parametrize("weekday", [None, ""])
def test_meeting_create_nth_weekday_series_with_no_weekday_given_takes_the_shown_default(
    facilitator_client, forum, weekday
):
    data = schedule_data(
        date=next_year(1, 1).isoformat(), repeat_kind="monthly_nth", nth="2", count="3"
    )
    if weekday is None:
        del data["weekday"]
    else:
        data["weekday"] = weekday

    response = facilitator_client.post(reverse("forums:meeting-create", args=[forum.slug]), data)

    assert response.status_code == 302
    first = Meeting.objects.order_by("start").first()
    assert first.series.rule == "FREQ=MONTHLY;COUNT=3;BYDAY=+2TU"


def test_meeting_create_single_published_creates_one_meeting(facilitator_client, forum):
    facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(publish="1", online_link="https://meet.example.org/x", place=""),
    )

    meeting = Meeting.objects.get()
    assert (meeting.status, meeting.series, meeting.online_link) == (
        MeetingStatus.PUBLISHED,
        None,
        "https://meet.example.org/x",
    )
    assert timezone.localtime(meeting.start) == local(next_year(3, 10), 10)


def test_meeting_create_end_before_start_shows_error_and_keeps_input(facilitator_client, forum):
    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(title="Kept title", start_time="14:00", end_time="13:00"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The meeting must end after it starts." in html
    assert 'value="Kept title"' in html
    assert response.context["form"].errors["end_time"] == ["The meeting must end after it starts."]
    assert Meeting.objects.count() == 0


def test_meeting_create_series_without_end_shows_error_and_keeps_input(facilitator_client, forum):
    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(repeat_kind="weekly", interval="2"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["until"] == [
        "Choose an end date or a number of meetings: a series cannot repeat forever."
    ]
    assert 'value="Community Hub"' in response.content.decode()
    assert Meeting.objects.count() == 0


def test_meeting_create_without_place_or_link_shows_error(facilitator_client, forum):
    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]), schedule_data(place="")
    )

    assert response.context["form"].errors["place"] == ["Give a place, an online link, or both."]
    assert Meeting.objects.count() == 0


def test_meeting_create_clash_in_other_forum_warns_then_confirmed_schedules(
    facilitator_client, forum, facilitator
):
    other = ForumFactory(name="Southern CFSN")
    MembershipFactory(forum=other, user=facilitator, role=MembershipRole.CHAIR)
    day = next_year(3, 10)
    MeetingFactory(forum=other, title="Southern planning", start=local(day, 11), end=local(day, 13))
    url = reverse("forums:meeting-create", args=[forum.slug])

    warned = facilitator_client.post(url, schedule_data(title="Clashing"))
    confirmed = facilitator_client.post(url, schedule_data(title="Clashing", confirm_clash="on"))

    html = warned.content.decode()
    assert warned.status_code == 200
    assert "This overlaps 1 other meeting" in html
    assert "Southern planning" in html
    assert 'value="Clashing"' in html
    assert confirmed.status_code == 302
    assert Meeting.objects.filter(title="Clashing").count() == 1


def test_meeting_create_cancelled_or_unrelated_overlap_gives_no_warning(facilitator_client, forum):
    day = next_year(3, 10)
    MeetingFactory(forum=forum, start=local(day, 11), end=local(day, 13), status="cancelled")
    MeetingFactory(start=local(day, 11), end=local(day, 13))

    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]), schedule_data(title="Free")
    )

    assert response.status_code == 302
    assert Meeting.objects.filter(title="Free").count() == 1


def test_meeting_edit_this_and_following_changes_series_and_keeps_earlier(
    facilitator_client, forum
):
    series = MeetingSeriesFactory(forum=forum)
    days = [next_year(2, 10), next_year(3, 10), next_year(4, 14)]
    first, second, third = (
        MeetingFactory(forum=forum, series=series, start=local(d, 10), end=local(d, 12))
        for d in days
    )

    response = facilitator_client.post(
        reverse("forums:meeting-edit", args=[second.pk]),
        schedule_data(
            title="Renamed",
            date=next_year(3, 10).isoformat(),
            start_time="11:00",
            end_time="12:30",
            scope="following",
        ),
    )

    assert response.status_code == 302
    titles = list(
        Meeting.objects.filter(series=series).order_by("start").values_list("title", "sequence")
    )
    assert titles == [(first.title, 0), ("Renamed", 1), ("Renamed", 1)]
    third.refresh_from_db()
    assert timezone.localtime(third.start) == local(next_year(4, 14), 11)


def test_meeting_edit_get_shows_current_values(facilitator_client, forum):
    meeting = MeetingFactory(forum=forum, title="Current title")

    response = facilitator_client.get(reverse("forums:meeting-edit", args=[meeting.pk]))

    html = response.content.decode()
    assert 'value="Current title"' in html
    assert 'value="10:00"' in html
    assert "scope" not in response.context["form"].fields


def test_meeting_cancel_one_sets_cancelled_and_redirects_to_forum(facilitator_client, forum):
    meeting = MeetingFactory(forum=forum)

    response = facilitator_client.post(
        reverse("forums:meeting-cancel", args=[meeting.pk]), {"scope": "one"}
    )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (MeetingStatus.CANCELLED, 1)
    assert response.url == forum.get_absolute_url()


def test_meeting_publish_draft_becomes_published(facilitator_client, forum):
    meeting = MeetingFactory(forum=forum, status=MeetingStatus.DRAFT)

    response = facilitator_client.post(reverse("forums:meeting-publish", args=[meeting.pk]))

    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (MeetingStatus.PUBLISHED, 1)
    assert response.status_code == 302


def test_meeting_publish_already_published_shows_reason(facilitator_client, forum):
    meeting = MeetingFactory(forum=forum)

    response = facilitator_client.post(reverse("forums:meeting-publish", args=[meeting.pk]))

    assert response.status_code == 200
    assert "Only a draft meeting can be published; this one is published." in (
        response.content.decode()
    )


def test_a_draft_whose_time_has_passed_is_not_published_and_not_offered_to_be(
    facilitator_client, forum
):
    meeting = MeetingFactory(forum=forum, status=MeetingStatus.DRAFT)

    with time_machine.travel(meeting.start + dt.timedelta(days=5), tick=False):
        page = facilitator_client.get(meeting.get_absolute_url()).content.decode()
        response = facilitator_client.post(reverse("forums:meeting-publish", args=[meeting.pk]))

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT
    assert "Publish meeting" not in page
    assert "This draft&#x27;s time has passed" in response.content.decode()


def test_meeting_create_title_naming_a_client_is_refused_next_to_it(facilitator_client, forum):
    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(title="Case review, call mum on 0412 345 678"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert 'value="Case review, call mum on 0412 345 678"' in response.content.decode()
    assert Meeting.objects.count() == 0


def test_meeting_complete_future_meeting_shows_reason(facilitator_client, forum):
    meeting = MeetingFactory(forum=forum)

    response = facilitator_client.post(reverse("forums:meeting-complete", args=[meeting.pk]))

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    assert "only once it has started" in response.content.decode()


def test_meeting_cancel_published_emails_members_once(
    facilitator_client, forum, django_capture_on_commit_callbacks
):
    member = MembershipFactory(forum=forum).user
    meeting = MeetingFactory(forum=forum)

    with django_capture_on_commit_callbacks(execute=True):
        facilitator_client.post(
            reverse("forums:meeting-cancel", args=[meeting.pk]), {"scope": "one"}
        )

    assert [m.to for m in mail.outbox if "cancelled" in m.subject].count([member.email]) == 1


def test_schedule_view_monthly_from_the_31st_is_refused_with_advice(facilitator_client, forum):
    data = schedule_data(date=next_year(1, 31).isoformat(), repeat_kind="monthly", count="6")

    response = facilitator_client.post(reverse("forums:meeting-create", args=[forum.slug]), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Not every month has a 31st day" in html
    assert 'value="6"' in html
    assert Meeting.objects.count() == 0


def test_schedule_view_series_with_end_date_and_count_is_refused(facilitator_client, forum):
    data = schedule_data(repeat_kind="weekly", until=next_year(6, 1).isoformat(), count="4")

    response = facilitator_client.post(reverse("forums:meeting-create", args=[forum.slug]), data)

    assert response.status_code == 200
    assert "Give an end date or a number of meetings, not both." in response.content.decode()
    assert Meeting.objects.count() == 0


def test_edit_view_following_warns_when_a_later_meeting_lands_on_a_clash(
    facilitator_client, forum, facilitator
):
    series = MeetingSeries.objects.create(forum=forum, rule="FREQ=MONTHLY;COUNT=3")
    days = [next_year(3, 10), next_year(4, 14), next_year(5, 12)]
    meetings = [
        MeetingFactory(forum=forum, series=series, start=local(d, 10), end=local(d, 12))
        for d in days
    ]
    other = MembershipFactory(user=facilitator, role=MembershipRole.FACILITATOR).forum
    landing = days[2] + dt.timedelta(days=1)
    MeetingFactory(
        forum=other, title="Other forum day", start=local(landing, 11), end=local(landing, 13)
    )
    data = schedule_data(date=(days[0] + dt.timedelta(days=1)).isoformat(), scope="following")

    response = facilitator_client.post(reverse("forums:meeting-edit", args=[meetings[0].pk]), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Other forum day" in html
    assert "Tick this box to go ahead anyway" in html
    meetings[2].refresh_from_db()
    assert timezone.localtime(meetings[2].start).date() == days[2]


def test_meeting_create_title_with_line_breaks_is_stored_on_one_line_and_gives_valid_ics(
    facilitator_client, forum
):
    facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(title="Northern CFSN\r\nmeeting\x0b March", place="Hub\nRoom 2"),
    )
    meeting = Meeting.objects.get()

    response = facilitator_client.get(reverse("forums:meeting-ics", args=[meeting.pk]))

    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert (meeting.title, meeting.place) == ("Northern CFSN meeting March", "Hub Room 2")
    assert response.status_code == 200
    assert str(event["SUMMARY"]) == f"Northern CFSN meeting March ({forum.name})"


def _clocks_go_forward() -> dt.date:
    """Next year's first Sunday of October, when Adelaide's clocks skip from 2 to 3 am."""
    first = next_year(10, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7)


def test_meeting_create_at_a_time_the_clocks_skip_says_so_next_to_the_time(
    facilitator_client, forum
):
    day = _clocks_go_forward()

    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(date=day.isoformat(), start_time="02:30", end_time="03:00"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == [
        f"2:30 AM does not exist on {day:%-d %B %Y}: the clocks go forward then. "
        "Choose another time."
    ]
    assert Meeting.objects.count() == 0


def test_a_weekly_series_through_the_skipped_hour_is_refused_naming_the_day(
    facilitator_client, forum
):
    day = _clocks_go_forward()

    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(
            date=(day - dt.timedelta(days=7)).isoformat(),
            start_time="01:30",
            end_time="02:30",
            repeat_kind="weekly",
            count="3",
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["end_time"] == [
        f"2:30 AM does not exist on {day:%-d %B %Y}: the clocks go forward then. "
        "Choose another time."
    ]
    assert Meeting.objects.count() == 0


def test_moving_a_series_whose_later_meeting_lands_in_the_skipped_hour_says_so(
    facilitator_client, forum
):
    day = _clocks_go_forward()
    series = MeetingSeries.objects.create(forum=forum, rule="FREQ=WEEKLY;COUNT=2")
    zone = timezone.get_current_timezone()
    first, second = (
        MeetingFactory(
            forum=forum,
            series=series,
            start=dt.datetime.combine(on, dt.time(10), tzinfo=zone),
            end=dt.datetime.combine(on, dt.time(12), tzinfo=zone),
        )
        for on in (day - dt.timedelta(days=8), day - dt.timedelta(days=1))
    )

    response = facilitator_client.post(
        reverse("forums:meeting-edit", args=[first.pk]),
        {
            "title": first.title,
            "date": (day - dt.timedelta(days=7)).isoformat(),
            "start_time": "02:30",
            "end_time": "03:30",
            "place": "Hub",
            "online_link": "",
            "scope": "following",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == [
        f"2:30 AM does not exist on {day:%-d %B %Y}: the clocks go forward then. "
        "Choose another time."
    ]
    second.refresh_from_db()
    assert timezone.localtime(second.start).hour == 10


def test_meeting_title_may_name_a_presenter_and_an_old_title_is_kept_as_it_was(
    facilitator_client, forum
):
    created = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(title="Safe and Together, with David Mandel"),
    )
    meeting = Meeting.objects.get()
    Meeting.objects.filter(pk=meeting.pk).update(title="Review of 3 June 2026 referrals")
    start = timezone.localtime(meeting.start)

    moved = facilitator_client.post(
        reverse("forums:meeting-edit", args=[meeting.pk]),
        {
            "title": "Review of 3 June 2026 referrals",
            "date": (start.date() + dt.timedelta(days=1)).isoformat(),
            "start_time": "10:00",
            "end_time": "12:00",
            "place": "Community Hub",
            "online_link": "",
            "scope": "one",
        },
    )

    assert created.status_code == 302
    assert moved.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.start).date() == start.date() + dt.timedelta(days=1)


def test_meeting_create_title_longer_than_200_characters_shows_error_and_keeps_input(
    facilitator_client, forum
):
    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]), schedule_data(title="M" * 201)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "Ensure this value has at most 200 characters (it has 201)."
    ]
    assert f'value="{"M" * 201}"' in response.content.decode()
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("status", "offered"),
    [(MeetingStatus.PUBLISHED, True), (MeetingStatus.COMPLETED, False)],
)
def test_meeting_page_offers_to_edit_or_cancel_only_a_meeting_that_can_change(
    facilitator_client, forum, status, offered
):
    meeting = MeetingFactory(forum=forum, status=status)

    page = facilitator_client.get(meeting.get_absolute_url()).content.decode()

    links = (
        reverse("forums:meeting-edit", args=[meeting.pk]),
        reverse("forums:meeting-cancel", args=[meeting.pk]),
    )
    assert [f'href="{link}"' in page for link in links] == [offered, offered]


@pytest.mark.parametrize(
    ("day", "start"), [("0001-01-01", "00:00"), ("9999-12-31", "10:00"), ("3000-01-01", "10:00")]
)
def test_meeting_create_a_day_past_the_years_meetings_fall_in_is_refused_beside_the_date(
    facilitator_client, forum, day, start
):
    response = facilitator_client.post(
        reverse("forums:meeting-create", args=[forum.slug]),
        schedule_data(date=day, start_time=start, end_time="11:00"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "Choose a date between the years 1900 and 2999."
    ]
    assert not Meeting.objects.exists()


def test_edit_view_following_moving_a_series_past_the_last_year_is_refused_beside_the_date(
    facilitator_client, forum
):
    series = MeetingSeries.objects.create(forum=forum, rule="FREQ=MONTHLY;COUNT=2")
    days = [next_year(3, 10), next_year(4, 14)]
    meetings = [
        MeetingFactory(forum=forum, series=series, start=local(d, 10), end=local(d, 12))
        for d in days
    ]
    data = schedule_data(date="2999-12-30", scope="following")

    response = facilitator_client.post(reverse("forums:meeting-edit", args=[meetings[0].pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "Choose a date between the years 1900 and 2999."
    ]
    meetings[1].refresh_from_db()
    assert timezone.localtime(meetings[1].start).date() == days[1]
