import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from members.choices import NotificationKind
from members.services import notify

from ..choices import ForumEventKind, MeetingStatus, RsvpResponse
from ..exceptions import ForumActionRefused
from ..models import (
    AgendaItem,
    Forum,
    Meeting,
    MeetingReminder,
    MeetingSeries,
    Membership,
    Registration,
    Rsvp,
)
from ..selectors.meetings import due_reminders
from ..signals import meeting_cancelled, meeting_completed, meeting_published
from .agenda import notify_members
from .audit import record_event
from .matters import ensure_matters_arising, ensure_matters_arising_after
from .scheduling import moved_spans, refuse_meeting_times, refuse_past_start
from .search import refresh_meeting_search


@transaction.atomic
def publish_meeting(meeting: Meeting, *, by) -> Meeting:
    """A draft meeting becomes visible to members; waiting agenda requests may join it."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.DRAFT:
        status = meeting.get_status_display().lower()
        raise ForumActionRefused(
            gettext("Only a draft meeting can be published; this one is %(status)s.")
            % {"status": status}
        )
    # Published once its time has passed, it would be a meeting that never happened, at
    # which outcomes could be recorded.
    if meeting.has_started:
        raise ForumActionRefused(
            gettext(
                "This draft's time has passed: move it to a time to come before publishing "
                "it, or cancel it."
            )
        )
    meeting.status = MeetingStatus.PUBLISHED
    meeting.published_at = timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["status", "published_at", "sequence", "updated_at"])
    record_event(meeting.forum, actor=by, kind=ForumEventKind.MEETING_PUBLISHED, meeting=meeting)
    transaction.on_commit(
        lambda: meeting_published.send(sender=Meeting, meeting=meeting), robust=True
    )
    return meeting


@transaction.atomic
def complete_meeting(meeting: Meeting, *, by) -> Meeting:
    """Mark a held meeting completed; items it did not reach carry over (on commit, and
    again by `feedback.carry_over_stranded` should that fail)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ForumActionRefused(gettext("Only a published meeting can be marked as held."))
    if meeting.start > timezone.now():
        raise ForumActionRefused(
            gettext("A meeting can be marked as held only once it has started.")
        )
    meeting.status = MeetingStatus.COMPLETED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    record_event(meeting.forum, actor=by, kind=ForumEventKind.MEETING_COMPLETED, meeting=meeting)
    ensure_matters_arising_after(meeting, by=by)
    transaction.on_commit(
        lambda: meeting_completed.send(sender=Meeting, meeting=meeting), robust=True
    )
    return meeting


CHANGEABLE = (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED)


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.start)
    end = timezone.localtime(meeting.end)
    return f"{start:%A %-d %B %Y, %H:%M}-{end:%H:%M}"


def _locked_scope(meeting: Meeting, *, following: bool) -> list[Meeting]:
    """This meeting, or it and the later meetings of its series still to be held."""
    meetings = Meeting.objects.select_for_update(of=("self",)).select_related("forum")
    if following and meeting.series_id:
        scope = list(
            meetings.filter(
                series_id=meeting.series_id, start__gte=meeting.start, status__in=CHANGEABLE
            ).order_by("start")
        )
    else:
        scope = list(meetings.filter(pk=meeting.pk))
    if not scope or scope[0].pk != meeting.pk or scope[0].status not in CHANGEABLE:
        current = Meeting.objects.get(pk=meeting.pk)
        raise ForumActionRefused(
            gettext("A %(status)s meeting cannot be changed.")
            % {"status": current.get_status_display().lower()}
        )
    return scope


def _refuse_moving_once_started(meeting: Meeting, start: dt.datetime, end: dt.datetime) -> None:
    """A published meeting that has started took place then, whatever happens to it next:
    what was recorded at it (outcomes, attendance) is dated by it."""
    started = meeting.status == MeetingStatus.PUBLISHED and meeting.start <= timezone.now()
    if started and _to_the_minute(start, end) != _to_the_minute(meeting.start, meeting.end):
        raise ForumActionRefused(
            gettext(
                "This meeting has started, so its time can no longer change: mark it as "
                "held, or cancel it if it did not take place."
            )
        )


