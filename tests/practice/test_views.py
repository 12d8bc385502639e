import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forums.choices import MeetingStatus
from practice.choices import GuidanceEventKind, GuidanceStatus, GuidanceType
from practice.models import GuidanceItem
from tests.factories.forums import MeetingFactory
from tests.factories.members import PracticeAreaFactory, UserFactory
from tests.factories.practice import GuidanceItemFactory, PracticeLeadFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.fixture
def editor_client(client):
    editor = PracticeLeadFactory().user
    client.force_login(editor)
    client.editor = editor
    return client


def _superseded_pair():
    new = GuidanceItemFactory(title="Cumulative harm", version="2.0")
    old = GuidanceItemFactory(
        title="Cumulative harm",
        version="1.0",
        status=GuidanceStatus.SUPERSEDED,
        superseded_by=new,
    )
    return old, new


# --- The list ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_guidance_list_queries_do_not_grow(member_client, size, django_assert_num_queries):
    areas = [PracticeAreaFactory(name="Housing"), PracticeAreaFactory(name="Disability")]
    for _ in range(size):
        GuidanceItemFactory(practice_areas=areas)

    # session, user with their unread notices, the menu's four (lead, memberships, two
    # permission reads), count, page, areas of the page; the first time, the filter's
    # choices too, to draw it once (the stamp naming the drawing is kept in the cache, not
    # read).
    with django_assert_num_queries(10):
        first = member_client.get(reverse("practice:guidance-list"))
    with django_assert_num_queries(9):
        response = member_client.get(reverse("practice:guidance-list"))

    assert len(response.context["items"]) == min(size, 25)
    assert response.content == first.content


def test_guidance_list_kept_filter_offers_an_area_added_or_renamed_since(member_client):
    area = PracticeAreaFactory(name="Housing")
    url = reverse("practice:guidance-list")
    member_client.get(url)

    PracticeAreaFactory(name="Disability")
    added = member_client.get(url).content.decode()
    area.name = "Homelessness"
    area.save(update_fields=["name"])
    renamed = member_client.get(url).content.decode()

    assert ">Disability</option>" in added
    assert f'<option value="{area.pk}">Housing</option>' not in renamed
    assert f'<option value="{area.pk}">Homelessness</option>' in renamed


def test_guidance_list_kept_filter_shows_each_query_its_own_values(member_client):
    area = PracticeAreaFactory(name="Housing")
    url = reverse("practice:guidance-list")

    member_client.get(url)
    chosen = member_client.get(url, {"practice_area": area.pk, "q": "safety"}).content.decode()
    plain = member_client.get(url).content.decode()

    assert f'<option value="{area.pk}" selected>Housing</option>' in chosen
    assert 'value="safety"' in chosen
    assert f'<option value="{area.pk}">Housing</option>' in plain
    assert 'value="safety"' not in plain


def test_guidance_list_shows_row_with_type_version_areas_owner_status_and_overdue(
    member_client,
):
    owner = UserFactory(display_name="Olive Owner")
    GuidanceItemFactory(
        title="Safety planning",
        kind=GuidanceType.TOOL,
        version="1.2",
        owner=owner,
        review_by=dt.date(2026, 1, 1),
        practice_areas=[PracticeAreaFactory(name="Family violence")],
    )

    with time_machine.travel(NOW, tick=False):
        html = member_client.get(reverse("practice:guidance-list")).content.decode()

    for text in ("Safety planning", "Tool", "1.2", "Family violence", "Olive Owner", "Current"):
        assert text in html
    assert "1 Jan 2026 <strong>Overdue</strong>" in html


def test_guidance_list_filters_superseded_on_request(member_client):
    old, new = _superseded_pair()

    default = member_client.get(reverse("practice:guidance-list"))
    superseded = member_client.get(reverse("practice:guidance-list"), {"status": "superseded"})

    assert list(default.context["items"]) == [new]
    assert list(superseded.context["items"]) == [old]


def test_guidance_list_with_bad_filter_lists_default(member_client):
    item = GuidanceItemFactory()

    response = member_client.get(reverse("practice:guidance-list"), {"practice_area": "x"})

    assert list(response.context["items"]) == [item]


# --- The item page ----------------------------------------------------------------------


def test_guidance_detail_of_superseded_item_points_to_successor(member_client):
    old, new = _superseded_pair()

    html = member_client.get(old.get_absolute_url()).content.decode()

    assert "This version has been superseded." in html
    assert f'Use <a href="{new.get_absolute_url()}">Cumulative harm (2.0)</a> instead.' in html
    assert reverse("practice:guidance-edit", args=[old.pk]) not in html


