from celery import shared_task

from .services import send_review_reminders


@shared_task(name="practice.send_guidance_review_reminders")
def send_guidance_review_reminders() -> int:
    """Remind owners of library items whose review date has come; running it again sends
    nothing new."""
    return send_review_reminders()
