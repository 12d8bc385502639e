from celery import shared_task

from .services.meetings import send_due_reminders as send_reminders_now


@shared_task(name="forums.send_due_reminders")
def send_due_reminders() -> int:
    """Remind members of meetings starting soon; running it again sends nothing new."""
    return send_reminders_now()
