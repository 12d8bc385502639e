"""Which forums' kept page parts (cop_portal.kept) an issue shows in."""

from cop_portal.kept import forget_forum

from .models import PracticeIssue, Referral


def forget_forums_showing(*issue_ids: int, also: int | None = None) -> None:
    """These issues changed: the kept parts of every forum whose pages may name them are
    drawn afresh. That is each forum they have stayed at (its queue, agendas and actions
    name them) and the one each is with; `also`, another forum a change concerns."""
    stays = Referral.objects.filter(issue_id__in=issue_ids).values_list("forum_id", flat=True)
    now_with = PracticeIssue.objects.filter(pk__in=issue_ids).values_list(
        "current_forum_id", flat=True
    )
    forget_forum(also, *stays.distinct(), *now_with)
