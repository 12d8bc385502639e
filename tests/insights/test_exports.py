"""Registers and the report prepared in the background: asked for on the page, prepared once
with the filters and visibility of the person who asked, listed on their downloads page,
downloaded only by them, and deleted after the retention period."""

import datetime as dt
import os
import posixpath
import re

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, connection, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from forums.choices import MeetingStatus, MembershipRole
from forums.models import Resource
from insights.choices import ExportStatus
from insights.models import Export
from insights.selectors import InsightFilters
from insights.services.asking import request_export
from insights.services.preparing import prepare_export
from insights.services.sweeps import prepare_waiting_exports, remove_expired_exports
from members.models import Notification
from tests.concurrency import run_at_once
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import (
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    StrategicForumFactory,
)
from tests.factories.insights import ExportFactory
from tests.factories.members import RegionFactory, UserFactory

PERIOD = InsightFilters(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))


@pytest.fixture
def strategic(db):
    return StrategicForumFactory()


@pytest.fixture
def executive(strategic):
    return MembershipFactory(forum=strategic, role=MembershipRole.CHAIR).user


@pytest.fixture
def north(db):
    return ForumFactory(region=RegionFactory(name="Northern", slug="northern"), slug="north")


def ask(user, kind="issues", file_format="csv", filters=PERIOD, **fields) -> Export:
    """Asked for, not yet prepared (the worker's message is not sent in these tests)."""
    return request_export(user, kind=kind, file_format=file_format, filters=filters, **fields)


def prepared(export: Export) -> Export:
    prepare_export(export.pk)
    export.refresh_from_db()
    return export


def export_folders() -> set[str]:
    storage = Export._meta.get_field("file").storage
    return set(storage.listdir("exports")[0]) if storage.exists("exports") else set()


def notices(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", "url"))


# --- Asking ----------------------------------------------------------------------------------


def test_asking_again_while_it_waits_queues_nothing_more(executive):
    first = ask(executive)
    again = ask(executive)
    other_format = ask(executive, file_format="xlsx")

    assert again.pk == first.pk
    assert Export.objects.count() == 2
    assert other_format.status == ExportStatus.QUEUED


def test_asking_again_once_it_is_ready_prepares_a_new_one(executive):
    first = prepared(ask(executive))

    again = ask(executive)

    assert again.pk != first.pk
    assert again.status == ExportStatus.QUEUED


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)
@pytest.mark.django_db(transaction=True)
def test_asking_twice_at_once_prepares_one_export_and_one_notice(broker_down):
    executive = MembershipFactory(forum=StrategicForumFactory(), role=MembershipRole.CHAIR).user

    # Not prepared in between (the worker is out of reach), so the second ask meets the first
    # one waiting however the two threads are scheduled; then the worker prepares what waits.
    outcomes = run_at_once(lambda: ask(executive), lambda: ask(executive))
    prepare_export(outcomes[0].pk)

    assert outcomes[0].pk == outcomes[1].pk
    assert Export.objects.get().status == ExportStatus.READY
    assert Notification.objects.filter(recipient=executive).count() == 1


def test_export_keeps_the_period_it_was_asked_for_when_the_days_move_on(executive, north):
    PracticeIssueFactory(origin_forum=north, title="Raised today, after the period asked for")
    with time_machine.travel(timezone.now() - dt.timedelta(days=40)):
        export = ask(executive, filters=InsightFilters.default())
        asked_title = export.title

    export = prepared(export)

    assert export.title == asked_title
    assert export.filename.endswith(
        f"-{InsightFilters.default().end - dt.timedelta(40):%Y%m%d}.csv"
    )
    assert b"Raised today, after the period asked for" not in export.file.open("rb").read()


def test_export_names_its_filters_in_words(executive, north):
    filters = InsightFilters(
        start=PERIOD.start, end=PERIOD.end, region=north.region, sector="acco", tier="regional"
    )

    export = ask(executive, filters=filters)

    assert export.title == "Issues register, 1 January 2026 to 30 June 2026"
    assert export.filters_text == (
        "Tier passed through: Regional CFSN meeting; Region: Northern; "
        "Sector: Aboriginal community-controlled"
    )


