"""Undoing a merge: the duplicate gets back what merging moved, as its MergeRecord says."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from ..choices import EventKind, IssueStatus
from ..exceptions import TransitionNotAllowed
from ..models import Endorsement, MergeRecord, PracticeIssue, Referral, Watch
from ..models.issues import reference_of
from .common import log_event, move_issue, tell
from .counters import refresh_counts, removing_counted_rows
from .routing import merged_name


def _lock_pair(first_pk: int, second_pk: int) -> dict[int, PracticeIssue]:
    """Both issues locked in id order, the order merge_issues uses, so no deadlock."""
    issues = PracticeIssue.objects.select_for_update().filter(pk__in=[first_pk, second_pk])
    return {issue.pk: issue for issue in issues.order_by("pk")}


def _follow_put_back_endorsements(issue: PracticeIssue, put_back: dict[int, int]) -> None:
    """Merges into `issue` still standing recorded the endorsements they added to it by id;
    those the issue's own merge removed are back under new ids, and the records follow them,
    so that undoing such a merge later takes back what it added."""
    if not put_back:
        return
    standing = MergeRecord.objects.select_for_update().filter(into=issue, undone_at__isnull=True)
    for record in standing.order_by("pk"):
        ids = [put_back.get(pk, pk) for pk in record.added_endorsement_ids]
        if ids != record.added_endorsement_ids:
            record.added_endorsement_ids = ids
            record.save(update_fields=["added_endorsement_ids"])


@transaction.atomic
def unmerge_issue(duplicate: PracticeIssue, *, by) -> PracticeIssue:
    """Undo merging `duplicate` into its primary issue: its endorsements, watchers, path and
    status come back, the rows the merge added to the primary go, and both timelines say so.

    An endorsement the same person had on both issues stays on both, once each. Pressed
    twice at once, the second call finds the issue no longer merged and is refused."""
    into_pk = (
        PracticeIssue.objects.filter(pk=duplicate.pk).values_list("merged_into", flat=True).first()
    )
    if into_pk is None:
        raise TransitionNotAllowed(gettext("This issue is not merged into another issue."))
    locked = _lock_pair(duplicate.pk, into_pk)
    duplicate, into = locked[duplicate.pk], locked[into_pk]
    if duplicate.status != IssueStatus.MERGED or duplicate.merged_into_id != into.pk:
        raise TransitionNotAllowed(gettext("This issue is not merged into another issue."))
    # What the merge gave the primary has moved on with it into a third issue: undo that
    # merge first, so that each undo takes back exactly what its merge moved.
    if into.status == IssueStatus.MERGED:
        raise TransitionNotAllowed(
            gettext("%(primary)s has since been merged into %(next)s: undo that merge first.")
            % {"primary": into.reference, "next": reference_of(into.merged_into_id)}
        )
    record = (
        MergeRecord.objects.select_for_update()
        .filter(duplicate=duplicate, into=into, undone_at__isnull=True)
        .first()
    )
    if record is None:
        raise TransitionNotAllowed(
            gettext(
                "This merge was made before merges were recorded, so it cannot be undone exactly."
            )
        )

    with removing_counted_rows():
        Endorsement.objects.filter(issue=into, pk__in=record.added_endorsement_ids).delete()
    Watch.objects.filter(issue=into, pk__in=record.added_watch_ids).delete()
    # An endorser whose account has been deleted since takes their endorsement with them.
    still_here = set(
        get_user_model()
        .objects.filter(pk__in=[entry[0] for entry in record.removed_endorsements])
        .values_list("pk", flat=True)
    )
    # Each endorsement put back stands for the one the merge removed (its id recorded since
    # merges kept it): id then -> id now.
    put_back: dict[int, int] = {}
    for user_id, endorsed_at, *removed_id in record.removed_endorsements:
        if user_id not in still_here:
            continue
        endorsement, added = Endorsement.objects.get_or_create(issue=duplicate, user_id=user_id)
        if added:
            # Put back when they endorsed, not when the merge was undone.
            Endorsement.objects.filter(pk=endorsement.pk).update(
                created_at=parse_datetime(endorsed_at)
            )
        if removed_id:
            put_back[removed_id[0]] = endorsement.pk
    _follow_put_back_endorsements(duplicate, put_back)
    refresh_counts(duplicate.pk, into.pk)
    # The stays the merge ended are open again, as if no outcome had been recorded.
    Referral.objects.filter(issue=duplicate, pk__in=record.closed_referral_ids).update(
        outcome="",
        outcome_note="",
        outcome_by=None,
        out_of_session=False,
        out_of_session_reason="",
        left_at=None,
    )

    duplicate.merged_into = None
    duplicate.current_forum = record.previous_forum
    duplicate.closed_at = None
    forum = record.previous_forum
    move_issue(
        duplicate,
        record.previous_status,
        by=by,
        kind=EventKind.UNMERGED,
        forum=forum,
        note=(
            gettext(
                "No longer merged into %(reference)s: its endorsements, watchers and path "
                "are back, waiting with %(forum)s."
            )
            if forum
            else gettext(
                "No longer merged into %(reference)s: its endorsements, watchers and path are back."
            )
        )
        % {"reference": into.reference, "forum": forum.name if forum else ""},
        fields=("merged_into", "current_forum", "closed_at"),
        reversal=True,
    )
    log_event(
        into,
        actor=by,
        kind=EventKind.UNMERGED,
        forum=into.current_forum,
        note=gettext(
            "%(duplicate)s is no longer merged into this issue; its endorsements went back to it."
        )
        % {"duplicate": merged_name(duplicate)},
    )
    record.undone_at = timezone.now()
    record.undone_by = by
    record.save(update_fields=["undone_at", "undone_by"])
    # Watchers of either issue hear of it, once each.
    tell(
        duplicate,
        subject=gettext("No longer merged into %(reference)s") % {"reference": into.reference},
        body=gettext("“%(title)s” is followed on its own again.") % {"title": duplicate.title},
        watchers_of=[duplicate, into],
    )
    return duplicate
