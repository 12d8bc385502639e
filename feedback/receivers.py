"""feedback answers the forums app's hand-offs."""

from django.dispatch import receiver

from forums.signals import meeting_cancelled, meeting_completed, meeting_published

from .services.routing import carry_over_unfinished, place_waiting_referrals


@receiver(meeting_published, dispatch_uid="feedback.place_waiting_referrals")
def on_meeting_published(sender, meeting, **kwargs) -> None:
    place_waiting_referrals(meeting)


@receiver(meeting_completed, dispatch_uid="feedback.carry_over_unfinished")
def on_meeting_completed(sender, meeting, **kwargs) -> None:
    carry_over_unfinished(meeting)


@receiver(meeting_cancelled, dispatch_uid="feedback.carry_over_from_cancelled")
def on_meeting_cancelled(sender, meeting, **kwargs) -> None:
    carry_over_unfinished(meeting)
