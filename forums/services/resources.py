from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext

from members.files import file_type_problem
from members.validators import no_identifying_details_in_link

from ..choices import ForumEventKind, MeetingStatus, ResourceKind
from ..exceptions import ForumActionRefused
from ..models import Forum, Meeting, Resource
from .audit import record_event


@transaction.atomic
def add_resource(
    forum: Forum,
    *,
    by,
    title: str,
    url: str = "",
    file: UploadedFile | None = None,
    practice_areas: Iterable = (),
    meeting: Meeting | None = None,
) -> Resource:
    """Attach a link or an uploaded file to a forum, or to one of its meetings.

    A file must hold what its extension says, and a link may carry no identifying client
    information, whatever form it came through."""
    try:
        no_identifying_details_in_link(url)
    except ValidationError as found:
        raise ForumActionRefused(" ".join(found.messages)) from found
    if bool(url) == bool(file):
        raise ForumActionRefused(gettext("A resource is either a link or a file."))
    if file and (problem := file_type_problem(file, Path(file.name).suffix.lower().lstrip("."))):
        raise ForumActionRefused(problem)
    if meeting is not None:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.forum_id != forum.pk:
            raise ForumActionRefused(gettext("That meeting belongs to another forum."))
        if meeting.status == MeetingStatus.CANCELLED:
            raise ForumActionRefused(gettext("Resources cannot be added to a cancelled meeting."))
    resource = Resource(
        forum=forum,
        meeting=meeting,
        title=title,
        kind=ResourceKind.LINK if url else ResourceKind.FILE,
        url=url,
        added_by=by,
    )
    if file:
        resource.file = file
    resource.save()
    resource.practice_areas.set(practice_areas)
    record_event(forum, actor=by, kind=ForumEventKind.RESOURCE_ADDED, meeting=meeting, note=title)
    return resource
