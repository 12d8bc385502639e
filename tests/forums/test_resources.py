import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forums.choices import ForumEventKind, MeetingStatus, MembershipRole, ResourceKind
from forums.exceptions import ForumActionRefused
from forums.models import ForumEvent, Resource
from forums.services.resources import add_resource
from tests.factories.forums import (
    ForumFactory,
    LearningSessionFactory,
    MeetingFactory,
    MembershipFactory,
    StrategicForumFactory,
)
from tests.factories.members import PracticeAreaFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def facilitator_client(client, meeting):
    user = MembershipFactory(forum=meeting.forum, role=MembershipRole.FACILITATOR).user
    client.force_login(user)
    return client


def test_add_resource_link_with_practice_areas_records_event(meeting, member):
    area = PracticeAreaFactory()

    resource = add_resource(
        meeting.forum,
        by=member,
        title="Guide",
        url="https://example.org/g",
        practice_areas=[area],
        meeting=meeting,
    )

    assert (resource.kind, resource.meeting) == (ResourceKind.LINK, meeting)
    assert list(resource.practice_areas.all()) == [area]
    assert ForumEvent.objects.filter(kind=ForumEventKind.RESOURCE_ADDED).count() == 1


def test_add_resource_for_meeting_of_another_forum_is_refused(meeting, member):
    with pytest.raises(ForumActionRefused, match="another forum"):
        add_resource(ForumFactory(), by=member, title="G", url="https://e.org", meeting=meeting)


def test_meeting_resource_add_view_uploads_file(facilitator_client, meeting):
    upload = SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf")

    response = facilitator_client.post(
        reverse("forums:meeting-resource-add", kwargs={"pk": meeting.pk}),
        {"title": "Guide", "file": upload},
    )

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.kind == ResourceKind.FILE
    assert resource.href == f"/forums/resources/{resource.pk}/download/"
    assert re.fullmatch(r"resources/[0-9a-f]{32}/guide\.pdf", resource.file.name)


def test_meeting_resource_add_view_too_large_file_names_limit_and_keeps_input(
    facilitator_client, meeting, settings
):
    settings.RESOURCE_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("big.pdf", b"x" * (1024 * 1024 + 1))

    response = facilitator_client.post(
        reverse("forums:meeting-resource-add", kwargs={"pk": meeting.pk}),
        {"title": "Keep this title", "file": upload},
    )

    assert response.status_code == 200
    assert "the limit is 1 MB" in response.context["form"].errors["file"][0]
    assert 'value="Keep this title"' in response.content.decode()
    assert Resource.objects.count() == 0


def test_meeting_resource_add_view_wrong_type_names_allowed_types(facilitator_client, meeting):
    upload = SimpleUploadedFile("run.exe", b"MZ")

    response = facilitator_client.post(
        reverse("forums:meeting-resource-add", kwargs={"pk": meeting.pk}),
        {"title": "Tool", "file": upload},
    )

    error = response.context["form"].errors["file"][0]
    assert "Files of type .exe cannot be uploaded" in error
    assert "pdf, docx" in error


def test_resource_add_view_without_link_or_file_asks_for_one(facilitator_client, meeting):
    response = facilitator_client.post(
        reverse("forums:resource-add", kwargs={"slug": meeting.forum.slug}), {"title": "Nothing"}
    )

    assert response.context["form"].errors["url"] == ["Give a link, or choose a file to upload."]


CLIENT_LINK = "https://records.example.org/case?client=Jane+Citizen&phone=0412+345+678"


def test_resource_add_view_link_carrying_client_details_is_refused_beside_it(
    facilitator_client, meeting
):
    response = facilitator_client.post(
        reverse("forums:resource-add", kwargs={"slug": meeting.forum.slug}),
        {"title": "Case notes", "url": CLIENT_LINK},
    )

    [error] = response.context["form"].errors["url"]
    assert "a phone number “0412 345 678”" in error
    assert response.context["form"]["url"].value() == CLIENT_LINK
    assert not Resource.objects.exists()


