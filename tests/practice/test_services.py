import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from members.choices import NotificationKind
from members.models import Notification
from practice.choices import GuidanceEventKind, GuidanceStatus, GuidanceType
from practice.exceptions import GuidanceRefused
from practice.models import GuidanceEvent, GuidanceItem
from practice.services import (
    add_guidance,
    change_guidance,
    mark_reviewed,
    publish_new_version,
    send_review_reminders,
    start_review,
    supersede_guidance,
)
from tests.factories.members import PracticeAreaFactory, UserFactory
from tests.factories.practice import GuidanceItemFactory, PracticeLeadFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def _details(owner, **overrides):
    details = {
        "title": "Safety planning with children",
        "summary": "A tool for planning with children.",
        "kind": GuidanceType.TOOL,
        "owner": owner,
        "version": "1.0",
        "published_on": dt.date(2026, 3, 1),
        "review_by": dt.date(2027, 3, 1),
        "url": "https://example.org/safety-planning",
    }
    return {**details, **overrides}


def _pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")


def _kinds(item):
    return list(item.events.values_list("kind", flat=True))


def test_add_guidance_with_link_records_added_and_tells_the_owner():
    editor, owner = UserFactory(), UserFactory()
    area = PracticeAreaFactory(name="Family violence")

    item = add_guidance(by=editor, practice_areas=[area], **_details(owner))

    assert item.status == GuidanceStatus.CURRENT
    assert list(item.practice_areas.all()) == [area]
    assert item.created_by == editor
    assert _kinds(item) == [GuidanceEventKind.ADDED]
    notice = Notification.objects.get(recipient=owner)
    assert notice.kind == NotificationKind.PRACTICE
    assert notice.subject == "You own a library item: Safety planning with children (1.0)"
    assert notice.url == item.get_absolute_url()


def test_add_guidance_by_its_owner_tells_nobody():
    owner = UserFactory()

    add_guidance(by=owner, **_details(owner))

    assert Notification.objects.count() == 0


def test_add_guidance_with_pdf_file_stores_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = UserFactory()

    item = add_guidance(by=owner, **_details(owner, url="", file=_pdf()))

    assert item.url == ""
    assert item.file.name.startswith("library/")
    assert item.file.name.endswith("/plan.pdf")


def test_add_guidance_with_web_page_named_pdf_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = UserFactory()
    page = SimpleUploadedFile("plan.pdf", b"<html><script>alert(1)</script></html>")

    with pytest.raises(GuidanceRefused, match="holds a web page or script"):
        add_guidance(by=owner, **_details(owner, url="", file=page))

    assert GuidanceItem.objects.count() == 0


def test_add_guidance_with_link_and_file_is_refused():
    owner = UserFactory()

    with pytest.raises(GuidanceRefused, match="either a link or a file"):
        add_guidance(by=owner, **_details(owner, file=_pdf()))


def test_add_guidance_with_phone_number_in_summary_is_refused():
    owner = UserFactory()

    with pytest.raises(GuidanceRefused, match="identifying client information"):
        add_guidance(by=owner, **_details(owner, summary="Call the mother on 0412 345 678."))

    assert GuidanceItem.objects.count() == 0


def test_add_guidance_with_phone_number_in_link_query_is_refused_naming_the_link():
    owner = UserFactory()
    link = "https://example.org/plan?client=Call%200412%20345%20678"

    with pytest.raises(GuidanceRefused, match="a phone number “0412 345 678”") as refused:
        add_guidance(by=owner, **_details(owner, url=link))

    assert refused.value.field == "url"
    assert GuidanceItem.objects.count() == 0


def test_add_guidance_with_email_in_link_fragment_is_refused():
    owner = UserFactory()

    with pytest.raises(GuidanceRefused, match="an email address") as refused:
        add_guidance(by=owner, **_details(owner, url="https://example.org/plan#jo@example.com"))

    assert refused.value.field == "url"


def test_add_guidance_with_document_number_in_link_path_is_added():
    owner = UserFactory()
    link = "https://example.org/documents/123456789/0412345678?page=2#section-4"

    item = add_guidance(by=owner, **_details(owner, url=link))

    assert item.url == link


def test_add_guidance_with_review_before_publication_is_refused():
    owner = UserFactory()

    with pytest.raises(GuidanceRefused, match="must come after the publication date"):
        add_guidance(by=owner, **_details(owner, review_by=dt.date(2026, 2, 1)))


def test_change_guidance_details_records_changed():
    item = GuidanceItemFactory()

    changed = change_guidance(
        item,
        by=item.owner,
        title="Renamed",
        kind=item.kind,
        owner=item.owner,
        version="1.1",
        review_by=item.review_by,
        url=item.url,
    )

    assert (changed.title, changed.version) == ("Renamed", "1.1")
    assert _kinds(changed) == [GuidanceEventKind.CHANGED]


