import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext

from cop_portal.kept import forget_forum
from forums.choices import ForumEventKind, Tier
from forums.models import ActionItem, Forum
from forums.services.audit import record_event
from members.choices import NotificationKind
from members.services import is_still_a_member, notify

from ..choices import (
    FINAL_DELIVERY_STATUSES,
    EventKind,
    IssueStatus,
    Outcome,
    ReferralPurpose,
    ResponseScope,
)
from ..exceptions import OwnerRefused, TransitionNotAllowed
from ..models import PracticeIssue, Referral, Response
from .common import check_transition, guard_privacy, log_event, move_issue, tell
from .guidance import citable
from .routing import (
    check_decision_moment,
    close_referral,
    next_open_meeting,
    out_of_session_reason_line,
    place_referral,
)


@transaction.atomic
def respond(
    issue: PracticeIssue,
    *,
    by,
    decision: str,
    owner,
    due_date: dt.date,
    scope: str,
    review_date: dt.date | None = None,
    out_of_session_reason: str = "",
    related_guidance: Iterable = (),
) -> Response:
    """The Strategic Leadership Forum answers an escalated issue, at its meeting once that has
    started or out of session with a reason. The decision becomes its owner's action item
    and goes back onto the next meeting of the originating CFSN (or of every CFSN)."""
    if not decision.strip():
        raise TransitionNotAllowed(gettext("Write the decision that goes back to the CFSN."))
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
            gettext("Only an issue escalated to the Strategic Leadership Forum can be answered.")
        )
    check_transition(issue, IssueStatus.RESPONDED)
    refuse_owner(owner, issue)
    referral.issue = issue
    reason = out_of_session_reason.strip()
    check_decision_moment(referral, out_of_session_reason=reason)
    action = ActionItem.objects.create(
        forum=strategic,
        # Decided out of session, the action belongs to no meeting's minutes.
        meeting=referral.agenda_item.meeting if referral.agenda_item_id and not reason else None,
        agenda_item=None if reason else referral.agenda_item,
        # Action lists are read widely: a restricted issue is named by its reference only.
        title=(
            gettext("Carry out the response to %(reference)s") % {"reference": issue.reference}
            if issue.restricted
            else gettext("Carry out the response to %(reference)s: %(title)s")
            % {"reference": issue.reference, "title": issue.title}
        )[:300],
        owner=owner,
        due_date=due_date,
        created_by=by,
        # Its status follows the owner's progress updates on the issue (post_progress).
        follows_progress=True,
    )
    try:
        with transaction.atomic():
            response = Response.objects.create(
                issue=issue,
                decision=decision,
                owner=owner,
                due_date=due_date,
                review_date=review_date,
                scope=scope,
                action_item=action,
                recorded_by=by,
            )
    except IntegrityError as exc:
        raise TransitionNotAllowed(gettext("A response has already been recorded.")) from exc
    if related_guidance:
        response.related_guidance.set(citable(related_guidance, lock=True))
    close_referral(
        referral,
        outcome=Outcome.RESPONDED,
        note=decision,
        by=by,
        at=response.created_at,
        out_of_session_reason=reason,
    )
    issue.current_forum = issue.origin_forum
    if scope == ResponseScope.ALL_CFSNS:
        # In key order, as every service that places items on several forums' meetings
        # locks them, so that two such services wait for each other instead of deadlocking.
        # An issue raised above the CFSNs goes back to its own forum too: the loop closes
        # when the forum it began at has reflected on the response.
        forums = list(
            Forum.objects.filter(Q(tier=Tier.REGIONAL) | Q(pk=issue.origin_forum_id)).order_by("pk")
        )
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
        # The next open meeting starts after now, so after the response: never the CFSN
        # meeting the issue was escalated from, which had started when it was escalated.
        placed.append(
            f"{forum.name}: {place_referral(reflection, next_open_meeting(forum), by=by)}"
        )
    where = "\n".join(sorted(placed))
    held = f"\n{out_of_session_reason_line(reason)}" if reason else ""
    move_issue(
        issue,
        IssueStatus.RESPONDED,
        by=by,
        kind=EventKind.RESPONDED,
        forum=strategic,
        agenda_item=None if reason else referral.agenda_item,
        note=gettext("%(decision)s%(held)s\nSent back for reflection to:\n%(where)s")
        % {"decision": decision, "held": held, "where": where},
        fields=("current_forum",),
        out_of_session=bool(reason),
    )
    _tell_owner(
        owner, issue, due_date, subject=gettext("New action: %(title)s") % {"title": action.title}
    )
    # The watchers and the facilitators of the CFSNs that will reflect on it, once each.
    tell(
        issue,
        subject=gettext("The Strategic Leadership Forum has responded"),
        body=gettext("%(decision)s\n\nIt goes back for reflection to:\n%(where)s")
        % {"decision": decision, "where": where},
        facilitators_of=forums,
        kind=NotificationKind.RESPONSE,
    )
    return response