def test_guidance_detail_lists_earlier_versions_and_published_sessions(member_client):
    old, new = _superseded_pair()
    published = MeetingFactory(title="Learning: harm", status=MeetingStatus.PUBLISHED)
    draft = MeetingFactory(title="Draft session", status=MeetingStatus.DRAFT)
    published.materials.add(new)
    draft.materials.add(new)

    html = member_client.get(new.get_absolute_url()).content.decode()

    assert f'<a href="{old.get_absolute_url()}">Cumulative harm (1.0)</a>' in html
    assert "Learning: harm" in html
    assert "Draft session" not in html


def test_guidance_detail_offers_owner_edit_and_review_but_not_supersede(client):
    item = GuidanceItemFactory()
    client.force_login(item.owner)

    html = client.get(item.get_absolute_url()).content.decode()

    assert reverse("practice:guidance-edit", args=[item.pk]) in html
    assert reverse("practice:guidance-reviewed", args=[item.pk]) in html
    assert reverse("practice:guidance-new-version", args=[item.pk]) not in html


# --- Adding, editing, reviewing and superseding ----------------------------------------


def test_guidance_create_with_file_adds_item_and_redirects_to_it(editor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    area = PracticeAreaFactory(name="Housing")

    response = editor_client.post(
        reverse("practice:guidance-create"),
        {
            "title": "Housing pathways",
            "summary": "Options for families.",
            "kind": GuidanceType.GUIDANCE,
            "practice_areas": [area.pk],
            "version": "1.0",
            "owner": editor_client.editor.pk,
            "published_on": "2026-03-01",
            "review_by": "2027-03-01",
            "url": "",
            "file": SimpleUploadedFile("pathways.pdf", PDF, content_type="application/pdf"),
        },
    )

    item = GuidanceItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == item.get_absolute_url()
    assert item.file.name.endswith("/pathways.pdf")
    assert list(item.practice_areas.all()) == [area]


def test_guidance_create_without_link_or_file_shows_error(editor_client):
    response = editor_client.post(
        reverse("practice:guidance-create"),
        {
            "title": "Housing pathways",
            "kind": GuidanceType.GUIDANCE,
            "version": "1.0",
            "owner": editor_client.editor.pk,
            "published_on": "2026-03-01",
            "review_by": "2027-03-01",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["url"] == ["Give a link, or choose a file to upload."]
    assert GuidanceItem.objects.count() == 0


def test_guidance_create_with_identifying_details_shows_error(editor_client):
    response = editor_client.post(
        reverse("practice:guidance-create"),
        {
            "title": "Call 0412 345 678",
            "kind": GuidanceType.GUIDANCE,
            "version": "1.0",
            "owner": editor_client.editor.pk,
            "published_on": "2026-03-01",
            "review_by": "2027-03-01",
            "url": "https://example.org/x",
        },
    )

    assert response.status_code == 200
    assert "identifying client information" in response.context["form"].errors["title"][0]


def test_guidance_create_with_phone_number_in_link_shows_error_beside_it_keeping_input(
    editor_client,
):
    details = {
        "title": "Housing pathways",
        "summary": "Options for families.",
        "kind": GuidanceType.GUIDANCE,
        "version": "1.0",
        "owner": editor_client.editor.pk,
        "published_on": "2026-03-01",
        "review_by": "2027-03-01",
        "url": "https://example.org/pathways?ref=0412+345+678",
    }

    response = editor_client.post(reverse("practice:guidance-create"), details)

    form = response.context["form"]
    assert response.status_code == 200
    assert list(form.errors) == ["url"]
    assert "a phone number “0412 345 678”" in form.errors["url"][0]
    assert form["title"].value() == "Housing pathways"
    assert form["url"].value() == "https://example.org/pathways?ref=0412+345+678"
    assert GuidanceItem.objects.count() == 0


def test_guidance_edit_with_email_in_link_shows_error_beside_it(client):
    item = GuidanceItemFactory(title="Old title", url="https://example.org/old")
    client.force_login(item.owner)

    response = client.post(
        reverse("practice:guidance-edit", args=[item.pk]),
        {
            "title": "New title",
            "kind": item.kind,
            "version": "1.1",
            "owner": item.owner.pk,
            "review_by": "2027-01-01",
            "url": "https://example.org/new#jo@example.com",
        },
    )

    item.refresh_from_db()
    assert "an email address" in response.context["form"].errors["url"][0]
    assert response.context["form"]["title"].value() == "New title"
    assert (item.title, item.url) == ("Old title", "https://example.org/old")


def test_guidance_edit_sent_after_it_was_superseded_keeps_what_the_owner_typed(client):
    old, _new = _superseded_pair()
    client.force_login(old.owner)

    response = client.post(
        reverse("practice:guidance-edit", args=[old.pk]),
        {
            "title": "Cumulative harm: the pattern over time",
            "kind": old.kind,
            "version": "1.1",
            "owner": old.owner.pk,
            "review_by": "2027-01-01",
            "url": old.url,
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This item has been superseded meanwhile" in html
    assert "Cumulative harm: the pattern over time" in html
    old.refresh_from_db()
    assert (old.title, old.version) == ("Cumulative harm", "1.0")


def test_guidance_edit_by_owner_saves_and_records_changed(client):
    item = GuidanceItemFactory(title="Old title")
    client.force_login(item.owner)

    response = client.post(
        reverse("practice:guidance-edit", args=[item.pk]),
        {
            "title": "New title",
            "kind": item.kind,
            "version": "1.1",
            "owner": item.owner.pk,
            "review_by": "2027-01-01",
            "url": item.url,
        },
    )

    item.refresh_from_db()
    assert response.status_code == 302
    assert (item.title, item.version) == ("New title", "1.1")
    assert list(item.events.values_list("kind", flat=True)) == [GuidanceEventKind.CHANGED]


def test_guidance_new_version_publishes_successor_and_supersedes_old(editor_client):
    old = GuidanceItemFactory(title="Cumulative harm", version="1.0")

    form = editor_client.get(reverse("practice:guidance-new-version", args=[old.pk]))
    response = editor_client.post(
        reverse("practice:guidance-new-version", args=[old.pk]),
        {
            "title": "Cumulative harm",
            "kind": old.kind,
            "version": "2.0",
            "owner": old.owner.pk,
            "published_on": "2026-03-01",
            "review_by": "2027-03-01",
            "url": "https://example.org/cumulative-harm-2",
        },
    )

    old.refresh_from_db()
    assert form.context["form"].initial["title"] == "Cumulative harm"
    assert response["Location"] == old.superseded_by.get_absolute_url()
    assert (old.status, old.superseded_by.version) == (GuidanceStatus.SUPERSEDED, "2.0")


def test_guidance_supersede_by_existing_item(editor_client):
    old, new = GuidanceItemFactory(), GuidanceItemFactory()

    response = editor_client.post(
        reverse("practice:guidance-supersede", args=[old.pk]), {"successor": new.pk}
    )

    old.refresh_from_db()
    assert response.status_code == 302
    assert old.superseded_by == new


def test_guidance_start_review_then_reviewed_by_owner(client):
    item = GuidanceItemFactory(review_by=dt.date(2026, 2, 1))
    client.force_login(item.owner)

    with time_machine.travel(NOW, tick=False):
        client.post(reverse("practice:guidance-start-review", args=[item.pk]), {"note": ""})
        item.refresh_from_db()
        under_review = item.status
        client.post(
            reverse("practice:guidance-reviewed", args=[item.pk]),
            {"review_by": "2027-03-01", "note": "Still right."},
        )

    item.refresh_from_db()
    assert under_review == GuidanceStatus.UNDER_REVIEW
    assert (item.status, item.review_by) == (GuidanceStatus.CURRENT, dt.date(2027, 3, 1))


def test_guidance_reviewed_with_past_date_shows_error(client):
    item = GuidanceItemFactory()
    client.force_login(item.owner)

    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("practice:guidance-reviewed", args=[item.pk]), {"review_by": "2026-03-01"}
        )

    assert response.context["form"].errors["review_by"] == [
        "The next review date must be in the future."
    ]


# --- Download ---------------------------------------------------------------------------


def test_guidance_download_streams_file_as_attachment(member_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = ""
    (tmp_path / "library" / "abc").mkdir(parents=True)
    (tmp_path / "library" / "abc" / "guide.pdf").write_bytes(PDF)
    item = GuidanceItemFactory(url="", file="library/abc/guide.pdf")

    response = member_client.get(reverse("practice:guidance-download", args=[item.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_guidance_download_of_missing_file_is_not_found(member_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = ""
    item = GuidanceItemFactory(url="", file="library/gone/guide.pdf")

    response = member_client.get(reverse("practice:guidance-download", args=[item.pk]))

    assert response.status_code == 404


# --- Due for review ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 20])
def test_guidance_due_queries_do_not_grow(client, size, django_assert_num_queries):
    owner = UserFactory()
    for n in range(size):
        GuidanceItemFactory(owner=owner, review_by=dt.date(2026, 2, 1) + dt.timedelta(days=n))
    client.force_login(owner)

    # session, user with their unread notices, the menu's four (lead, memberships, two
    # permission reads), count, page, areas of the page
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(7):
        response = client.get(reverse("practice:guidance-due"))

    assert len(response.context["items"]) == size


def test_home_shows_owner_their_library_items_to_review(client):
    owner = UserFactory()
    GuidanceItemFactory(owner=owner, review_by=dt.date(2026, 2, 1))
    GuidanceItemFactory(owner=owner, review_by=dt.date(2026, 3, 20))
    client.force_login(owner)

    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("home")).content.decode()

    assert '<span class="task-count">2</span> Library items to review' in html
    assert "1 past its review date; 1 due within 30 days." in html
    assert reverse("practice:guidance-due") in html
