from celery import shared_task
from django.conf import settings

# Stopped (and told so) a minute before the sweep would take it for a stopped worker, and
# killed if it does not stop then.
_LIMIT = settings.EXPORT_STALLED_MINUTES * 60


@shared_task(
    name="insights.prepare_export", soft_time_limit=max(_LIMIT - 60, 30), time_limit=_LIMIT
)
def prepare_export(export_id: int) -> bool:
    """Build one asked-for register or report; a second run of the same id does nothing."""
    from .services.preparing import prepare_export as prepare

    return prepare(export_id)


@shared_task(name="insights.prepare_waiting_exports")
def prepare_waiting_exports() -> int:
    """Send again the exports whose message was lost or whose worker stopped."""
    from .services.sweeps import prepare_waiting_exports as sweep

    return sweep()


@shared_task(name="insights.remove_expired_exports")
def remove_expired_exports() -> int:
    """Delete exports and files past their retention; a second run deletes nothing."""
    from .services.sweeps import remove_expired_exports as remove

    return remove()