def test_change_guidance_with_new_link_records_new_file():
    item = GuidanceItemFactory(url="https://example.org/old")

    changed = change_guidance(
        item,
        by=item.owner,
        title=item.title,
        kind=item.kind,
        owner=item.owner,
        version=item.version,
        review_by=item.review_by,
        url="https://example.org/new",
    )

    assert changed.url == "https://example.org/new"
    assert _kinds(changed) == [GuidanceEventKind.NEW_FILE]


def test_change_guidance_with_new_file_replaces_link(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = GuidanceItemFactory(url="https://example.org/old")

    changed = change_guidance(
        item,
        by=item.owner,
        title=item.title,
        kind=item.kind,
        owner=item.owner,
        version="2",
        review_by=item.review_by,
        file=_pdf(),
    )

    changed.refresh_from_db()
    assert changed.url == ""
    assert changed.file.name.endswith("/plan.pdf")
    assert _kinds(changed) == [GuidanceEventKind.NEW_FILE]


def test_change_guidance_to_new_owner_tells_them():
    item = GuidanceItemFactory()
    editor, new_owner = UserFactory(display_name="Ed Editor"), UserFactory()

    change_guidance(
        item,
        by=editor,
        title=item.title,
        kind=item.kind,
        owner=new_owner,
        version=item.version,
        review_by=item.review_by,
        url=item.url,
    )

    assert list(Notification.objects.values_list("recipient", "body")) == [
        (new_owner.pk, f"Ed Editor named you the owner of “{item}”.")
    ]


def test_change_guidance_when_superseded_is_refused():
    successor = GuidanceItemFactory()
    item = GuidanceItemFactory(status=GuidanceStatus.SUPERSEDED, superseded_by=successor)

    with pytest.raises(GuidanceRefused, match="has been superseded"):
        change_guidance(
            item,
            by=item.owner,
            title="New",
            kind=item.kind,
            owner=item.owner,
            version="9",
            review_by=item.review_by,
            url=item.url,
        )


def test_change_guidance_with_new_link_holding_a_phone_number_is_refused():
    item = GuidanceItemFactory(url="https://example.org/old")

    with pytest.raises(GuidanceRefused, match="a phone number") as refused:
        change_guidance(
            item,
            by=item.owner,
            title=item.title,
            kind=item.kind,
            owner=item.owner,
            version=item.version,
            review_by=item.review_by,
            url="https://example.org/new?mobile=0412345678",
        )

    item.refresh_from_db()
    assert refused.value.field == "url"
    assert item.url == "https://example.org/old"
    assert _kinds(item) == []


def test_start_review_on_current_item_puts_it_under_review():
    item = GuidanceItemFactory()

    start_review(item, by=item.owner, note="Checking contacts.")

    item.refresh_from_db()
    assert item.status == GuidanceStatus.UNDER_REVIEW
    assert list(item.events.values_list("kind", "note")) == [
        (GuidanceEventKind.REVIEW_STARTED, "Checking contacts.")
    ]


def test_start_review_when_under_review_is_refused():
    item = GuidanceItemFactory(status=GuidanceStatus.UNDER_REVIEW)

    with pytest.raises(GuidanceRefused, match="already under review"):
        start_review(item, by=item.owner)


@time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False)
def test_mark_reviewed_sets_new_date_and_makes_it_current():
    item = GuidanceItemFactory(status=GuidanceStatus.UNDER_REVIEW, review_by=dt.date(2026, 2, 1))

    mark_reviewed(item, by=item.owner, review_by=dt.date(2027, 3, 1))

    item.refresh_from_db()
    assert (item.status, item.review_by) == (GuidanceStatus.CURRENT, dt.date(2027, 3, 1))
    assert list(item.events.values_list("kind", "note")) == [
        (GuidanceEventKind.REVIEWED, "Next review by 1 Mar 2027.")
    ]


@time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False)
def test_mark_reviewed_with_date_in_past_is_refused():
    item = GuidanceItemFactory()

    with pytest.raises(GuidanceRefused, match="must be in the future"):
        mark_reviewed(item, by=item.owner, review_by=dt.date(2026, 3, 2))


def test_supersede_guidance_points_old_item_to_successor_and_tells_owner():
    old, new = GuidanceItemFactory(version="1"), GuidanceItemFactory(version="2")
    editor = UserFactory()

    supersede_guidance(old, successor=new, by=editor)

    old.refresh_from_db()
    assert (old.status, old.superseded_by) == (GuidanceStatus.SUPERSEDED, new)
    assert list(old.events.values_list("kind", "note")) == [
        (GuidanceEventKind.SUPERSEDED, f"Superseded by {new}.")
    ]
    assert Notification.objects.get().recipient == old.owner


