from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from forums.choices import FACILITATING_ROLES
from forums.models import Forum
from forums.rules import read_roles_of
from forums.selectors.meetings import facilitators_of as forum_facilitators
from members.choices import NotificationKind
from members.models import User
from members.services import Notice, notify_each, notify_many

from ..choices import ALLOWED_TRANSITIONS, FINISHED_STATUSES, REVERSALS, IssueStatus
from ..exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from ..models import IssueEvent, PracticeIssue, Referral, Watch
from ..privacy import find_identifying_details


def guard_privacy(*texts: str) -> None:
    findings = [f for text in texts for f in find_identifying_details(text)]
    if findings:
        raise IdentifyingDetailsFound(findings)


def check_transition(issue: PracticeIssue, to_status: str, *, reversal: bool = False) -> None:
    """Refuse a move the workflow does not allow; a reversal may only undo (REVERSALS)."""
    allowed = REVERSALS if reversal else ALLOWED_TRANSITIONS
    if to_status not in allowed.get(issue.status, set()):
        raise TransitionNotAllowed(
            gettext("This issue is “%(status)s”, so it cannot become “%(to_status)s”.")
            % {
                "status": issue.get_status_display().lower(),
                "to_status": IssueStatus(to_status).label.lower(),
            }
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
    out_of_session: bool = False,
    reversal: bool = False,
) -> IssueEvent:
    """Move an issue to a status the workflow allows, save it and write its one event.

    Finishing statuses stamp closed_at; `fields` names other attributes the caller set.
    `reversal` is for the one service that undoes a move (see REVERSALS)."""
    check_transition(issue, to_status, reversal=reversal)
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
        out_of_session=out_of_session,
    )


def log_event(
    issue,
    *,
    actor,
    kind,
    from_status="",
    to_status="",
    forum=None,
    agenda_item=None,
    note="",
    out_of_session=False,
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
        out_of_session=out_of_session,
    )


def tell(
    issue: PracticeIssue,
    *,
    subject: str,
    body: str = "",
    url: str = "",
    watchers_of: Iterable[PracticeIssue] | None = None,
    facilitators_of: Iterable[Forum] = (),
    exclude=None,
    kind: str = NotificationKind.ISSUE_UPDATE,
) -> None:
    """Tell everyone concerned about one event on the issue, each person once.

    The watchers (of the issue, or of every issue in `watchers_of`) and the chairs and
    facilitators of `facilitators_of` make one set of people, so someone who is both
    gets one notice; nobody who may not see the issue hears of it. In-app now, email
    on commit."""
    watched = [issue] if watchers_of is None else list(watchers_of)
    forums = [forum for forum in facilitators_of if forum is not None]
    people = Q(watched_issues__in=watched) if watched else Q(pk__in=[])
    if forums:
        people |= Q(memberships__forum__in=forums, memberships__role__in=FACILITATING_ROLES)
    users = User.objects.filter(people, is_active=True).distinct().order_by("pk")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    # Read once which forums the issue has been at, not once per person.
    issue.visited_forum_ids = set(issue.referrals.values_list("forum_id", flat=True))
    # Someone who can no longer see the issue (restricted, merged) hears nothing of it.
    recipients = [user for user in users if user.has_perm("feedback.view_issue", issue)]
    notify_many(
        recipients,
        subject=f"{issue.reference}: {subject}",
        body=body,
        url=url or issue.get_absolute_url(),
        kind=kind,
    )


def tell_watchers(issue: PracticeIssue, *, subject: str, body: str = "", exclude=None) -> None:
    """Notify everyone watching the issue (in-app now, email on commit)."""
    tell(issue, subject=subject, body=body, exclude=exclude)


def tell_watchers_of_each(told: list[tuple[PracticeIssue, str, str]]) -> None:
    """tell_watchers for many issues at once, each with its own subject and body (issues
    placed together on an agenda): a few queries however many issues there are. Each
    person is read once, and so are the forums they belong to."""
    issues = {issue.pk: issue for issue, _subject, _body in told}
    people: dict[int, User] = {}
    watchers: dict[int, list[User]] = defaultdict(list)
    watches = (
        Watch.objects.filter(issue__in=list(issues), user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for watch in watches:
        watchers[watch.issue_id].append(people.setdefault(watch.user_id, watch.user))
    visited: dict[int, set[int]] = defaultdict(set)
    stays = Referral.objects.filter(issue__in=list(issues)).values_list("issue_id", "forum_id")
    for issue_id, forum_id in stays:
        visited[issue_id].add(forum_id)
    # Whether a restricted issue's watcher may still see it turns on their forums.
    read_roles_of(people.values())
    notices = []
    for issue, subject, body in told:
        issue.visited_forum_ids = visited[issue.pk]
        notices.append(
            Notice(
                # Someone who can no longer see the issue (restricted, merged) hears nothing.
                [
                    user
                    for user in watchers[issue.pk]
                    if user.has_perm("feedback.view_issue", issue)
                ],
                subject=f"{issue.reference}: {subject}",
                body=body,
                url=issue.get_absolute_url(),
            )
        )
    notify_each(notices, kind=NotificationKind.ISSUE_UPDATE)


def tell_facilitators(forum, *, subject: str, body: str = "", url: str = "") -> None:
    notify_many(
        forum_facilitators(forum),
        subject=subject,
        body=body,
        url=url,
        kind=NotificationKind.ESCALATION,
    )
