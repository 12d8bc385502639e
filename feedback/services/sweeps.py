"""Beat's sweeps after the signals a meeting sends once it is published, held or cancelled:
what follows them runs after the meeting's change is saved, and a failure then (logged) left
issues and consultations behind. Each is idempotent."""

from django.db.models import Q

from forums.choices import COMING_MEETING_STATUSES, MeetingStatus
from forums.models import Forum, Meeting

from ..choices import ConsultationStatus
from ..models import ConsultationTarget, Referral
from .consultations import carry_over_consultations, place_waiting_consultations
from .routing import carry_over_unfinished, next_open_meeting, place_waiting_referrals

OPEN_UNANSWERED = Q(answered_at__isnull=True, consultation__status=ConsultationStatus.OPEN)


def carry_over_stranded() -> int:
    """Carry over the open stays and unanswered consultations a held or cancelled meeting
    still holds, as its signal would have. Returns how many meetings it carried over."""
    holding = Referral.objects.filter(left_at__isnull=True, agenda_item__isnull=False)
    asked = ConsultationTarget.objects.filter(OPEN_UNANSWERED, agenda_item__isnull=False)
    meetings = list(
        Meeting.objects.filter(status__in=(MeetingStatus.COMPLETED, MeetingStatus.CANCELLED))
        .filter(
            Q(pk__in=holding.values("agenda_item__meeting"))
            | Q(pk__in=asked.values("agenda_item__meeting"))
        )
        .order_by("start", "pk")
    )
    for meeting in meetings:
        carry_over_unfinished(meeting)
        carry_over_consultations(meeting)
    return len(meetings)


def place_stranded() -> int:
    """Place on each forum's next open meeting what waits to join one by itself (escalations,
    responses, carry-overs, consultations), as publishing it would have: what a facilitator
    took off that meeting's agenda, or a later one's, stays off. Returns how many."""
    waiting = Referral.objects.filter(left_at__isnull=True, auto_place=True).exclude(
        agenda_item__meeting__status__in=COMING_MEETING_STATUSES
    )
    unplaced = ConsultationTarget.objects.filter(OPEN_UNANSWERED, agenda_item__isnull=True)
    forums = Forum.objects.filter(
        Q(pk__in=waiting.values("forum")) | Q(pk__in=unplaced.values("forum"))
    ).order_by("pk")
    placed = 0
    for forum in forums:
        meeting = next_open_meeting(forum)
        if meeting is not None:
            placed += place_waiting_referrals(meeting) + place_waiting_consultations(meeting)
    return placed