def test_supersede_guidance_by_itself_is_refused():
    item = GuidanceItemFactory()

    with pytest.raises(GuidanceRefused, match="cannot supersede itself"):
        supersede_guidance(item, successor=item, by=item.owner)


def test_supersede_guidance_by_superseded_item_is_refused():
    newest = GuidanceItemFactory()
    middle = GuidanceItemFactory(status=GuidanceStatus.SUPERSEDED, superseded_by=newest)
    item = GuidanceItemFactory()

    with pytest.raises(GuidanceRefused, match="itself been superseded"):
        supersede_guidance(item, successor=middle, by=item.owner)


def test_supersede_guidance_twice_is_refused():
    item, first, second = GuidanceItemFactory(), GuidanceItemFactory(), GuidanceItemFactory()
    supersede_guidance(item, successor=first, by=item.owner)

    with pytest.raises(GuidanceRefused, match="has been superseded"):
        supersede_guidance(item, successor=second, by=item.owner)


def test_publish_new_version_adds_successor_and_supersedes_old():
    old = GuidanceItemFactory(title="Cumulative harm", version="1.0")
    editor = UserFactory()

    new = publish_new_version(
        old,
        by=editor,
        **_details(old.owner, title="Cumulative harm", version="2.0"),
    )

    old.refresh_from_db()
    assert old.superseded_by == new
    assert new.status == GuidanceStatus.CURRENT
    assert _kinds(new) == [GuidanceEventKind.ADDED]
    assert _kinds(old) == [GuidanceEventKind.SUPERSEDED]


def test_publish_new_version_refused_keeps_nothing():
    old = GuidanceItemFactory()

    with pytest.raises(GuidanceRefused):
        publish_new_version(old, by=old.owner, **_details(old.owner, summary="Ring 0412 345 678"))

    old.refresh_from_db()
    assert old.status == GuidanceStatus.CURRENT
    assert GuidanceItem.objects.count() == 1
    assert GuidanceEvent.objects.count() == 0


def test_send_review_reminders_tells_owner_once_per_review_date():
    item = GuidanceItemFactory(review_by=TODAY)
    GuidanceItemFactory(review_by=TODAY + dt.timedelta(days=1))

    first = send_review_reminders(TODAY)
    again = send_review_reminders(TODAY + dt.timedelta(days=1))

    assert (first, again) == (1, 1)
    notices = list(Notification.objects.order_by("pk").values_list("recipient", "subject"))
    assert notices[0] == (item.owner_id, f"Review due: {item}")
    assert list(item.events.values_list("kind", "note")) == [
        (GuidanceEventKind.REVIEW_REMINDED, "2026-03-02")
    ]


def test_send_review_reminders_for_an_item_whose_owner_left_tell_the_leads_of_its_areas():
    area, elsewhere = PracticeAreaFactory(), PracticeAreaFactory()
    lead = PracticeLeadFactory(practice_area=area).user
    PracticeLeadFactory(practice_area=elsewhere)
    owner = UserFactory(is_active=False)
    item = GuidanceItemFactory(review_by=TODAY, owner=owner, practice_areas=[area])

    sent = send_review_reminders(TODAY)

    assert sent == 1
    notices = list(Notification.objects.values_list("recipient", "subject"))
    assert notices == [(lead.pk, f"Review due, and its owner has left: {item}")]
    assert "has left the portal: review it" in Notification.objects.get().body


def test_send_review_reminders_for_an_item_whose_owner_left_with_no_lead_tell_administrators():
    administrator = UserFactory(is_superuser=True)
    item = GuidanceItemFactory(review_by=TODAY, owner=UserFactory(is_active=False))

    send_review_reminders(TODAY)

    assert list(Notification.objects.values_list("recipient", "subject")) == [
        (administrator.pk, f"Review due, and its owner has left: {item}")
    ]


def test_send_review_reminders_after_new_review_date_reminds_again():
    item = GuidanceItemFactory(review_by=TODAY)
    send_review_reminders(TODAY)
    GuidanceItem.objects.filter(pk=item.pk).update(review_by=TODAY + dt.timedelta(days=30))

    sent = send_review_reminders(TODAY + dt.timedelta(days=30))

    assert sent == 1
    assert Notification.objects.filter(recipient=item.owner).count() == 2


def test_send_review_reminders_skips_superseded_items():
    GuidanceItemFactory(
        review_by=TODAY, status=GuidanceStatus.SUPERSEDED, superseded_by=GuidanceItemFactory()
    )

    assert send_review_reminders(TODAY) == 0