def test_add_resource_refuses_client_details_in_its_link_whatever_form_sent_it(meeting, member):
    with pytest.raises(ForumActionRefused, match="identifying client information"):
        add_resource(meeting.forum, by=member, title="Case notes", url=CLIENT_LINK)

    assert not Resource.objects.exists()


def test_add_resource_link_whose_path_holds_a_document_number_is_taken(meeting, member):
    resource = add_resource(
        meeting.forum, by=member, title="Guide", url="https://example.org/docs/0412345678.pdf"
    )

    assert resource.url == "https://example.org/docs/0412345678.pdf"


def test_resource_add_view_adds_forum_link(facilitator_client, meeting):
    response = facilitator_client.post(
        reverse("forums:resource-add", kwargs={"slug": meeting.forum.slug}),
        {"title": "Network map", "url": "https://example.org/map"},
    )

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.forum, resource.meeting, resource.url) == (
        meeting.forum,
        None,
        "https://example.org/map",
    )


def test_meeting_resource_add_view_renamed_web_page_is_refused_and_keeps_input(
    facilitator_client, meeting
):
    upload = SimpleUploadedFile("agenda.pdf", b"<!DOCTYPE html><html><body>Hi</body></html>")

    response = facilitator_client.post(
        reverse("forums:meeting-resource-add", kwargs={"pk": meeting.pk}),
        {"title": "Agenda papers", "file": upload},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "agenda.pdf holds a web page or script, not a PDF document, so it cannot be uploaded. "
        "Upload the document itself, or add a link to the page instead."
    ]
    assert 'value="Agenda papers"' in response.content.decode()
    assert Resource.objects.count() == 0


def _file_resource(forum, *, meeting=None, name="guide.pdf", content=PDF):
    by = MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    return add_resource(
        forum, by=by, title="Guide", file=SimpleUploadedFile(name, content), meeting=meeting
    )


def _download(resource):
    return reverse("forums:resource-download", kwargs={"pk": resource.pk})


def test_resource_download_member_gets_exact_bytes_as_attachment(client):
    resource = _file_resource(ForumFactory())
    client.force_login(MembershipFactory(forum=resource.forum).user)

    response = client.get(_download(resource))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_resource_download_member_of_another_forum_is_403(client):
    resource = _file_resource(ForumFactory())
    client.force_login(MembershipFactory(forum=ForumFactory()).user)

    response = client.get(_download(resource))

    assert response.status_code == 403


def test_resource_download_anonymous_is_sent_to_sign_in(client):
    resource = _file_resource(ForumFactory())

    response = client.get(_download(resource))

    assert response.status_code == 302
    assert (
        response["Location"] == f"/accounts/login/?next=/forums/resources/{resource.pk}/download/"
    )


def test_resource_download_administrator_outside_the_forum_gets_the_file(client):
    resource = _file_resource(ForumFactory())
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get(_download(resource))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("role", "status_code"),
    [(MembershipRole.MEMBER, 403), (MembershipRole.FACILITATOR, 200)],
)
def test_resource_download_of_draft_meeting_only_for_those_who_run_the_forum(
    client, role, status_code
):
    meeting = MeetingFactory(status=MeetingStatus.DRAFT)
    resource = _file_resource(meeting.forum, meeting=meeting)
    client.force_login(MembershipFactory(forum=meeting.forum, role=role).user)

    response = client.get(_download(resource))

    assert response.status_code == status_code


def test_resource_download_of_draft_strategic_meeting_for_an_executive_member(client):
    meeting = MeetingFactory(forum=StrategicForumFactory(), status=MeetingStatus.DRAFT)
    resource = _file_resource(meeting.forum, meeting=meeting)
    executive = MembershipFactory(forum=meeting.forum, role=MembershipRole.EXECUTIVE).user
    client.force_login(executive)

    response = client.get(_download(resource))

    assert response.status_code == 200


