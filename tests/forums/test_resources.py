import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forums.choices import ForumEventKind, MembershipRole, ResourceKind
from forums.exceptions import ForumActionRefused
from forums.models import ForumEvent, Resource
from forums.services.resources import add_resource
from tests.factories.forums import ForumFactory, MeetingFactory, MembershipFactory
from tests.factories.members import PracticeAreaFactory

pytestmark = pytest.mark.django_db


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
    upload = SimpleUploadedFile("guide.pdf", b"%PDF-1.4 small", content_type="application/pdf")

    response = facilitator_client.post(
        reverse("forums:meeting-resource-add", kwargs={"pk": meeting.pk}),
        {"title": "Guide", "file": upload},
    )

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.kind == ResourceKind.FILE
    assert resource.href.startswith("/media/resources/")


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