def _to_the_minute(*moments: dt.datetime) -> tuple[dt.datetime, ...]:
    # The meeting form gives times to the minute.
    return tuple(moment.replace(second=0, microsecond=0) for moment in moments)


def _refuse_cancelling_once_recorded(meeting: Meeting, *, following: bool) -> None:
    """A meeting that has started and has attendance, notes or decisions (each outcome
    writes one) recorded at it took place: it is marked held, not cancelled. Decisions
    made out of session before it, and noted on its agenda, do not count."""
    if meeting.start > timezone.now():
        return
    recorded = (
        meeting.attendance_recorded_at is not None
        or meeting.minutes_published_at is not None
        or AgendaItem.objects.filter(meeting=meeting)
        .filter(~Q(notes="") | Q(decisions__created_at__gte=meeting.start))
        .exists()
    )
    if recorded:
        refusal = gettext(
            "This meeting took place: attendance, minutes or outcomes are recorded for it. "
            "Mark it as held instead."
        )
        if following and meeting.series_id:
            refusal += " " + gettext("To cancel the meetings after it, cancel from the next one.")
        raise ForumActionRefused(refusal)


@transaction.atomic
def schedule_meetings(
    forum: Forum,
    *,
    by,
    title: str,
    spans: list[tuple[dt.datetime, dt.datetime]],
    place: str = "",
    online_link: str = "",
    rule: str = "",
    publish: bool = False,
) -> list[Meeting]:
    """Add one meeting, or a series when given a repeat rule; drafts unless published."""
    if not spans:
        raise ForumActionRefused(gettext("There is no meeting to schedule."))
    if not place and not online_link:
        raise ForumActionRefused(gettext("Give a place, an online link, or both."))
    for start, end in spans:
        refuse_meeting_times(start, end)
        refuse_past_start(start)
    series = None
    if rule:
        series = MeetingSeries.objects.create(
            forum=forum, rule=rule, description=title, created_by=by
        )
    status = MeetingStatus.PUBLISHED if publish else MeetingStatus.DRAFT
    meetings = [
        Meeting.objects.create(
            forum=forum,
            series=series,
            title=title,
            start=start,
            end=end,
            place=place,
            online_link=online_link,
            status=status,
            published_at=timezone.now() if publish else None,
            created_by=by,
        )
        for start, end in spans
    ]
    note = title if len(meetings) == 1 else f"{title}: a series of {len(meetings)} meetings"
    record_event(
        forum, actor=by, kind=ForumEventKind.MEETING_SCHEDULED, meeting=meetings[0], note=note
    )
    for meeting in meetings:
        ensure_matters_arising(meeting, by=by)
    refresh_meeting_search(meetings)
    if publish:
        for meeting in meetings:
            transaction.on_commit(
                lambda m=meeting: meeting_published.send(sender=Meeting, meeting=m), robust=True
            )
    return meetings


