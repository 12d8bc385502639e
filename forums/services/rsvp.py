from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..choices import HOLDS_PLACE, ForumEventKind, MeetingStatus, RsvpResponse
from ..exceptions import ForumActionRefused
from ..models import Attendance, Meeting, Membership, Registration, Rsvp
from .audit import record_event


@transaction.atomic
def answer_rsvp(meeting: Meeting, *, user, response: str) -> Rsvp:
    """A member says going, maybe or not going to a published meeting; they may change it."""
    meeting = (
        Meeting.objects.select_related("forum").select_for_update(of=("self",)).get(pk=meeting.pk)
    )
    if response not in RsvpResponse.values:
        raise ForumActionRefused(gettext("Answer going, maybe or not going."))
    if meeting.status != MeetingStatus.PUBLISHED or meeting.is_past:
        raise ForumActionRefused(gettext("Only an upcoming published meeting takes RSVPs."))
    if not Membership.objects.filter(forum_id=meeting.forum_id, user=user).exists():
        raise ForumActionRefused(gettext("Only members of the forum can RSVP."))
    rsvp = Rsvp.objects.select_for_update().filter(meeting=meeting, user=user).first()
    if rsvp is None:
        rsvp = Rsvp.objects.create(meeting=meeting, user=user, response=response)
    elif rsvp.response != response:
        rsvp.response = response
        rsvp.save(update_fields=["response", "updated_at"])
    record_event(
        meeting.forum,
        actor=user,
        kind=ForumEventKind.RSVP_CHANGED,
        meeting=meeting,
        note=rsvp.get_response_display(),
    )
    return rsvp


@transaction.atomic
def record_attendance(meeting: Meeting, *, by, attendees: Iterable) -> Meeting:
    """Record who came, once the meeting has started; recording again replaces the list. Those
    recorded before stay on offer: someone who came and has left the forum since (or
    cancelled their place) is kept unless unticked."""
    meeting = (
        Meeting.objects.select_related("forum").select_for_update(of=("self",)).get(pk=meeting.pk)
    )
    if meeting.status not in (MeetingStatus.PUBLISHED, MeetingStatus.COMPLETED):
        raise ForumActionRefused(
            gettext("Attendance cannot be recorded for a %(status)s meeting.")
            % {"status": meeting.get_status_display().lower()}
        )
    if meeting.start > timezone.now():
        raise ForumActionRefused(
            gettext("Attendance can be recorded once the meeting has started.")
        )
    wanted = {person.pk for person in attendees}
    existing = set(
        Attendance.objects.select_for_update()
        .filter(meeting=meeting)
        .values_list("user_id", flat=True)
    )
    if meeting.is_learning_session:
        # A session is open to every member: those who registered (or waited) came.
        members = set(
            Registration.objects.filter(meeting=meeting, status__in=HOLDS_PLACE).values_list(
                "user_id", flat=True
            )
        )
        if wanted - members - existing:
            raise ForumActionRefused(
                gettext(
                    "Only people registered or on the waiting list can be recorded as attending."
                )
            )
    else:
        members = set(
            Membership.objects.filter(forum_id=meeting.forum_id).values_list("user_id", flat=True)
        )
    if wanted - members - existing:
        raise ForumActionRefused(gettext("Only members of the forum can be recorded as attending."))
    Attendance.objects.filter(meeting=meeting, user_id__in=existing - wanted).delete()
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, user_id=user_id, recorded_by=by)
            for user_id in sorted(wanted - existing)
        ]
    )
    meeting.attendance_recorded_at = timezone.now()
    meeting.save(update_fields=["attendance_recorded_at", "updated_at"])
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.ATTENDANCE_RECORDED,
        meeting=meeting,
        note=f"{len(wanted)} attended",
    )
    return meeting
