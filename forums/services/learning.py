"""Learning sessions: a forum hosts them, any signed-in member takes a place or joins the
waiting list, and the first on the list takes a place someone gives up."""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from members.choices import NotificationKind
from members.services import notify

from ..choices import (
    HOLDS_PLACE,
    AgendaItemKind,
    ForumEventKind,
    MeetingKind,
    MeetingStatus,
    RegistrationStatus,
)
from ..exceptions import ForumActionRefused
from ..models import AgendaItem, Forum, Meeting, Registration
from ..signals import meeting_published
from .audit import record_event
from .scheduling import refuse_meeting_times, refuse_past_start
from .search import refresh_meeting_search

# The most places one session may offer: a sanity bound, not a policy.
MAX_CAPACITY = 1000


def _refuse_capacity(capacity: int | None) -> None:
    if capacity is None or capacity < 1:
        raise ForumActionRefused(gettext("A learning session needs at least one place."))
    if capacity > MAX_CAPACITY:
        raise ForumActionRefused(
            gettext("A learning session can offer at most %(most)s places.")
            % {"most": MAX_CAPACITY}
        )


def _materials_ids(materials: Iterable) -> list[int]:
    return [item.pk for item in materials]


@transaction.atomic
def schedule_learning_session(
    forum: Forum,
    *,
    by,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    capacity: int,
    place: str = "",
    online_link: str = "",
    description: str = "",
    materials: Iterable = (),
    publish: bool = False,
) -> Meeting:
    """A forum hosts a learning session with a number of places: a draft unless published.

    What it covers becomes its one agenda item; materials are library items."""
    refuse_meeting_times(start, end)
    refuse_past_start(start)
    if not place and not online_link:
        raise ForumActionRefused(gettext("Give a place, an online link, or both."))
    _refuse_capacity(capacity)
    now = timezone.now()
    meeting = Meeting.objects.create(
        forum=forum,
        kind=MeetingKind.LEARNING,
        title=title,
        start=start,
        end=end,
        place=place,
        online_link=online_link,
        capacity=capacity,
        status=MeetingStatus.PUBLISHED if publish else MeetingStatus.DRAFT,
        published_at=now if publish else None,
        created_by=by,
    )
    meeting.materials.set(_materials_ids(materials))
    if description.strip():
        AgendaItem.objects.create(
            meeting=meeting,
            position=1,
            title=title,
            kind=AgendaItemKind.SESSION,
            description=description.strip(),
            minutes_allotted=meeting.duration_minutes,
        )
    record_event(
        forum,
        actor=by,
        kind=ForumEventKind.MEETING_SCHEDULED,
        meeting=meeting,
        note=gettext("Learning session: %(title)s, %(places)s places")
        % {"title": title, "places": capacity},
    )
    refresh_meeting_search(meeting)
    if publish:
        transaction.on_commit(lambda: meeting_published.send(sender=Meeting, meeting=meeting))
    return meeting


def _lock_session(meeting: Meeting) -> Meeting:
    meeting = (
        Meeting.objects.select_related("forum").select_for_update(of=("self",)).get(pk=meeting.pk)
    )
    if meeting.kind != MeetingKind.LEARNING:
        raise ForumActionRefused(
            gettext("%(meeting)s is a forum meeting, not a learning session.")
            % {"meeting": meeting.title}
        )
    return meeting


def _registered_count(meeting: Meeting) -> int:
    return Registration.objects.filter(
        meeting=meeting, status=RegistrationStatus.REGISTERED
    ).count()


def _promote_waiting(meeting: Meeting, *, by) -> list[Registration]:
    """Give free places to the waiting list in the order people joined it; each is told.

    The caller holds the session's row lock."""
    free = (meeting.capacity or 0) - _registered_count(meeting)
    if free <= 0:
        return []
    waiting = list(
        Registration.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, status=RegistrationStatus.WAITLISTED, user__is_active=True)
        .select_related("user")
        .order_by("status_at", "id")[:free]
    )
    now = timezone.now()
    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.status_at = now
        registration.save(update_fields=["status", "status_at"])
        record_event(
            meeting.forum,
            actor=by,
            kind=ForumEventKind.REGISTRATION_CHANGED,
            meeting=meeting,
            note=f"{registration.user}: {gettext('moved from the waiting list to a place')}",
        )
        notify(
            registration.user,
            subject=gettext("You have a place: %(title)s") % {"title": meeting.title},
            body=gettext(
                "A place came free at the learning session %(title)s (%(when)s) and it is "
                "yours. If you can no longer come, cancel your place so the next person on "
                "the waiting list can have it."
            )
            % {"title": meeting.title, "when": _when(meeting)},
            url=meeting.get_absolute_url(),
            kind=NotificationKind.PRACTICE,
        )
    return waiting


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.start)
    end = timezone.localtime(meeting.end)
    return f"{start:%A %-d %B %Y, %H:%M}-{end:%H:%M}"