def test_forum_register_is_named_for_its_forum(north):
    facilitator = MembershipFactory(forum=north, role=MembershipRole.FACILITATOR).user

    export = ask(
        facilitator,
        forum=north,
        filters=InsightFilters(start=PERIOD.start, end=PERIOD.end, forum=north),
    )

    assert export.title == f"Issues register of {north.name}, 1 January 2026 to 30 June 2026"
    assert export.filename == "issues-register-north-20260101-20260630.csv"


# --- Preparing -------------------------------------------------------------------------------


def test_prepared_export_is_ready_and_its_person_is_told_once(executive, north):
    PracticeIssueFactory(
        origin_forum=north,
        title="Waiting lists",
        submitted_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC),
    )
    export = ask(executive)

    first = prepare_export(export.pk)
    second = prepare_export(export.pk)

    export.refresh_from_db()
    assert (first, second) == (True, False)
    assert export.status == ExportStatus.READY
    assert b"Waiting lists" in export.file.open("rb").read()
    assert export.size == export.file.size
    assert notices(executive) == [
        (
            "Ready to download: Issues register, 1 January 2026 to 30 June 2026",
            reverse("insights:downloads"),
        )
    ]


def test_export_of_someone_who_lost_the_figures_before_it_was_prepared_fails(executive, strategic):
    export = ask(executive)
    executive.memberships.filter(forum=strategic).update(role=MembershipRole.MEMBER)

    export = prepared(export)

    assert export.status == ExportStatus.FAILED
    assert export.problem == "You may no longer see these figures."
    assert not export.file
    assert notices(executive)[0][0] == (
        "Could not be prepared: Issues register, 1 January 2026 to 30 June 2026"
    )


def test_export_filtered_by_a_region_removed_since_fails_rather_than_widening(executive):
    region = RegionFactory(name="Gone")
    export = ask(
        executive, filters=InsightFilters(start=PERIOD.start, end=PERIOD.end, region=region)
    )
    region.delete()

    export = prepared(export)

    assert export.status == ExportStatus.FAILED
    assert "region" in export.problem