@transaction.atomic
def update_meeting(
    meeting: Meeting,
    *,
    by,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    place: str = "",
    online_link: str = "",
    following: bool = False,
) -> list[Meeting]:
    """Change a meeting, or it and the rest of its series (moved by the same number of days).

    Each changed meeting's calendar sequence goes up; members hear of published changes.
    """
    refuse_meeting_times(start, end)
    if not place and not online_link:
        raise ForumActionRefused(gettext("Give a place, an online link, or both."))
    scope = _locked_scope(meeting, following=following)
    _refuse_moving_once_started(scope[0], start, end)
    refuse_past_start(start, was=scope[0].start)
    answers_cleared = False
    for current, new_start, new_end in moved_spans(scope, start, end):
        if timezone.localdate(new_start) != timezone.localdate(current.start):
            # Reminded of the old day, members are reminded again before the new one; and
            # whether they could come that day says nothing of the new one, so they answer
            # again (someone who could not come is reminded of the new day too).
            MeetingReminder.objects.filter(meeting=current).delete()
            answers_cleared |= Rsvp.objects.filter(meeting=current).delete()[0] > 0
        current.start, current.end = new_start, new_end
        current.title, current.place, current.online_link = title, place, online_link
        current.sequence += 1
        current.save(
            update_fields=[
                "title",
                "start",
                "end",
                "place",
                "online_link",
                "sequence",
                "updated_at",
            ]
        )
    refresh_meeting_search(scope)
    first = scope[0]
    note = title if len(scope) == 1 else f"{title}: this and {len(scope) - 1} later meeting(s)"
    record_event(
        first.forum, actor=by, kind=ForumEventKind.MEETING_CHANGED, meeting=first, note=note
    )
    if any(m.status == MeetingStatus.PUBLISHED for m in scope):
        notify_members(
            first,
            subject=gettext("Meeting changed: %(title)s") % {"title": title},
            body=(
                gettext(
                    "%(forum)s now meets %(when)s (and %(later)s later meeting(s) of the series)."
                )
                if len(scope) > 1
                else gettext("%(forum)s now meets %(when)s.")
            )
            % {"forum": first.forum, "when": _when(first), "later": len(scope) - 1}
            + (
                " " + gettext("Answers given for the old day were cleared: please answer again.")
                if answers_cleared
                else ""
            ),
        )
    return scope


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, by, following: bool = False) -> list[Meeting]:
    """Cancel a meeting, or it and the rest of its series; members hear of published ones."""
    scope = _locked_scope(meeting, following=following)
    _refuse_cancelling_once_recorded(scope[0], following=following)
    was_published = any(m.status == MeetingStatus.PUBLISHED for m in scope)
    for current in scope:
        if current.status == MeetingStatus.PUBLISHED and current.published_at is None:
            current.published_at = current.updated_at
        current.status = MeetingStatus.CANCELLED
        current.sequence += 1
        current.save(update_fields=["status", "published_at", "sequence", "updated_at"])
        transaction.on_commit(
            lambda m=current: meeting_cancelled.send(sender=Meeting, meeting=m), robust=True
        )
    first = scope[0]
    note = first.title if len(scope) == 1 else f"{first.title} and {len(scope) - 1} later"
    record_event(
        first.forum, actor=by, kind=ForumEventKind.MEETING_CANCELLED, meeting=first, note=note
    )
    if was_published:
        dates = "; ".join(_when(m) for m in scope)
        notify_members(
            first,
            subject=gettext("Meeting cancelled: %(title)s") % {"title": first.title},
            body=gettext("%(forum)s has cancelled: %(dates)s.")
            % {"forum": first.forum, "dates": dates},
        )
    return scope


def _reminder_body(meeting: Meeting) -> str:
    if meeting.place and meeting.online_link:
        text = gettext("%(forum)s meets %(when)s at %(place)s, online: %(link)s.")
    elif meeting.place:
        text = gettext("%(forum)s meets %(when)s at %(place)s.")
    elif meeting.online_link:
        text = gettext("%(forum)s meets %(when)s, online: %(link)s.")
    else:
        text = gettext("%(forum)s meets %(when)s.")
    return text % {
        "forum": meeting.forum,
        "when": _when(meeting),
        "place": meeting.place,
        "link": meeting.online_link,
    }


def send_reminder(meeting: Meeting, membership: Membership | Registration) -> bool:
    """Remind one member of one meeting (or one registrant of a learning session), once:
    the reminder row is the at-most-once guard."""
    try:
        with transaction.atomic():
            MeetingReminder.objects.create(meeting=meeting, user=membership.user)
            notify(
                membership.user,
                subject=gettext("Reminder: %(title)s") % {"title": meeting.title},
                body=_reminder_body(meeting),
                url=meeting.get_absolute_url(),
                kind=NotificationKind.MEETING,
            )
    except IntegrityError:
        return False
    return True


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """Remind each member who has not declined of each published meeting starting soon.

    Safe to run twice or at once: a person gets one reminder per meeting.
    """
    meetings = list(due_reminders(now))
    declined = set(
        Rsvp.objects.filter(meeting__in=meetings, response=RsvpResponse.NOT_GOING).values_list(
            "meeting_id", "user_id"
        )
    )
    done = set(
        MeetingReminder.objects.filter(meeting__in=meetings).values_list("meeting_id", "user_id")
    )
    sent = 0
    for meeting in meetings:
        people = (
            meeting.reminder_registrations
            if meeting.is_learning_session
            else meeting.forum.reminder_memberships
        )
        for membership in people:
            key = (meeting.pk, membership.user_id)
            if key not in declined and key not in done:
                sent += send_reminder(meeting, membership)
    return sent
