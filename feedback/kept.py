"""Which kept page parts (cop_portal.kept) show an issue: its own page's, and those of the
forums whose pages name it."""

from cop_portal.kept import forget_forum, forget_issue

from .models import PracticeIssue, Referral


def issues_changed(*issue_ids: int, also_forum: int | None = None) -> None:
    """These issues changed: their pages' kept parts, and those of every forum whose pages
    may name them, are drawn afresh. Those forums are each one they have stayed at (its
    queue, agendas and actions name them) and the one each is with; `also_forum`, another
    forum a change concerns."""
    forget_issue(*issue_ids)
    stays = Referral.objects.filter(issue_id__in=issue_ids).order_by()
    now_with = PracticeIssue.objects.filter(pk__in=issue_ids).order_by()
    # One query: each forum once.
    forums = stays.values_list("forum_id", flat=True).union(
        now_with.values_list("current_forum_id", flat=True)
    )
    forget_forum(also_forum, *forums)


def issues_staying(**where) -> None:
    """Stays matching `where` name a meeting, an agenda item or a library item that changed:
    their issues' pages show it."""
    forget_issue(*Referral.objects.filter(**where).values_list("issue_id", flat=True))
