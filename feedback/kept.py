"""Which kept page parts (cop_portal.kept) show an issue: its own page's, and those of the
forums whose pages name it."""

import functools
import operator
from collections import defaultdict

from django.db.models import Q

from cop_portal.kept import forget_forum, forget_issue, noted_for_later

from .models import IssueEvent, PracticeIssue, Referral


def issues_changed(*issue_ids: int, also_forum: int | None = None) -> None:
    """These issues changed: their pages' kept parts, and those of every forum whose pages
    may name them, are drawn afresh. Those forums are each one they have stayed at (its
    queue, agendas and actions name them) and the one each is with; `also_forum`, another
    forum a change concerns. Inside cop_portal.kept.forgetting_once, looked up once for
    every issue changed in it."""
    forget_forum(also_forum)
    if not noted_for_later("feedback:issues-changed", issue_ids, _forget_issues):
        _forget_issues(issue_ids)


def _forget_issues(issue_ids) -> None:
    issue_ids = set(issue_ids)
    if not issue_ids:
        return
    forget_issue(*issue_ids)
    stays = Referral.objects.filter(issue_id__in=issue_ids).order_by()
    now_with = PracticeIssue.objects.filter(pk__in=issue_ids).order_by()
    # One query: each forum once.
    forums = stays.values_list("forum_id", flat=True).union(
        now_with.values_list("current_forum_id", flat=True)
    )
    forget_forum(*forums)


def issues_staying(key: int, *fields: str, deleting: bool = False) -> None:
    """Stays with any of `fields` at `key` name a meeting, agenda item or library item that
    changed, as do timelines naming the meeting: their issues' pages are drawn afresh. Found
    at once when it is being deleted (its stays and events let go of it as it goes), else
    inside cop_portal.kept.forgetting_once with every other such change."""
    named = [(field, key) for field in fields]
    if deleting or not noted_for_later("feedback:issues-staying", named, _forget_staying):
        _forget_staying(named)


# Fields of a stay that an issue's events have too: its timeline names the meeting of each
# event's agenda item, also once the stay has moved on from it (carried over).
NAMED_IN_TIMELINE = ("agenda_item", "agenda_item__meeting")


def _forget_staying(named: list[tuple[str, int]]) -> None:
    by_field = defaultdict(set)
    for field, key in named:
        by_field[field].add(key)

    # One condition a field, however many were named (SQLite refuses a deep OR).
    def naming(fields) -> Q:
        return functools.reduce(
            operator.or_, (Q(**{f"{field}__in": by_field[field]}) for field in fields)
        )

    issues = Referral.objects.filter(naming(by_field)).order_by().values_list("issue_id")
    in_timeline = [field for field in by_field if field in NAMED_IN_TIMELINE]
    if in_timeline:
        events = IssueEvent.objects.filter(naming(in_timeline)).order_by()
        # One query: each issue once.
        issues = issues.union(events.values_list("issue_id"))
    forget_issue(*(issue_id for (issue_id,) in issues))
