from celery import shared_task

from .services.follow_through import send_overdue_reminders as send_reminders_now


@shared_task(name="feedback.send_overdue_reminders")
def send_overdue_reminders() -> int:
    """Remind owners of overdue actions (once a day) and of responses due for review (once)."""
    return send_reminders_now()