def test_report_for_a_meeting_cancelled_before_it_was_prepared_is_not_attached(
    executive, strategic, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = MeetingFactory(forum=strategic)
    export = ask(executive, kind="report", file_format="pdf", attach_to=meeting)
    MeetingFactory._meta.model.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    folders_before = export_folders()

    export = prepared(export)

    assert export.status == ExportStatus.FAILED
    assert export.problem == (
        f"{meeting} has started, been held or been cancelled since; "
        "attach the report to a coming meeting."
    )
    assert Resource.objects.count() == 0
    # The file it was built into is removed with its folder.
    assert export_folders() == folders_before


def test_report_attached_once_prepared_tells_its_person_where(
    executive, strategic, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = MeetingFactory(forum=strategic, title="Strategic, August")

    export = prepared(ask(executive, kind="report", file_format="pdf", attach_to=meeting))

    paper = Resource.objects.get()
    assert (paper.meeting, paper.title, paper.added_by) == (meeting, export.title, executive)
    assert export.file.open("rb").read(5) == b"%PDF-"
    assert notices(executive) == [
        (f"Attached to {meeting}: {export.title}", meeting.get_absolute_url())
    ]


# --- Sweeps ----------------------------------------------------------------------------------


def test_sweep_sends_again_an_export_whose_message_was_lost(executive):
    export = ask(executive)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        too_soon = prepare_waiting_exports()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        sent = prepare_waiting_exports()

    export.refresh_from_db()
    assert (too_soon, sent) == (0, 1)
    assert export.status == ExportStatus.READY


def test_sweep_tries_an_export_whose_worker_stopped_three_times_then_gives_up(executive, settings):
    export = ask(executive)
    stopped = timezone.now() - dt.timedelta(minutes=settings.EXPORT_STALLED_MINUTES + 1)
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.PREPARING, started_at=stopped, attempts=1
    )

    prepare_waiting_exports()
    export.refresh_from_db()
    assert (export.status, export.attempts) == (ExportStatus.READY, 2)

    given_up = ask(executive, file_format="xlsx")
    Export.objects.filter(pk=given_up.pk).update(
        status=ExportStatus.PREPARING, started_at=stopped, attempts=3
    )
    prepare_waiting_exports()
    given_up.refresh_from_db()
    assert given_up.status == ExportStatus.FAILED
    assert given_up.problem == "It took too long to prepare. Ask for a shorter period."


def test_expired_exports_and_their_files_are_deleted_after_the_retention_period(
    executive, settings
):
    old = prepared(ask(executive))
    kept = prepared(ask(executive, file_format="xlsx"))
    storage = old.file.storage
    Export.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS, minutes=1)
    )

    removed = remove_expired_exports()
    again = remove_expired_exports()

    assert (removed, again) == (1, 0)
    assert list(Export.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not storage.exists(old.file.name)
    assert storage.exists(kept.file.name)


def test_files_left_by_a_deleted_account_are_deleted_after_the_retention_period(db, settings):
    person = MembershipFactory(forum=StrategicForumFactory(), role=MembershipRole.CHAIR).user
    export = prepared(ask(person))
    name, storage = export.file.name, export.file.storage
    person.delete()

    with time_machine.travel(
        timezone.now() + dt.timedelta(days=settings.EXPORT_RETENTION_DAYS - 1)
    ):
        remove_expired_exports()
    still_there = storage.exists(name)
    with time_machine.travel(
        timezone.now() + dt.timedelta(days=settings.EXPORT_RETENTION_DAYS + 1)
    ):
        remove_expired_exports()

    assert (still_there, storage.exists(name)) == (True, False)


# --- Pages -----------------------------------------------------------------------------------


def test_downloads_page_lists_only_the_persons_own_exports_with_what_became_of_each(
    client, executive
):
    ready = prepared(ask(executive))
    waiting = ask(executive, file_format="xlsx")
    failed = ExportFactory(
        requested_by=executive, status=ExportStatus.FAILED, problem="It took too long."
    )
    ExportFactory(title="Someone else's register")
    client.force_login(executive)

    page = client.get(reverse("insights:downloads")).content.decode()

    assert "Someone else&#x27;s register" not in page
    assert page.count('class="list-group-item"') == 3
    assert f'href="{ready.get_absolute_url()}"' in page
    assert "Waiting to be prepared" in page
    assert "It took too long." in page
    assert "Check again for those being prepared" in page
    assert page.index(f'id="download-{failed.pk}"') < page.index(f'id="download-{waiting.pk}"')


@pytest.mark.parametrize("n", [2, 20])
def test_downloads_page_query_count_does_not_grow_with_exports(
    client, executive, django_assert_num_queries, n
):
    for _ in range(n):
        ExportFactory(requested_by=executive, ready=b"Reference\r\n")
    client.force_login(executive)

    # Session, user (with their unread count); the page's count and its exports (with the
    # meetings reports are attached to); what the menu may show: practice areas led, forum
    # roles.
    with django_assert_num_queries(6):
        response = client.get(reverse("insights:downloads"))

    assert response.context["exports"][0].requested_by_id == executive.pk
    assert len(response.context["exports"]) == min(n, 20)


def test_download_is_only_for_the_person_who_asked_while_they_may_see_it(
    client, executive, strategic
):
    export = prepared(ask(executive))
    other_executive = MembershipFactory(forum=strategic, role=MembershipRole.CHAIR).user

    client.force_login(other_executive)
    someone_else = client.get(export.get_absolute_url()).status_code
    client.force_login(executive)
    own = client.get(export.get_absolute_url())
    executive.memberships.update(role=MembershipRole.MEMBER)
    after_losing_access = client.get(export.get_absolute_url()).status_code

    assert (someone_else, own.status_code, after_losing_access) == (404, 200, 403)
    assert own["Content-Disposition"] == (
        'attachment; filename="issues-register-20260101-20260630.csv"'
    )
    assert own["Cache-Control"] == "private, no-store"


def test_download_of_an_export_not_ready_is_not_found(client, executive):
    export = ask(executive)
    client.force_login(executive)

    assert client.get(export.get_absolute_url()).status_code == 404


def test_asking_with_a_period_that_ends_before_it_starts_goes_back_with_the_error(
    client, executive
):
    client.force_login(executive)
    typed = {"kind": "issues", "file_format": "csv", "start": "2026-06-30", "end": "2026-01-01"}

    asked = client.post(reverse("insights:export"), typed)
    page = client.get(asked["Location"]).content.decode()

    assert asked["Location"].startswith(reverse("insights:loop-health") + "?")
    assert Export.objects.count() == 0
    assert "The period must end on or after the day it starts." in page
    assert re.search(r'name="start" value="2026-06-30"', page)


@pytest.mark.parametrize("period", [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31")])
def test_asking_with_a_day_out_of_reach_goes_back_with_the_error_and_prepares_nothing(
    client, executive, north, period
):
    client.force_login(executive)
    typed = {"start": period[0], "end": period[1]}

    register = client.post(
        reverse("insights:export"), {"kind": "issues", "file_format": "csv", **typed}
    )
    report = client.post(
        reverse("insights:export"), {"kind": "report", "file_format": "pdf", **typed}
    )
    forum = client.post(
        reverse("insights:forum-export", kwargs={"slug": north.slug}),
        {"kind": "issues", "file_format": "csv", **typed},
    )
    attach = client.post(reverse("insights:report-attach"), typed)
    page = client.get(register["Location"])

    assert Export.objects.count() == 0
    for asked in (register, report, attach):
        assert asked["Location"].startswith(reverse("insights:loop-health") + "?")
    assert forum["Location"].startswith(
        reverse("insights:forum-insights", kwargs={"slug": north.slug}) + "?"
    )
    assert page.status_code == 200
    assert set(page.context["filter_form"].errors) == {"start", "end"}
    assert re.search(rf'name="start" value="{period[0]}"', page.content.decode())


def test_asking_on_the_page_with_a_region_prepares_that_regions_register(client, executive, north):
    south = ForumFactory(region=RegionFactory(name="Southern", slug="southern"))
    when = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
    PracticeIssueFactory(origin_forum=north, title="Northern issue", submitted_at=when)
    PracticeIssueFactory(origin_forum=south, title="Southern issue", submitted_at=when)
    client.force_login(executive)
    query = {"start": "2026-01-01", "end": "2026-06-30", "region": north.region.pk}
    page = client.get(reverse("insights:loop-health"), query).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', page, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(form.group(1), {**fields, "file_format": "csv"})
    content = Export.objects.get().file.open("rb").read()

    assert fields["region"] == str(north.region.pk)
    assert (b"Northern issue" in content, b"Southern issue" in content) == (True, False)


def test_someone_without_insights_may_not_ask_for_a_register(db, client):
    client.force_login(UserFactory())

    response = client.post(reverse("insights:export"), {"kind": "issues", "file_format": "csv"})

    assert response.status_code == 403
    assert Export.objects.count() == 0


def test_report_for_a_meeting_held_before_it_was_prepared_is_not_attached(
    executive, strategic, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = MeetingFactory(forum=strategic)
    export = ask(executive, kind="report", file_format="pdf", attach_to=meeting)

    with time_machine.travel(meeting.end + dt.timedelta(hours=1)):
        export = prepared(export)

    assert export.status == ExportStatus.FAILED
    assert "has started, been held or been cancelled since" in export.problem
    assert Resource.objects.count() == 0


def test_report_for_a_meeting_deleted_before_it_was_prepared_says_so(executive, strategic):
    meeting = MeetingFactory(forum=strategic)
    export = ask(executive, kind="report", file_format="pdf", attach_to=meeting)
    meeting.delete()

    export = prepared(export)

    assert export.status == ExportStatus.FAILED
    assert export.problem == "The meeting was removed before the report could be attached."


def test_forum_view_offers_its_registers_but_not_the_whole_loops_report(client, north):
    facilitator = MembershipFactory(forum=north, role=MembershipRole.FACILITATOR).user
    client.force_login(facilitator)
    url = reverse("insights:forum-export", kwargs={"slug": north.slug})

    register = client.post(url, {"kind": "issues", "file_format": "csv"})
    report = client.post(url, {"kind": "report", "file_format": "pdf"})

    assert register["Location"] == reverse("insights:downloads")
    assert report["Location"] == reverse("insights:forum-insights", kwargs={"slug": north.slug})
    assert list(Export.objects.values_list("kind", flat=True)) == ["issues"]


def test_export_whose_file_cannot_be_stored_fails_and_tells_its_person(executive, tmp_path):
    not_a_folder = tmp_path / "full"
    not_a_folder.write_text("")
    field = Export._meta.get_field("file")
    kept, field.storage = field.storage, FileSystemStorage(location=not_a_folder)
    try:
        export = prepared(ask(executive))
    finally:
        field.storage = kept

    assert export.status == ExportStatus.FAILED
    assert export.problem == "Something went wrong while preparing it. Ask for it again."
    assert notices(executive)[0][0].startswith("Could not be prepared: ")
    # Asked again, it is prepared afresh rather than waiting behind the failed one.
    assert prepared(ask(executive)).status == ExportStatus.READY


def test_sweep_sends_a_waiting_export_again_once_each_time_it_waits_too_long(
    executive, broker_down
):
    Export.objects.create(
        requested_by=executive,
        kind="issues",
        file_format="csv",
        query="start=2026-01-01&end=2026-06-30",
        title="Issues register",
        filename="issues.csv",
        created_at=timezone.now(),
        queued_at=timezone.now(),
    )
    later = timezone.now() + dt.timedelta(minutes=16)

    # Its messages are never taken (the broker is down): the next sweep to send it again is
    # the first one after it has waited too long since the last sending.
    with time_machine.travel(later, tick=False):
        sent = [prepare_waiting_exports(), prepare_waiting_exports()]
    with time_machine.travel(later + dt.timedelta(minutes=10), tick=False):
        sent.append(prepare_waiting_exports())
    with time_machine.travel(later + dt.timedelta(minutes=16), tick=False):
        sent.append(prepare_waiting_exports())

    assert sent == [1, 0, 0, 1]


def test_only_one_waiting_export_per_person_and_request(executive):
    ExportFactory(requested_by=executive)

    with pytest.raises(IntegrityError), transaction.atomic():
        ExportFactory(requested_by=executive)
    ExportFactory(requested_by=executive, status=ExportStatus.FAILED)
    ExportFactory(requested_by=executive, file_format="xlsx")


def test_expired_export_whose_folder_is_gone_is_still_deleted_with_the_rest(executive, settings):
    gone = prepared(ask(executive))
    other = prepared(ask(executive, file_format="xlsx"))
    storage = gone.file.storage
    storage.delete(gone.file.name)
    os.rmdir(storage.path(posixpath.dirname(gone.file.name)))
    Export.objects.update(
        created_at=timezone.now() - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS + 1)
    )

    assert remove_expired_exports() == 2
    assert not storage.exists(other.file.name)


def test_download_is_not_offered_once_the_person_may_no_longer_see_it(client, executive):
    export = prepared(ask(executive))
    executive.memberships.update(role=MembershipRole.MEMBER)
    client.force_login(executive)

    page = client.get(reverse("insights:downloads")).content.decode()

    assert f'href="{export.get_absolute_url()}"' not in page
    assert "You may no longer see what it holds, so it is not sent to you." in page


def test_download_is_sent_by_the_portal_even_where_nginx_sends_uploads(client, executive, settings):
    # nginx aliases MEDIA_ROOT alone: a prepared export handed to it would not be found.
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    export = prepared(ask(executive))
    client.force_login(executive)

    response = client.get(export.get_absolute_url())

    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content).startswith("\ufeffReference".encode())
