from celery import shared_task

from .services import sweeps
from .services.follow_through import send_overdue_reminders as send_reminders_now


@shared_task(name="feedback.send_overdue_reminders")
def send_overdue_reminders() -> int:
    """Remind owners of overdue actions (once a day) and of responses due for review (once)."""
    return send_reminders_now()


@shared_task(name="feedback.carry_over_stranded")
def carry_over_stranded() -> int:
    """Carry over what a held or cancelled meeting was left holding; how many meetings."""
    return sweeps.carry_over_stranded()


@shared_task(name="feedback.place_stranded")
def place_stranded() -> int:
    """Place on forums' next open meetings what still waits to join one; how many."""
    return sweeps.place_stranded()
