"""The agenda pack and the minutes as PDF, read back with pdftotext, and the revisions the
minutes keep."""

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.choices import IssueStatus, Outcome
from feedback.services.routing import place_on_agenda, record_outcome
from forums.choices import MeetingStatus, MembershipRole, ResourceKind
from forums.models import ForumEvent, MinutesRevision
from forums.selectors.minutes import changes_between, entries_from_snapshot
from forums.services.minutes import add_action_item, publish_minutes, record_minutes
from insights.choices import ExportFormat, ExportKind, ExportStatus
from insights.models import Export
from insights.services.preparing import prepare_export
from insights.services.sweeps import prepare_waiting_exports
from members.models import Notification
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import (
    AgendaItemFactory,
    AttendanceFactory,
    DecisionFactory,
    ForumFactory,
    LearningSessionFactory,
    MeetingFactory,
    MembershipFactory,
    ResourceFactory,
)
from tests.factories.insights import ExportFactory
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db


# From poppler-utils, which .ci/run installs.
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def pdf_text(content: bytes) -> str:
    """The PDF's text in reading order, as poppler's pdftotext reads it, spaces squeezed."""
    text = subprocess.run(
        [PDFTOTEXT, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


@pytest.fixture
def forum():
    return ForumFactory(name="Northern CFSN", slug="northern")


@pytest.fixture
def facilitator(forum):
    return MembershipFactory(
        forum=forum, role=MembershipRole.FACILITATOR, user__display_name="Fran Facilitator"
    ).user


@pytest.fixture
def practitioner(forum):
    return MembershipFactory(forum=forum, user__display_name="Pat Practitioner").user


@pytest.fixture
def outsider():
    return UserFactory(display_name="Olly Outsider")


@pytest.fixture
def upcoming(forum):
    start = dt.datetime(2031, 3, 11, 10, 0, tzinfo=timezone.get_current_timezone())
    return MeetingFactory(
        forum=forum,
        title="March CFSN meeting",
        start=start,
        end=start + dt.timedelta(hours=2),
        place="Darwin Community Centre",
        agenda_published_at=timezone.now(),
    )


@pytest.fixture
def held(forum):
    start = timezone.localtime().replace(microsecond=0) - dt.timedelta(days=2)
    return MeetingFactory(
        forum=forum, title="February CFSN meeting", start=start, end=start + dt.timedelta(hours=2)
    )


def _get(client, user, name, meeting):
    client.force_login(user)
    return client.get(reverse(name, kwargs={"pk": meeting.pk}))


# --- The agenda pack -----------------------------------------------------------------


def test_agenda_pack_pdf_lists_items_with_start_times_presenters_and_papers(
    client, upcoming, practitioner
):
    AgendaItemFactory(
        meeting=upcoming, position=1, title="Welcome and apologies", minutes_allotted=10
    )
    AgendaItemFactory(
        meeting=upcoming,
        position=2,
        title="Intake forms across services",
        minutes_allotted=30,
        presenter="Dr Lee Nguyen",
    )
    AgendaItemFactory(meeting=upcoming, position=3, title="Regional updates", minutes_allotted=20)
    ResourceFactory(forum=upcoming.forum, meeting=upcoming, title="Intake form comparison")

    response = _get(client, practitioner, "forums:agenda-pack-pdf", upcoming)

    text = pdf_text(response.content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="agenda-pack-northern-2031-03-11.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert "March CFSN meeting" in text
    assert "Northern CFSN" in text
    assert "Tuesday 11 March 2031" in text
    assert "Darwin Community Centre" in text
    assert "60 of 120 minutes allotted" in text
    assert "1 10:00 a.m. Welcome and apologies" in text
    assert "2 10:10 a.m. Intake forms across services" in text
    assert "Dr Lee Nguyen" in text
    assert "3 10:40 a.m. Regional updates" in text
    assert "Intake form comparison" in text


def test_agenda_pack_pdf_restricted_issue_shows_only_its_reference_to_an_outsider(
    client, upcoming, facilitator, outsider
):
    open_issue = PracticeIssueFactory(
        origin_forum=upcoming.forum,
        title="Waiting lists for family support",
        description="Families wait twelve weeks for a first visit.",
    )
    restricted = PracticeIssueFactory(
        origin_forum=upcoming.forum, title="Named service in Katherine", restricted=True
    )
    place_on_agenda(open_issue, meeting=upcoming, by=facilitator)
    place_on_agenda(restricted, meeting=upcoming, by=facilitator)

    response = _get(client, outsider, "forums:agenda-pack-pdf", upcoming)

    text = pdf_text(response.content)
    assert response.status_code == 200
    assert "Waiting lists for family support" in text
    assert "Families wait twelve weeks for a first visit." in text
    assert f"Restricted practice issue {restricted.reference}" in text
    assert "Named service in Katherine" not in text
    assert "Katherine" not in text


def test_agenda_pack_pdf_draft_meeting_is_refused_to_a_member(client, forum, practitioner):
    draft = MeetingFactory(forum=forum, status=MeetingStatus.DRAFT)

    response = _get(client, practitioner, "forums:agenda-pack-pdf", draft)

    assert response.status_code == 403


def test_agenda_pack_pdf_unpublished_agenda_is_withheld_from_a_member(
    client, upcoming, practitioner
):
    upcoming.agenda_published_at = None
    upcoming.save(update_fields=["agenda_published_at"])
    AgendaItemFactory(meeting=upcoming, title="Draft item only facilitators see")

    response = _get(client, practitioner, "forums:agenda-pack-pdf", upcoming)

    text = pdf_text(response.content)
    assert "The agenda has not been published yet." in text
    assert "Draft item only facilitators see" not in text


@pytest.mark.parametrize("name", ["forums:agenda-pack", "forums:agenda-pack-pdf"])
def test_agenda_pack_of_a_learning_session_shows_what_it_covers_to_anyone_attending(
    client, outsider, name
):
    session = LearningSessionFactory(title="Working with interpreters")
    AgendaItemFactory(meeting=session, title="Booking and briefing interpreters")

    response = _get(client, outsider, name, session)

    text = pdf_text(response.content) if name.endswith("pdf") else response.content.decode()
    assert "Booking and briefing interpreters" in text
    assert "The agenda has not been published yet." not in text


@pytest.mark.parametrize("size", [2, 12])
def test_agenda_pack_pdf_query_count_is_fixed_whatever_the_rows(
    client, upcoming, facilitator, size, django_assert_num_queries
):
    for position in range(1, size + 1):
        issue = PracticeIssueFactory(origin_forum=upcoming.forum)
        place_on_agenda(issue, meeting=upcoming, by=facilitator)
        ResourceFactory(forum=upcoming.forum, meeting=upcoming, title=f"Paper {position}")
    client.force_login(facilitator)

    # Counting the agenda's items decides whether it is laid out now or by the worker.
    with django_assert_num_queries(10):
        response = client.get(reverse("forums:agenda-pack-pdf", kwargs={"pk": upcoming.pk}))

    assert len(re.findall(r"Practice issue \d+", pdf_text(response.content))) == size


# --- The minutes ---------------------------------------------------------------------


@pytest.fixture
def minuted(held, facilitator, practitioner):
    """The held meeting with attendance, an item's notes and decision, and an action."""
    first = AgendaItemFactory(meeting=held, position=1, title="Intake forms")
    AgendaItemFactory(meeting=held, position=2, title="Regional updates")
    AttendanceFactory(meeting=held, user=facilitator)
    AttendanceFactory(meeting=held, user=practitioner)
    held.attendance_recorded_at = timezone.now()
    held.save(update_fields=["attendance_recorded_at"])
    record_minutes(
        held,
        by=facilitator,
        notes={first.pk: "Three services ask for the same details."},
        decisions={first.pk: "Draft one shared intake form."},
    )
    add_action_item(
        held,
        by=facilitator,
        title="Circulate the draft form",
        owner=practitioner,
        due_date=dt.date(2031, 4, 1),
        agenda_item=first,
    )
    return held


def test_minutes_pdf_shows_attendance_notes_decisions_and_actions(
    client, minuted, facilitator, practitioner
):
    publish_minutes(minuted, by=facilitator)

    response = _get(client, practitioner, "forums:minutes-pdf", minuted)

    text = pdf_text(response.content)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="minutes-northern-{timezone.localtime(minuted.start):%Y-%m-%d}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert "Minutes: February CFSN meeting" in text
    assert "Present (2): Fran Facilitator, Pat Practitioner" in text
    assert "1. Intake forms Three services ask for the same details." in text
    assert "Decision: Draft one shared intake form." in text
    assert "Regional updates" not in text
    assert "Circulate the draft form Pat Practitioner 1 Apr 2031 Open" in text
    assert "Revision 1, published" in text


def test_minutes_pdf_shows_the_outcome_recorded_for_an_issue_item(
    client, held, facilitator, outsider
):
    item = AgendaItemFactory(meeting=held, title="Waiting lists for family support")
    issue = PracticeIssueFactory(origin_forum=held.forum, status=IssueStatus.ON_AGENDA)
    referral = issue.referrals.get()
    referral.agenda_item = item
    referral.save(update_fields=["agenda_item"])
    record_outcome(
        item, outcome=Outcome.RESOLVED, note="A shared waitlist is kept.", by=facilitator
    )
    publish_minutes(held, by=facilitator)

    response = _get(client, outsider, "forums:minutes-pdf", held)

    assert (
        f"Decision: {issue.reference}: Resolved at this tier. A shared waitlist is kept."
        in pdf_text(response.content)
    )


def test_minutes_pdf_unpublished_is_refused_to_a_non_member(client, minuted, outsider):
    response = _get(client, outsider, "forums:minutes-pdf", minuted)

    assert response.status_code == 403


def test_minutes_pdf_unpublished_is_a_marked_draft_for_a_member(client, minuted, practitioner):
    response = _get(client, practitioner, "forums:minutes-pdf", minuted)

    text = pdf_text(response.content)
    assert "Draft: these minutes are not published yet." in text
    assert "Decision: Draft one shared intake form." in text


def _edit_decision(meeting, by, text):
    item = meeting.agenda_items.get(position=1)
    record_minutes(meeting, by=by, notes={item.pk: item.notes}, decisions={item.pk: text})


def test_minutes_pdf_after_an_edit_shows_the_published_decision_until_published_again(
    client, minuted, facilitator, practitioner
):
    publish_minutes(minuted, by=facilitator)
    _edit_decision(minuted, facilitator, "Adopt the state-wide intake form instead.")

    before = pdf_text(_get(client, practitioner, "forums:minutes-pdf", minuted).content)
    draft = pdf_text(_get(client, facilitator, "forums:minutes-pdf", minuted).content)
    publish_minutes(minuted, by=facilitator)
    after = pdf_text(_get(client, practitioner, "forums:minutes-pdf", minuted).content)

    assert "Decision: Draft one shared intake form." in before
    assert "state-wide intake form" not in before
    assert "Decision: Adopt the state-wide intake form instead." in draft
    assert "Draft: these minutes have changes that are not published yet" in draft
    assert "Decision: Adopt the state-wide intake form instead." in after
    assert "Draft one shared intake form." not in after
    assert "Revision 2, published" in after


def test_meeting_page_after_an_edit_shows_members_the_published_decision(
    client, minuted, facilitator, practitioner
):
    publish_minutes(minuted, by=facilitator)
    _edit_decision(minuted, facilitator, "Adopt the state-wide intake form instead.")

    member_page = _get(client, practitioner, "forums:meeting-detail", minuted).content.decode()
    facilitator_page = _get(client, facilitator, "forums:meeting-detail", minuted).content.decode()

    assert "Draft one shared intake form." in member_page
    assert "Adopt the state-wide intake form instead." not in member_page
    assert "Adopt the state-wide intake form instead." in facilitator_page
    assert "You are reading the draft" in facilitator_page


@pytest.mark.parametrize("size", [2, 12])
def test_minutes_pdf_query_count_is_fixed_whatever_the_rows(
    client, held, facilitator, practitioner, size, django_assert_num_queries
):
    for position in range(1, size + 1):
        item = AgendaItemFactory(meeting=held, position=position)
        DecisionFactory(agenda_item=item, text=f"Decided {position}.")
        AttendanceFactory(meeting=held)
        add_action_item(
            held,
            by=facilitator,
            title=f"Act {position}",
            owner=practitioner,
            due_date=dt.date(2031, 4, 1),
            agenda_item=item,
        )
    held.attendance_recorded_at = timezone.now()
    held.save(update_fields=["attendance_recorded_at"])
    publish_minutes(held, by=facilitator)
    client.force_login(practitioner)

    # Counting the agenda's items decides whether it is laid out now or by the worker.
    with django_assert_num_queries(10):
        response = client.get(reverse("forums:minutes-pdf", kwargs={"pk": held.pk}))

    assert pdf_text(response.content).count("Decision: Decided") == size


# --- Revisions -----------------------------------------------------------------------


def test_record_minutes_each_change_makes_a_revision_with_its_author_and_changes(
    minuted, facilitator
):
    other = UserFactory(display_name="Sam Secretary")

    _edit_decision(minuted, other, "Adopt the state-wide intake form instead.")

    revisions = list(
        MinutesRevision.objects.filter(meeting=minuted)
        .order_by("number")
        .values_list("number", "author", "changes", "published_at")
    )
    assert revisions == [
        (1, facilitator.pk, "1. Intake forms: notes and decision", None),
        (2, other.pk, "1. Intake forms: decision", None),
    ]


def test_record_minutes_saved_unchanged_makes_no_revision(minuted, facilitator):
    item = minuted.agenda_items.get(position=1)

    record_minutes(
        minuted,
        by=facilitator,
        notes={item.pk: "Three services ask for the same details."},
        decisions={item.pk: "Draft one shared intake form."},
    )

    assert MinutesRevision.objects.filter(meeting=minuted).count() == 1


def test_publish_minutes_marks_the_revision_readers_see(minuted, facilitator):
    publish_minutes(minuted, by=facilitator)
    _edit_decision(minuted, facilitator, "Adopt the state-wide intake form instead.")

    revisions = list(
        MinutesRevision.objects.filter(meeting=minuted)
        .order_by("number")
        .values_list("number", "published_at")
    )
    minuted.refresh_from_db()
    assert revisions == [(1, minuted.minutes_published_at), (2, None)]
    assert ForumEvent.objects.filter(meeting=minuted).first().note == (
        "Revision 2: 1. Intake forms: decision"
    )


def test_record_minutes_on_minutes_published_before_revisions_keeps_them_as_published(
    held, facilitator
):
    item = AgendaItemFactory(meeting=held, title="Intake forms")
    DecisionFactory(agenda_item=item, text="Published long ago.")
    published_at = timezone.now() - dt.timedelta(days=1)
    held.minutes_published_at = published_at
    held.save(update_fields=["minutes_published_at"])

    record_minutes(held, by=facilitator, notes={}, decisions={item.pk: "Changed today."})

    first, second = MinutesRevision.objects.filter(meeting=held).order_by("number")
    assert (first.author, first.published_at) == (None, published_at)
    assert [d.text for d in entries_from_snapshot(first.snapshot)[0].decisions] == [
        "Published long ago."
    ]
    assert (second.author, second.published_at) == (facilitator, None)


def test_changes_between_names_items_whose_content_was_removed():
    before = entries_from_snapshot(
        {
            "items": [
                {"id": 7, "number": 2, "title": "Budget", "notes": "Tight.", "decisions": []},
            ]
        }
    )

    assert changes_between(before, []) == "2. Budget: notes"


def test_meeting_page_revisions_list_shows_author_time_and_the_one_readers_see(
    client, minuted, facilitator, practitioner
):
    publish_minutes(minuted, by=facilitator)
    other = MembershipFactory(
        forum=minuted.forum, role=MembershipRole.CHAIR, user__display_name="Chris Chair"
    ).user
    _edit_decision(minuted, other, "Adopt the state-wide intake form instead.")
    second = MinutesRevision.objects.get(meeting=minuted, number=2)

    html = _get(client, practitioner, "forums:meeting-detail", minuted).content.decode()

    assert "<caption>Revisions of these minutes, newest first</caption>" in html
    assert "Chris Chair" in html
    assert timezone.localtime(second.created_at).strftime("%-d %b %Y") in html
    assert "1. Intake forms: decision" in html
    assert "Not published" in html
    assert html.count("Readers see this one") == 1


def test_meeting_page_links_to_both_papers_for_a_minutes_reader(client, minuted, practitioner):
    html = _get(client, practitioner, "forums:meeting-detail", minuted).content.decode()

    assert f'href="{reverse("forums:agenda-pack-pdf", kwargs={"pk": minuted.pk})}"' in html
    assert f'href="{reverse("forums:minutes-pdf", kwargs={"pk": minuted.pk})}"' in html
    assert "Download minutes (PDF)" in html


def test_meeting_page_hides_the_minutes_pdf_from_an_outsider_before_publishing(
    client, minuted, outsider
):
    html = _get(client, outsider, "forums:meeting-detail", minuted).content.decode()

    assert "Download agenda pack (PDF)" in html
    assert "Download minutes (PDF)" not in html


def test_agenda_pack_pdf_is_named_for_a_link_resource_kind(client, upcoming, practitioner):
    ResourceFactory(
        forum=upcoming.forum,
        meeting=upcoming,
        title="Shared intake guide",
        kind=ResourceKind.LINK,
        url="https://example.org/intake",
    )

    text = pdf_text(_get(client, practitioner, "forums:agenda-pack-pdf", upcoming).content)

    assert "Shared intake guide (Link: https://example.org/intake)" in text


# --- A long agenda's papers, prepared in the background ------------------------------------


@pytest.fixture
def long_agenda(settings, upcoming):
    """The meeting's agenda is longer than papers laid out while the reader waits."""
    settings.PAPER_ITEMS_IN_REQUEST = 2
    for position, title in enumerate(("Welcome", "Intake forms", "Regional updates"), start=1):
        AgendaItemFactory(meeting=upcoming, position=position, title=title, minutes_allotted=10)
    return upcoming


def test_meeting_page_of_a_long_agenda_offers_its_papers_to_prepare(
    client, long_agenda, facilitator
):
    html = _get(client, facilitator, "forums:meeting-detail", long_agenda).content.decode()

    prepare_pack = reverse("insights:agenda-pack-prepare", kwargs={"pk": long_agenda.pk})
    prepare_minutes = reverse("insights:minutes-prepare", kwargs={"pk": long_agenda.pk})
    assert f'<form method="post" action="{prepare_pack}">' in html
    assert f'<form method="post" action="{prepare_minutes}">' in html
    assert "This agenda has 3 items, so its papers take a while to lay out as PDF" in html
    assert "Download agenda pack (PDF)" not in html


def test_pdf_address_of_a_long_agenda_explains_and_offers_to_prepare_it(
    client, long_agenda, practitioner
):
    response = _get(client, practitioner, "forums:agenda-pack-pdf", long_agenda)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Agenda pack: March CFSN meeting</h1>" in html
    assert "This agenda has 3 items" in html
    prepare = reverse("insights:agenda-pack-prepare", kwargs={"pk": long_agenda.pk})
    assert f'action="{prepare}"' in html
    assert "Prepare agenda pack (PDF)" in html


def test_a_long_agenda_not_yet_published_keeps_its_length_to_those_who_build_it(
    client, long_agenda, practitioner, facilitator
):
    long_agenda.agenda_published_at = None
    long_agenda.save(update_fields=["agenda_published_at"])

    page = _get(client, practitioner, "forums:meeting-detail", long_agenda).content.decode()
    pdf = _get(client, practitioner, "forums:agenda-pack-pdf", long_agenda).content.decode()
    built = _get(client, facilitator, "forums:meeting-detail", long_agenda).content.decode()

    assert "This meeting's papers take a while to lay out as PDF" in page
    assert "This meeting's papers take a while to lay out as PDF" in pdf
    assert "3 items" not in page + pdf
    assert "This agenda has 3 items" in built


def test_long_agenda_pack_asked_for_is_prepared_for_its_reader_and_sent_only_to_them(
    client, long_agenda, practitioner, facilitator
):
    client.force_login(practitioner)
    asked = client.post(reverse("insights:agenda-pack-prepare", kwargs={"pk": long_agenda.pk}))
    export = Export.objects.get(requested_by=practitioner)
    prepare_export(export.pk)
    export.refresh_from_db()
    downloads = client.get(reverse("insights:downloads")).content.decode()
    download = client.get(export.get_absolute_url())
    client.force_login(facilitator)
    someone_else = client.get(export.get_absolute_url())

    assert asked["Location"] == reverse("insights:downloads")
    assert export.status == ExportStatus.READY
    assert "Agenda pack: March CFSN meeting" in downloads
    assert "Northern CFSN, 11 Mar 2031" in downloads
    assert download["Content-Disposition"] == (
        'attachment; filename="agenda-pack-northern-2031-03-11.pdf"'
    )
    text = pdf_text(b"".join(download.streaming_content))
    assert "for Pat Practitioner" in text
    assert "1 10:00 a.m. Welcome" in text
    assert "3 10:20 a.m. Regional updates" in text
    assert someone_else.status_code == 404
    assert Notification.objects.filter(
        recipient=practitioner, subject="Ready to download: Agenda pack: March CFSN meeting"
    ).exists()


def test_asking_twice_for_a_long_agenda_pack_queues_one(client, long_agenda, practitioner):
    client.force_login(practitioner)
    url = reverse("insights:agenda-pack-prepare", kwargs={"pk": long_agenda.pk})

    client.post(url)
    client.post(url)

    assert Export.objects.filter(requested_by=practitioner).count() == 1


def test_long_minutes_of_someone_who_left_the_forum_before_they_were_prepared_fail(
    client, long_agenda, practitioner
):
    client.force_login(practitioner)
    client.post(reverse("insights:minutes-prepare", kwargs={"pk": long_agenda.pk}))
    practitioner.memberships.all().delete()

    prepare_export(Export.objects.get(requested_by=practitioner).pk)

    export = Export.objects.get(requested_by=practitioner)
    assert export.status == ExportStatus.FAILED
    assert export.problem == "You may no longer read this paper."
    assert not export.file


def test_unpublished_minutes_of_a_long_agenda_are_not_prepared_for_an_outsider(
    client, long_agenda, outsider
):
    client.force_login(outsider)

    response = client.post(reverse("insights:minutes-prepare", kwargs={"pk": long_agenda.pk}))

    assert response.status_code == 403
    assert not Export.objects.exists()


def test_papers_go_with_their_meeting(client, long_agenda, practitioner):
    client.force_login(practitioner)
    client.post(reverse("insights:agenda-pack-prepare", kwargs={"pk": long_agenda.pk}))

    long_agenda.delete()

    assert not Export.objects.exists()


@pytest.mark.parametrize("n", [1, 6])
def test_downloads_page_query_count_does_not_grow_with_papers_of_other_meetings(
    client, forum, practitioner, django_assert_num_queries, n
):
    for _ in range(n):
        meeting = MeetingFactory(forum=forum, agenda_published_at=timezone.now())
        ExportFactory(
            requested_by=practitioner,
            kind=ExportKind.AGENDA_PACK,
            file_format=ExportFormat.PDF,
            meeting=meeting,
            title=f"Agenda pack: {meeting.title}",
            filename="agenda-pack.pdf",
            ready=b"%PDF-1.7",
        )
    client.force_login(practitioner)

    # Session, user (with their unread count); the page's count and its exports (with their
    # meetings); what the menu may show and the papers' permission: practice areas led, forum
    # roles.
    with django_assert_num_queries(6):
        html = client.get(reverse("insights:downloads")).content.decode()

    assert html.count("Download<span") == n


def test_long_minutes_laid_out_as_their_draft_go_only_to_someone_still_keeping_them(
    client, long_agenda, facilitator
):
    client.force_login(facilitator)
    client.post(reverse("insights:minutes-prepare", kwargs={"pk": long_agenda.pk}))
    export = Export.objects.get(requested_by=facilitator)
    prepare_export(export.pk)
    export.refresh_from_db()

    kept = client.get(export.get_absolute_url()).status_code
    facilitator.memberships.update(role=MembershipRole.MEMBER)
    # Still a member, who reads the minutes, but no longer their draft.
    after_stepping_down = client.get(export.get_absolute_url()).status_code
    downloads = client.get(reverse("insights:downloads")).content.decode()

    assert export.holds_draft
    assert (kept, after_stepping_down) == (200, 403)
    assert "You may no longer see what it holds, so it is not sent to you." in downloads


def test_long_agenda_pack_whose_worker_stopped_three_times_says_to_ask_again_later(
    client, long_agenda, practitioner, settings
):
    client.force_login(practitioner)
    client.post(reverse("insights:agenda-pack-prepare", kwargs={"pk": long_agenda.pk}))
    stopped = timezone.now() - dt.timedelta(minutes=settings.EXPORT_STALLED_MINUTES + 1)
    Export.objects.update(status=ExportStatus.PREPARING, started_at=stopped, attempts=3)

    prepare_waiting_exports()

    export = Export.objects.get()
    assert export.status == ExportStatus.FAILED
    assert export.problem == "It took too long to prepare. Ask for it again later."