def test_resource_download_of_published_meeting_for_a_member(client):
    meeting = MeetingFactory(status=MeetingStatus.PUBLISHED)
    resource = _file_resource(meeting.forum, meeting=meeting)
    client.force_login(MembershipFactory(forum=meeting.forum).user)

    response = client.get(_download(resource))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("status", "status_code"), [(MeetingStatus.PUBLISHED, 200), (MeetingStatus.DRAFT, 403)]
)
def test_resource_download_of_a_learning_session_for_a_member_of_another_forum(
    client, status, status_code
):
    session = LearningSessionFactory(status=status, title="Working with interpreters")
    resource = _file_resource(session.forum, meeting=session, name="slides.pdf")
    attendee = MembershipFactory(forum=ForumFactory()).user
    client.force_login(attendee)

    session_page = client.get(session.get_absolute_url())
    response = client.get(_download(resource))

    assert response.status_code == status_code
    if status_code == 200:
        assert _download(resource) in session_page.content.decode()
        assert b"".join(response.streaming_content) == PDF


def test_resource_download_with_accel_prefix_hands_the_file_to_nginx(client, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    resource = _file_resource(ForumFactory(), name="Referral guide.pdf")
    client.force_login(MembershipFactory(forum=resource.forum).user)

    response = client.get(_download(resource))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{resource.file.name}"
    assert resource.file.name.endswith("/Referral_guide.pdf")
    assert response.content == b""
    assert response["Content-Disposition"] == 'attachment; filename="Referral_guide.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_resource_download_of_a_link_is_404(client):
    forum = ForumFactory()
    resource = add_resource(forum, by=UserFactory(), title="Map", url="https://example.org/map")
    client.force_login(MembershipFactory(forum=forum).user)

    response = client.get(_download(resource))

    assert response.status_code == 404


def test_resource_download_file_missing_from_storage_is_404(client):
    resource = _file_resource(ForumFactory())
    resource.file.storage.delete(resource.file.name)
    client.force_login(MembershipFactory(forum=resource.forum).user)

    response = client.get(_download(resource))

    assert response.status_code == 404


def test_media_url_is_404_for_a_stored_file(client):
    resource = _file_resource(ForumFactory())
    client.force_login(MembershipFactory(forum=resource.forum).user)

    response = client.get(f"/media/{resource.file.name}")

    assert response.status_code == 404


def test_media_url_is_not_routed_even_with_debug_on():
    # URLs are read once per process, so a fresh one starts with DEBUG on, as `make run` does.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_ENV", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DJANGO_ENV="embedded", DEBUG="true")
    code = (
        "from django.conf import settings; from django.urls import Resolver404, resolve\n"
        "assert settings.DEBUG\n"
        "try:\n    resolve('/media/resources/0123/guide.pdf')\n"
        "except Resolver404:\n    print('not routed')\n"
        "else:\n    print('routed')\n"
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "not routed"


def test_meeting_detail_links_files_to_the_download_view(client):
    meeting = MeetingFactory(status=MeetingStatus.PUBLISHED)
    resource = _file_resource(meeting.forum, meeting=meeting)
    client.force_login(MembershipFactory(forum=meeting.forum).user)

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert f'href="/forums/resources/{resource.pk}/download/"' in page
    assert "/media/" not in page


def test_resource_admin_links_file_to_download_view_and_takes_no_uploads(client):
    resource = _file_resource(ForumFactory())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:forums_resource_change", args=[resource.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{_download(resource)}"' in html
    assert 'type="file"' not in html
    assert "/media/" not in html


def test_add_resource_web_page_named_pdf_is_refused_by_the_service_too(meeting, member):
    page = SimpleUploadedFile("agenda.pdf", b"<!doctype html><html><body>Hi</body></html>")

    with pytest.raises(ForumActionRefused):
        add_resource(meeting.forum, by=member, title="Agenda", file=page)

    assert Resource.objects.count() == 0


def test_resource_add_view_title_with_line_break_is_stored_on_one_line(facilitator_client, meeting):
    facilitator_client.post(
        reverse("forums:resource-add", kwargs={"slug": meeting.forum.slug}),
        {"title": "Agenda\r\npapers", "url": "https://example.org/papers"},
    )

    assert Resource.objects.get().title == "Agenda papers"
