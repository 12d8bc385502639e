"""Keeping the stored search vectors whole: the rebuild behind `update_search_vectors`."""

from dataclasses import dataclass

from django.db import connection, models, transaction

from feedback.models import Consultation, PracticeIssue
from forums.services.search import BATCH_SIZE, rebuild_meeting_search
from practice.models import GuidanceItem

# Tables whose vector a trigger keeps: writing the column makes the trigger compute it afresh.
TRIGGER_KEPT: tuple[type[models.Model], ...] = (PracticeIssue, GuidanceItem, Consultation)


@dataclass(frozen=True)
class Rebuilt:
    issues: int
    library_items: int
    consultations: int
    meetings: int


def _rebuild_trigger_kept(model: type[models.Model], batch_size: int) -> int:
    done, last = 0, 0
    while True:
        with transaction.atomic():
            ids = list(
                model.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return done
            done += model.objects.filter(pk__in=ids).update(search_vector=None)
        last = ids[-1]


def rebuild_search_vectors(*, batch_size: int = BATCH_SIZE) -> Rebuilt:
    """Recompute every stored vector, a batch per transaction so that no table is locked
    for long; nothing to do off PostgreSQL, where search reads the text itself."""
    if connection.vendor != "postgresql":
        return Rebuilt(0, 0, 0, 0)
    issues, items, consultations = (
        _rebuild_trigger_kept(model, batch_size) for model in TRIGGER_KEPT
    )
    meetings = rebuild_meeting_search(batch_size=batch_size)
    return Rebuilt(issues, items, consultations, meetings)
