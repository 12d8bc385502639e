import contextlib
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from ..kept import issues_changed
from ..models import Comment, Endorsement, PracticeIssue

# Set while a service removes rows it recounts itself (see removing_counted_rows).
_RECOUNTED_BY_CALLER: ContextVar[bool] = ContextVar("recounted_by_caller", default=False)


@contextlib.contextmanager
def removing_counted_rows():
    """For a service that removes endorsements or comments and recounts their issues itself:
    the removals queue no recount of their own (feedback.receivers)."""
    token = _RECOUNTED_BY_CALLER.set(True)
    try:
        yield
    finally:
        _RECOUNTED_BY_CALLER.reset(token)


def recounted_by_caller() -> bool:
    return _RECOUNTED_BY_CALLER.get()


def _count(rows, expression) -> Coalesce:
    counted = rows.order_by().values("issue").annotate(n=expression).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def refresh_counts(*issue_ids: int) -> None:
    """Recount the endorsements, endorsing regions and comments of these issues in one
    UPDATE. Callers hold the issues' row locks, so people acting at once are counted in turn."""
    endorsements = Endorsement.objects.filter(issue=OuterRef("pk"))
    PracticeIssue.objects.filter(pk__in=issue_ids).update(
        endorsement_count=_count(endorsements, Count("pk")),
        region_count=_count(endorsements, Count("user__region", distinct=True)),
        comment_count=_count(Comment.objects.filter(issue=OuterRef("pk")), Count("pk")),
    )
    # Their support shows on their pages and in forums' queues.
    issues_changed(*issue_ids)


def recount_issues(*issue_ids: int) -> None:
    """Recount issues whose endorsements or comments were removed around the services (an
    administrator deleting one, or an account with its endorsements). Each issue's row is
    locked first, as the services lock it, so a recount and an endorsement made at the same
    moment are counted in turn; an issue deleted meanwhile is skipped."""
    with transaction.atomic():
        locked = list(
            PracticeIssue.objects.select_for_update()
            .filter(pk__in=issue_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if locked:
            refresh_counts(*locked)


# Issues recounted in one locked UPDATE at a time, when one person's endorsements move.
RECOUNT_BATCH = 500


def recount_in_batches(issue_ids: list[int]) -> None:
    """Recount these issues, RECOUNT_BATCH of them locked and updated at a time."""
    for start in range(0, len(issue_ids), RECOUNT_BATCH):
        recount_issues(*issue_ids[start : start + RECOUNT_BATCH])


def issues_endorsed_by(**endorser) -> list[int]:
    """The issues endorsed by whoever matches `endorser` (user_id=…, user__region=…)."""
    return list(
        Endorsement.objects.filter(**endorser)
        .order_by("issue_id")
        .values_list("issue_id", flat=True)
        .distinct()
    )


def recount_endorsed_by(user_id: int) -> None:
    """Recount the endorsing regions of every issue this person endorsed: their region
    changed, and each endorsement counts for the region its endorser is in."""
    recount_in_batches(issues_endorsed_by(user_id=user_id))
