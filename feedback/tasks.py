from celery import shared_task

from .services.consultations import (
    carry_over_stranded_consultations,
    place_stranded_consultations,
)
from .services.follow_through import send_overdue_reminders as send_reminders_now
from .services.routing import carry_over_stranded as carry_over_stranded_issues
from .services.routing import place_stranded_referrals


@shared_task(name="feedback.send_overdue_reminders")
def send_overdue_reminders() -> int:
    """Remind owners of overdue actions (once a day) and of responses due for review (once)."""
    return send_reminders_now()


@shared_task(name="feedback.carry_over_stranded")
def carry_over_stranded() -> int:
    """Carry over the items (issues, consultations) a held or cancelled meeting was left
    holding; how many carry-overs ran (a meeting's issues and its consultations count apart)."""
    return carry_over_stranded_issues() + carry_over_stranded_consultations()


@shared_task(name="feedback.place_stranded")
def place_stranded() -> int:
    """Place on forums' next open meetings the issues and consultations still waiting to join
    one by themselves; how many were placed."""
    return place_stranded_referrals() + place_stranded_consultations()
