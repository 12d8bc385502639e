import datetime as dt

from django.db import IntegrityError, transaction

from forums.choices import Tier
from forums.models import ActionItem, Forum

from ..choices import EventKind, IssueStatus, Outcome, ReferralPurpose, ResponseScope
from ..exceptions import TransitionNotAllowed
from ..models import PracticeIssue, Referral, Response
from .common import check_transition, guard_privacy, move_issue, tell_watchers
from .routing import close_referral, next_open_meeting, place_referral


@transaction.atomic
def respond(
    issue: PracticeIssue, *, by, decision: str, owner, due_date: dt.date, scope: str
) -> Response:
    """The Strategic Leadership Forum answers an escalated issue.

    The decision becomes an action item for its owner and goes back onto the agenda of the
    originating CFSN, or of every CFSN, as a response for reflection.
    """
    if not decision.strip():
        raise TransitionNotAllowed("Write the decision that goes back to the CFSN.")
    guard_privacy(decision)
    issue = PracticeIssue.objects.select_for_update().get(pk=issue.pk)
    strategic = Forum.objects.get(tier=Tier.STRATEGIC)
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .filter(issue=issue, forum=strategic, left_at__isnull=True)
        .select_related("agenda_item")
        .first()
    )
    if referral is None:
        raise TransitionNotAllowed(
            "Only an issue escalated to the Strategic Leadership Forum can be answered."
        )
    check_transition(issue, IssueStatus.RESPONDED)
    action = ActionItem.objects.create(
        forum=strategic,
        meeting=referral.agenda_item.meeting if referral.agenda_item_id else None,
        agenda_item=referral.agenda_item,
        # Action lists are read widely: a restricted issue is named by its reference only.
        title=(
            f"Carry out the response to {issue.reference}"
            + ("" if issue.restricted else f": {issue.title}")
        )[:300],
        owner=owner,
        due_date=due_date,
        created_by=by,
    )
    try:
        with transaction.atomic():
            response = Response.objects.create(
                issue=issue,
                decision=decision,
                owner=owner,
                due_date=due_date,
                scope=scope,
                action_item=action,
                recorded_by=by,
            )
    except IntegrityError as exc:
        raise TransitionNotAllowed("A response has already been recorded.") from exc
    close_referral(
        referral, outcome=Outcome.RESPONDED, note=decision, by=by, at=response.created_at
    )
    issue.current_forum = issue.origin_forum
    if scope == ResponseScope.ALL_CFSNS:
        forums = list(Forum.objects.filter(tier=Tier.REGIONAL).order_by("name"))
    else:
        forums = [issue.origin_forum]
    placed = []
    for forum in forums:
        reflection = Referral.objects.create(
            issue=issue,
            forum=forum,
            purpose=ReferralPurpose.REFLECT,
            auto_place=True,
            summary=decision,
        )
        reflection.issue = issue
        placed.append(
            f"{forum.name}: {place_referral(reflection, next_open_meeting(forum), by=by)}"
        )
    where = "\n".join(placed)
    move_issue(
        issue,
        IssueStatus.RESPONDED,
        by=by,
        kind=EventKind.RESPONDED,
        forum=strategic,
        agenda_item=referral.agenda_item,
        note=f"{decision}\nSent back for reflection to:\n{where}",
        fields=("current_forum",),
    )
    tell_watchers(
        issue,
        subject="The Strategic Leadership Forum has responded",
        body=f"{decision}\n\nIt goes back for reflection to:\n{where}",
    )
    return response
