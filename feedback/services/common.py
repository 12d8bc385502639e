from django.db.models import Q
from django.utils import timezone

from forums.choices import FACILITATING_ROLES
from members.services import notify_many

from ..choices import ALLOWED_TRANSITIONS, FINISHED_STATUSES, IssueStatus
from ..exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from ..models import IssueEvent, PracticeIssue
from ..privacy import find_identifying_details


def guard_privacy(*texts: str) -> None:
    findings = [f for text in texts for f in find_identifying_details(text)]
    if findings:
        raise IdentifyingDetailsFound(findings)


def check_transition(issue: PracticeIssue, to_status: str) -> None:
    if to_status not in ALLOWED_TRANSITIONS[issue.status]:
        raise TransitionNotAllowed(
            f"This issue is “{issue.get_status_display().lower()}”, so it cannot become "
            f"“{IssueStatus(to_status).label.lower()}”."
        )


def move_issue(
    issue: PracticeIssue,
    to_status: str,
    *,
    by,
    kind: str,
    forum=None,
    agenda_item=None,
    note: str = "",
    fields: tuple[str, ...] = (),
) -> IssueEvent:
    """Move an issue to a status the workflow allows, save it and write its one event.

    Finishing statuses stamp closed_at; `fields` names other attributes the caller set."""
    check_transition(issue, to_status)
    previous = issue.status
    issue.status = to_status
    update = ["status", "updated_at", *fields]
    if to_status in FINISHED_STATUSES:
        issue.closed_at = timezone.now()
        update.append("closed_at")
    issue.save(update_fields=update)
    return log_event(
        issue,
        actor=by,
        kind=kind,
        from_status=previous,
        to_status=to_status,
        forum=forum,
        agenda_item=agenda_item,
        note=note,
    )


def log_event(
    issue, *, actor, kind, from_status="", to_status="", forum=None, agenda_item=None, note=""
) -> IssueEvent:
    return IssueEvent.objects.create(
        issue=issue,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        forum=forum,
        agenda_item=agenda_item,
        note=note,
    )


def tell_watchers(issue: PracticeIssue, *, subject: str, body: str = "", exclude=None) -> None:
    """Notify everyone watching the issue (in-app now, email on commit)."""
    url = issue.get_absolute_url()
    # Read once which forums the issue has been at, not once per watcher.
    issue.visited_forum_ids = set(issue.referrals.values_list("forum_id", flat=True))
    watchers = issue.watchers.filter(is_active=True).exclude(pk=getattr(exclude, "pk", None))
    # A watcher who can no longer see the issue (restricted, merged) hears nothing of it.
    recipients = [user for user in watchers if user.has_perm("feedback.view_issue", issue)]
    notify_many(recipients, subject=f"{issue.reference}: {subject}", body=body, url=url)


def tell_facilitators(forum, *, subject: str, body: str = "", url: str = "") -> None:
    memberships = forum.memberships.filter(Q(role__in=FACILITATING_ROLES), user__is_active=True)
    recipients = [membership.user for membership in memberships.select_related("user")]
    notify_many(recipients, subject=subject, body=body, url=url)
