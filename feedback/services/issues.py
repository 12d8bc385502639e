from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from forums.models import Forum
from members.text import one_line

from ..choices import EventKind, IssueStatus, ReferralPurpose
from ..exceptions import TransitionNotAllowed
from ..models import Comment, Endorsement, PracticeIssue, Referral, Watch
from ..models.issues import reference_of
from .advice import is_acco_member, record_acco_input, tell_leads
from .common import (
    check_transition,
    guard_privacy,
    log_event,
    move_issue,
    tell_facilitators,
    tell_watchers,
)
from .counters import refresh_counts


def _fill(issue, *, title, description, forum, restricted) -> None:
    issue.title = title
    issue.description = description
    issue.origin_forum = forum
    issue.restricted = restricted


@transaction.atomic
def save_draft(
    *,
    by,
    title: str,
    description: str,
    practice_areas,
    forum: Forum,
    restricted: bool = False,
    issue: PracticeIssue | None = None,
) -> PracticeIssue:
    """Keep an unfinished issue for its author; the privacy guard applies to drafts too."""
    title = one_line(title)
    guard_privacy(title, description)
    if issue is None:
        issue = PracticeIssue(raised_by=by)
    else:
        issue = PracticeIssue.objects.select_for_update().get(pk=issue.pk)
        if not issue.is_draft or issue.raised_by_id != by.pk:
            raise TransitionNotAllowed(gettext("Only your own drafts can be edited."))
    _fill(issue, title=title, description=description, forum=forum, restricted=restricted)
    issue.save()
    issue.practice_areas.set(practice_areas)
    log_event(issue, actor=by, kind=EventKind.DRAFTED, to_status=IssueStatus.DRAFT)
    return issue


@transaction.atomic
def raise_issue(
    *,
    by,
    title: str,
    description: str,
    practice_areas,
    forum: Forum,
    restricted: bool = False,
    attested: bool,
    draft: PracticeIssue | None = None,
) -> PracticeIssue:
    """Raise an issue at a forum: it joins that forum's triage queue; facilitators are told."""
    if not attested:
        raise TransitionNotAllowed(
            gettext("Confirm that the issue holds no identifying information about a client.")
        )
    # A title goes into email subjects and page headings: one line, whoever calls.
    title = one_line(title)
    guard_privacy(title, description)
    if draft is None:
        issue = PracticeIssue(raised_by=by)
    else:
        issue = PracticeIssue.objects.select_for_update().get(pk=draft.pk)
        if issue.raised_by_id != by.pk:
            raise TransitionNotAllowed(gettext("Only the author can raise their draft."))
        # Raised twice at once (a second press, another tab), the second finds it raised.
        if not issue.is_draft:
            raise TransitionNotAllowed(gettext("This draft has already been raised."))
    check_transition(issue, IssueStatus.QUEUED)
    _fill(issue, title=title, description=description, forum=forum, restricted=restricted)
    issue.status = IssueStatus.QUEUED
    issue.current_forum = forum
    issue.submitted_at = timezone.now()
    issue.save()
    issue.practice_areas.set(practice_areas)
    Referral.objects.create(issue=issue, forum=forum, purpose=ReferralPurpose.CONSIDER)
    Watch.objects.get_or_create(issue=issue, user=by)
    log_event(
        issue,
        actor=by,
        kind=EventKind.RAISED,
        from_status=IssueStatus.DRAFT,
        to_status=IssueStatus.QUEUED,
        forum=forum,
    )
    tell_facilitators(
        forum,
        subject=gettext("New practice issue for %(forum)s: %(title)s")
        % {"forum": forum.name, "title": title},
        body=gettext("A practice issue is waiting in your forum's triage queue."),
        url=issue.get_absolute_url(),
    )
    tell_leads(
        issue, by=by, event=gettext("raised at %(forum)s") % {"forum": forum.name}, forum=forum
    )
    return issue


@transaction.atomic
def provide_information(issue: PracticeIssue, *, by, text: str) -> PracticeIssue:
    """The submitter answers a request for information; the issue goes back to triage."""
    guard_privacy(text)
    issue = PracticeIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.raised_by_id != by.pk:
        raise TransitionNotAllowed(
            gettext("Only the person who raised the issue can add information.")
        )
    # Only an answer to a request: a form left open in another tab, or sent twice, would
    # otherwise take an issue off a coming agenda back to the queue.
    if issue.status != IssueStatus.INFO_REQUESTED:
        raise TransitionNotAllowed(
            gettext("No information is asked for on this issue now: add a comment instead.")
        )
    check_transition(issue, IssueStatus.QUEUED)
    Comment.objects.create(issue=issue, author=by, body=text)
    refresh_counts(issue.pk)
    move_issue(
        issue,
        IssueStatus.QUEUED,
        by=by,
        kind=EventKind.INFO_PROVIDED,
        forum=issue.current_forum,
        note=text,
    )
    tell_facilitators(
        issue.current_forum,
        subject=gettext("More information on %(reference)s: %(title)s")
        % {"reference": issue.reference, "title": issue.title},
        body=text,
        url=issue.get_absolute_url(),
    )
    return issue


@transaction.atomic
def endorse_issue(issue: PracticeIssue, *, by) -> Endorsement:
    """'We see this too': once per member; the endorser starts watching the issue."""
    issue = PracticeIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.is_draft:
        raise TransitionNotAllowed(gettext("A draft cannot be endorsed."))
    if issue.status == IssueStatus.MERGED:
        raise TransitionNotAllowed(
            gettext(
                "This issue has been merged into %(reference)s: endorse that one, where it "
                "now travels."
            )
            % {"reference": reference_of(issue.merged_into_id)}
        )
    if issue.raised_by_id == by.pk:
        raise TransitionNotAllowed(gettext("You raised this issue, so you cannot endorse it."))
    endorsement, created = Endorsement.objects.get_or_create(issue=issue, user=by)
    if not created:
        raise TransitionNotAllowed(gettext("You have already endorsed this issue."))
    Watch.objects.get_or_create(issue=issue, user=by)
    refresh_counts(issue.pk)
    region = f" ({by.region})" if by.region_id else ""
    log_event(issue, actor=by, kind=EventKind.ENDORSED, note=f"{by}{region}")
    return endorsement


@transaction.atomic
def set_watching(issue: PracticeIssue, *, by, watching: bool) -> bool:
    """Start or stop notifications about an issue for one person."""
    if watching:
        Watch.objects.get_or_create(issue=issue, user=by)
    else:
        Watch.objects.filter(issue=issue, user=by).delete()
    return watching


@transaction.atomic
def add_comment(issue: PracticeIssue, *, by, body: str) -> Comment:
    """A comment on an issue; watchers are told."""
    guard_privacy(body)
    issue = PracticeIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.is_draft:
        raise TransitionNotAllowed(gettext("A draft cannot be commented on."))
    comment = Comment.objects.create(issue=issue, author=by, body=body)
    refresh_counts(issue.pk)
    if issue.acco_input_at is None and is_acco_member(by):
        record_acco_input(issue, at=comment.created_at)
    log_event(issue, actor=by, kind=EventKind.COMMENTED)
    tell_watchers(
        issue,
        subject=gettext("New comment from %(person)s") % {"person": by},
        body=body,
        exclude=by,
    )
    return comment