def _refuse_unless_open(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ForumActionRefused(
            gettext("Registration is open only for a published session; this one is %(status)s.")
            % {"status": meeting.get_status_display().lower()}
        )
    if meeting.has_started:
        raise ForumActionRefused(gettext("Registration closed when the session started."))


@transaction.atomic
def register_for_session(meeting: Meeting, *, user) -> Registration:
    """Any signed-in member takes a place while places remain, else joins the waiting list.

    Registering again after cancelling goes to the back of the list; one row per member."""
    # Locking the session first serialises everyone counting its places.
    meeting = _lock_session(meeting)
    _refuse_unless_open(meeting)
    registration = (
        Registration.objects.select_for_update().filter(meeting=meeting, user=user).first()
    )
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        raise ForumActionRefused(
            gettext("You have already registered: %(status)s.")
            % {"status": registration.get_status_display().lower()}
        )
    has_room = _registered_count(meeting) < (meeting.capacity or 0)
    status = RegistrationStatus.REGISTERED if has_room else RegistrationStatus.WAITLISTED
    now = timezone.now()
    if registration is None:
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    meeting=meeting, user=user, status=status, status_at=now
                )
        except IntegrityError as exc:
            raise ForumActionRefused(gettext("You have already registered.")) from exc
    else:
        registration.status, registration.status_at = status, now
        registration.save(update_fields=["status", "status_at"])
    record_event(
        meeting.forum,
        actor=user,
        kind=ForumEventKind.REGISTRATION_CHANGED,
        meeting=meeting,
        note=registration.get_status_display(),
    )
    return registration


@transaction.atomic
def cancel_registration(meeting: Meeting, *, user) -> Registration:
    """A member gives up their place (or leaves the waiting list) before the session starts;
    a place given up goes to the first on the waiting list, who is told."""
    meeting = _lock_session(meeting)
    registration = (
        Registration.objects.select_for_update()
        .filter(meeting=meeting, user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if registration is None:
        raise ForumActionRefused(gettext("You are not registered for this session."))
    if meeting.has_started:
        raise ForumActionRefused(
            gettext("The session has started: registrations can no longer be changed.")
        )
    held_place = registration.status == RegistrationStatus.REGISTERED
    registration.status, registration.status_at = RegistrationStatus.CANCELLED, timezone.now()
    registration.save(update_fields=["status", "status_at"])
    record_event(
        meeting.forum,
        actor=user,
        kind=ForumEventKind.REGISTRATION_CHANGED,
        meeting=meeting,
        note=registration.get_status_display(),
    )
    if held_place and meeting.status == MeetingStatus.PUBLISHED:
        _promote_waiting(meeting, by=user)
    return registration


@transaction.atomic
def give_up_places(user) -> int:
    """A member who leaves gives up their places, and their turns on waiting lists, at
    sessions still to start: each place goes to the next person waiting. Returns how many."""
    meetings = Meeting.objects.filter(
        registrations__user=user,
        registrations__status__in=HOLDS_PLACE,
        start__gt=timezone.now(),
    ).order_by("pk")
    given_up = 0
    for meeting in meetings:
        cancel_registration(meeting, user=user)
        given_up += 1
    return given_up


@transaction.atomic
def change_session_details(meeting: Meeting, *, by, capacity: int, materials: Iterable) -> Meeting:
    """Change a session's places and materials; more places go to the waiting list at once.

    Places cannot drop below the number already taken."""
    meeting = _lock_session(meeting)
    if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED):
        raise ForumActionRefused(
            gettext("A %(status)s session cannot be changed.")
            % {"status": meeting.get_status_display().lower()}
        )
    _refuse_capacity(capacity)
    taken = _registered_count(meeting)
    if capacity < taken:
        raise ForumActionRefused(
            gettext("%(taken)s people already hold places: the session needs at least that many.")
            % {"taken": taken}
        )
    meeting.capacity = capacity
    meeting.sequence += 1
    meeting.save(update_fields=["capacity", "sequence", "updated_at"])
    meeting.materials.set(_materials_ids(materials))
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.MEETING_CHANGED,
        meeting=meeting,
        note=gettext("%(places)s places") % {"places": capacity},
    )
    if meeting.status == MeetingStatus.PUBLISHED and not meeting.has_started:
        _promote_waiting(meeting, by=by)
    return meeting
