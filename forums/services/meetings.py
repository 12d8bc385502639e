from django.db import transaction
from django.utils import timezone

from ..choices import ForumEventKind, MeetingStatus
from ..exceptions import ForumActionRefused
from ..models import Forum, Meeting
from ..signals import meeting_completed, meeting_published
from .audit import record_event


@transaction.atomic
def create_meeting(
    forum: Forum,
    *,
    by,
    title: str,
    start,
    end,
    place: str = "",
    online_link: str = "",
    series=None,
    status: str = MeetingStatus.DRAFT,
) -> Meeting:
    """Add one meeting to a forum (a draft unless told otherwise)."""
    if end <= start:
        raise ForumActionRefused("A meeting must end after it starts.")
    meeting = Meeting.objects.create(
        forum=forum,
        title=title,
        start=start,
        end=end,
        place=place,
        online_link=online_link,
        series=series,
        status=status,
        created_by=by,
    )
    record_event(
        forum, actor=by, kind=ForumEventKind.MEETING_SCHEDULED, meeting=meeting, note=title
    )
    if status == MeetingStatus.PUBLISHED:
        transaction.on_commit(lambda: meeting_published.send(sender=Meeting, meeting=meeting))
    return meeting


@transaction.atomic
def publish_meeting(meeting: Meeting, *, by) -> Meeting:
    """A draft meeting becomes visible to members; waiting agenda requests may join it."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.DRAFT:
        status = meeting.get_status_display().lower()
        raise ForumActionRefused(f"Only a draft meeting can be published; this one is {status}.")
    meeting.status = MeetingStatus.PUBLISHED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    record_event(meeting.forum, actor=by, kind=ForumEventKind.MEETING_PUBLISHED, meeting=meeting)
    transaction.on_commit(lambda: meeting_published.send(sender=Meeting, meeting=meeting))
    return meeting


@transaction.atomic
def complete_meeting(meeting: Meeting, *, by) -> Meeting:
    """Mark a held meeting completed; items it did not reach carry over (on commit)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ForumActionRefused("Only a published meeting can be marked as held.")
    if meeting.start > timezone.now():
        raise ForumActionRefused("A meeting can be marked as held only once it has started.")
    meeting.status = MeetingStatus.COMPLETED
    meeting.save(update_fields=["status", "updated_at"])
    record_event(meeting.forum, actor=by, kind=ForumEventKind.MEETING_COMPLETED, meeting=meeting)
    transaction.on_commit(lambda: meeting_completed.send(sender=Meeting, meeting=meeting))
    return meeting
