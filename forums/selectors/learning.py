"""Reads about learning sessions: the list, one session's places, and a member's record."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from practice.choices import GuidanceStatus
from practice.models import GuidanceItem

from ..choices import HOLDS_PLACE, MeetingKind, MeetingStatus, RegistrationStatus
from ..models import Attendance, Meeting, Registration, meeting_vectors

REGISTERED = Q(registrations__status=RegistrationStatus.REGISTERED)
WAITLISTED = Q(registrations__status=RegistrationStatus.WAITLISTED)


def current_materials() -> QuerySet[GuidanceItem]:
    """Library items a session may hand out: current, or current while under review."""
    return GuidanceItem.objects.filter(
        status__in=[GuidanceStatus.CURRENT, GuidanceStatus.UNDER_REVIEW]
    ).order_by("title", "id")


def _with_places(sessions: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return sessions.annotate(
        registered_count=Count("registrations", filter=REGISTERED),
        waitlisted_count=Count("registrations", filter=WAITLISTED),
    ).annotate(
        places_left=Greatest(Coalesce(F("capacity"), Value(0)) - F("registered_count"), Value(0))
    )


def upcoming_sessions(user) -> QuerySet[Meeting]:
    """Published learning sessions still to start, soonest first, each with places taken,
    the waiting list's length and this person's own registration status; one query."""
    mine = Registration.objects.filter(meeting=OuterRef("pk"), user=user).values("status")[:1]
    return (
        _with_places(
            Meeting.objects.learning_sessions().filter(
                status=MeetingStatus.PUBLISHED, start__gt=timezone.now()
            )
        )
        .annotate(my_status=Subquery(mine))
        .select_related("forum")
        .order_by("start", "id")
    )


@dataclass(frozen=True)
class SessionPlaces:
    """One session's places as a member sees them, and their own place or queue position."""

    capacity: int
    registered: int
    waitlisted: int
    my_status: str | None
    my_position: int | None

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.registered, 0)

    @property
    def is_full(self) -> bool:
        return self.places_left == 0

    @property
    def holds_place(self) -> bool:
        return self.my_status in HOLDS_PLACE


def session_places(meeting: Meeting, user) -> SessionPlaces:
    """Counts and this person's place at a session; two queries."""
    counts = Registration.objects.filter(meeting=meeting).aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    mine = Registration.objects.filter(meeting=meeting, user=user).first()
    position = None
    if mine is not None and mine.status == RegistrationStatus.WAITLISTED:
        ahead = Registration.objects.filter(
            Q(status_at__lt=mine.status_at) | Q(status_at=mine.status_at, pk__lt=mine.pk),
            meeting=meeting,
            status=RegistrationStatus.WAITLISTED,
        ).count()
        position = ahead + 1
    return SessionPlaces(
        capacity=meeting.capacity or 0,
        registered=counts["registered"],
        waitlisted=counts["waitlisted"],
        my_status=mine.status if mine else None,
        my_position=position,
    )


def session_registrations(meeting: Meeting) -> QuerySet[Registration]:
    """Who holds a place, then the waiting list in the order it is served."""
    return (
        Registration.objects.filter(meeting=meeting, status__in=HOLDS_PLACE)
        .select_related("user")
        .order_by("status", "status_at", "id")
    )


def session_materials(meeting: Meeting) -> list[GuidanceItem]:
    return list(meeting.materials.order_by("title", "id"))


@dataclass(frozen=True)
class LearningRecord:
    """One session a person attended, as their record shows it."""

    meeting: Meeting
    date: dt.date
    title: str
    forum: str
    hours: Decimal
    materials: tuple[GuidanceItem, ...]

    @property
    def materials_text(self) -> str:
        return "; ".join(f"{item.title} (v{item.version})" for item in self.materials)


def _hours(meeting: Meeting) -> Decimal:
    return (Decimal(meeting.duration_minutes) / Decimal(60)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def sessions_attended(user) -> QuerySet[Attendance]:
    """The learning sessions this person was recorded as attending, newest first; with the
    materials prefetched, two queries however many."""
    return (
        Attendance.objects.filter(user=user, meeting__kind=MeetingKind.LEARNING)
        .select_related("meeting__forum")
        .defer(*meeting_vectors("meeting"))
        .prefetch_related(
            Prefetch("meeting__materials", queryset=GuidanceItem.objects.order_by("title", "id"))
        )
        .order_by("-meeting__start", "-meeting_id")
    )


def learning_record(user) -> Iterator[LearningRecord]:
    for attendance in sessions_attended(user):
        meeting = attendance.meeting
        yield LearningRecord(
            meeting=meeting,
            date=timezone.localtime(meeting.start).date(),
            title=meeting.title,
            forum=meeting.forum.name,
            hours=_hours(meeting),
            materials=tuple(meeting.materials.all()),
        )


def total_hours(records: list[LearningRecord]) -> Decimal:
    return sum((record.hours for record in records), Decimal("0.00"))


def my_upcoming_sessions(user) -> QuerySet[Meeting]:
    """Sessions still to come that this person holds a place at or waits for."""
    mine = Registration.objects.filter(meeting=OuterRef("pk"), user=user).values("status")[:1]
    return (
        Meeting.objects.learning_sessions()
        .filter(
            status=MeetingStatus.PUBLISHED,
            end__gte=timezone.now(),
            registrations__user=user,
            registrations__status__in=HOLDS_PLACE,
        )
        .annotate(my_status=Subquery(mine))
        .select_related("forum")
        .order_by("start", "id")
    )