def refuse_owner(owner, issue: PracticeIssue) -> None:
    """Refuses, with the reason, an owner who could not carry out and report on a response
    to the issue: one who has left the portal, or may not see it (it is restricted)."""
    if not is_still_a_member(owner):
        raise OwnerRefused(
            gettext("That person has left the portal: give the action to a current member.")
        )
    if not owner.has_perm("feedback.view_issue", issue):
        # The owner reports on the response on the issue's page.
        raise OwnerRefused(
            gettext(
                "%(person)s may not see this restricted issue, so could not report on the "
                "response: give the action to someone who can."
            )
            % {"person": owner}
        )


@transaction.atomic
def hand_over_response(response: Response, *, to, by) -> Response:
    """Give a response, and the action that carries it out, to a new owner (its owner has
    left, say): they report its progress and are reminded from now on. A response carried
    out, or not proceeding, has nothing left to hand over."""
    # Issue, then response, then action: the order respond() and post_progress take them in.
    issue = PracticeIssue.objects.select_for_update().get(response=response.pk)
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.owner_id == to.pk:
        return response
    if response.delivery_status in FINAL_DELIVERY_STATUSES:
        raise OwnerRefused(
            gettext("This response is finished (%(status)s): there is nothing to hand over.")
            % {"status": response.get_delivery_status_display().lower()}
        )
    refuse_owner(to, issue)
    response.owner = to
    # A review reminder already sent went to the owner who left: the new one is reminded.
    response.review_reminded_at = None
    response.save(update_fields=["owner", "review_reminded_at"])
    if response.action_item_id:
        action = ActionItem.objects.select_for_update().get(pk=response.action_item_id)
        action.owner = to
        action.save(update_fields=["owner"])
        record_event(
            action.forum,
            actor=by,
            kind=ForumEventKind.ACTION_CHANGED,
            note=f"{action.title}: handed to {to} with its response",
        )
    # Named on the issue's timeline only by who did it: the response shows its owner.
    log_event(issue, actor=by, kind=EventKind.HANDED_OVER)
    _tell_owner(
        to,
        issue,
        response.due_date,
        subject=gettext("A response is yours: %(reference)s") % {"reference": issue.reference},
    )
    return response


def _tell_owner(owner, issue: PracticeIssue, due_date: dt.date, *, subject: str) -> None:
    """The response is now `owner`'s to carry out and report on."""
    notify(
        owner,
        subject=subject,
        body=gettext(
            "The Strategic Leadership Forum's response is yours to carry out, due %(due)s. "
            "Post its progress on the issue's page."
        )
        % {"due": f"{due_date:%d %b %Y}"},
        url=issue.get_absolute_url(),
        kind=NotificationKind.ACTION,
    )


@transaction.atomic
def correct_response_dates(response: Response, *, due_date: dt.date, review_date) -> Response:
    """Correct a response's due and review dates; the action that carries it out falls due
    with it."""
    PracticeIssue.objects.select_for_update().get(response=response.pk)
    response = Response.objects.select_for_update().get(pk=response.pk)
    response.due_date, response.review_date = due_date, review_date
    response.save(update_fields=["due_date", "review_date"])
    if response.action_item_id:
        actions = ActionItem.objects.filter(pk=response.action_item_id)
        actions.update(due_date=due_date)
        # Shown on its forum's pages, which an update around the model does not tell.
        forget_forum(*actions.values_list("forum_id", flat=True))
    return response
