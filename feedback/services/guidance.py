"""The practice library seen from an issue: guidance cited as related, and the guidance that
resolved an issue."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext

from practice.models import GuidanceItem
from practice.selectors import CITABLE_STATUSES

from ..choices import EventKind, IssueStatus
from ..exceptions import TransitionNotAllowed
from ..models import PracticeIssue
from .common import log_event


def resolved_by_line(item: GuidanceItem) -> str:
    """How the timeline, the path and the minutes name the guidance that resolved an issue."""
    return gettext("Resolved by guidance: %(title)s (%(version)s)") % {
        "title": item.title,
        "version": item.version,
    }


def citable(items: Iterable[GuidanceItem], *, lock: bool = False) -> list[GuidanceItem]:
    """The items, refused unless each is current or under review (never superseded)."""
    ids = [item.pk for item in items]
    rows = GuidanceItem.objects.filter(pk__in=ids)
    if lock:
        rows = rows.select_for_update()
    found = {item.pk: item for item in rows.order_by("pk")}
    for pk in ids:
        item = found.get(pk)
        if item is None or item.status not in CITABLE_STATUSES:
            raise TransitionNotAllowed(
                gettext("“%(item)s” has been superseded: choose its newest version.")
                % {"item": item}
                if item is not None
                else gettext("That library item no longer exists.")
            )
    return [found[pk] for pk in ids]


@transaction.atomic
def cite_guidance(issue: PracticeIssue, *, items: Iterable[GuidanceItem], by) -> PracticeIssue:
    """Set the library items related to the issue: what is added must be in force (what is
    kept may have been superseded since). One GUIDANCE_CITED event names the change."""
    issue = PracticeIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.status == IssueStatus.MERGED:
        raise TransitionNotAllowed(
            gettext("This issue was merged: cite guidance on the issue it was merged into.")
        )
    items = list(items)
    cited = {item.pk: item for item in issue.related_guidance.order_by("title", "id")}
    added = sorted(
        citable([item for item in items if item.pk not in cited], lock=True),
        key=lambda item: (item.title, item.pk),
    )
    kept = {item.pk for item in items}
    removed = [item for pk, item in cited.items() if pk not in kept]
    if not added and not removed:
        return issue
    issue.related_guidance.add(*added)
    issue.related_guidance.remove(*removed)
    lines = [gettext("Added: %(item)s") % {"item": item} for item in added]
    lines += [gettext("Removed: %(item)s") % {"item": item} for item in removed]
    log_event(issue, actor=by, kind=EventKind.GUIDANCE_CITED, note="\n".join(lines))
    return issue
