"""Who may do what with practice issues; the selectors filter lists the same way."""

import rules

from forums.choices import Tier
from forums.rules import has_facilitating_role, is_executive, is_forum_facilitator, roles_of
from members.rules import is_administrator

from .choices import ALLOWED_TRANSITIONS, IssueStatus


@rules.predicate
def is_issue_submitter(user, issue) -> bool:
    return issue is not None and issue.raised_by_id == user.pk


@rules.predicate
def is_draft(user, issue) -> bool:
    return issue is not None and issue.status == IssueStatus.DRAFT


@rules.predicate
def is_restricted(user, issue) -> bool:
    return issue is not None and issue.restricted


@rules.predicate
def has_been_at_my_forum(user, issue) -> bool:
    if issue is None:
        return False
    forum_ids = set(roles_of(user))
    if not forum_ids:
        return False
    visited = getattr(issue, "visited_forum_ids", None)
    if visited is None:
        visited = set(issue.referrals.values_list("forum_id", flat=True))
    return bool(forum_ids & set(visited))


@rules.predicate
def runs_current_forum(user, issue) -> bool:
    return (
        issue is not None
        and issue.current_forum_id is not None
        and is_forum_facilitator(user, issue.current_forum)
    )


@rules.predicate
def chairs_current_forum(user, issue) -> bool:
    """A chair or facilitator of the forum the issue is with: decides between meetings."""
    return (
        issue is not None
        and issue.current_forum_id is not None
        and has_facilitating_role(user, issue.current_forum)
    )


@rules.predicate
def runs_primarys_forum(user, issue) -> bool:
    """For a merged duplicate: runs the forum its primary issue is with now, so may triage it."""
    primary = None if issue is None or issue.merged_into_id is None else issue.merged_into
    return primary is not None and runs_current_forum(user, primary)


@rules.predicate
def is_merged(user, issue) -> bool:
    """Merged, with the record of what the merge moved (so it can be undone exactly)."""
    return (
        issue is not None
        and issue.status == IssueStatus.MERGED
        and issue.merge_records.filter(undone_at__isnull=True).exists()
    )


@rules.predicate
def is_awaiting_response(user, issue) -> bool:
    """At the Strategic Leadership Forum, in a state that may still move to responded."""
    return (
        issue is not None
        and issue.current_forum_id is not None
        and issue.current_forum.tier == Tier.STRATEGIC
        and IssueStatus.RESPONDED in ALLOWED_TRANSITIONS.get(issue.status, set())
    )


@rules.predicate
def owns_response(user, issue) -> bool:
    """The owner of the Strategic Leadership Forum's response to the issue."""
    response = getattr(issue, "response", None) if issue is not None else None
    return response is not None and response.owner_id == user.pk


@rules.predicate
def has_response(user, issue) -> bool:
    return issue is not None and getattr(issue, "response", None) is not None


can_see_published = (
    rules.is_authenticated & ~is_draft & (~is_restricted | has_been_at_my_forum | is_administrator)
)

can_view_issue = is_issue_submitter | can_see_published

rules.add_perm("feedback.view_issue", can_view_issue)
rules.add_perm("feedback.change_draft", is_issue_submitter & is_draft)
rules.add_perm("feedback.endorse_issue", can_see_published & ~is_issue_submitter)
rules.add_perm("feedback.comment_issue", can_see_published | (is_issue_submitter & ~is_draft))
rules.add_perm("feedback.provide_information", is_issue_submitter & ~is_draft)
rules.add_perm("feedback.triage_issue", runs_current_forum | is_administrator)
# Whoever may merge into the primary issue may undo the merge.
rules.add_perm("feedback.unmerge_issue", is_merged & (runs_primarys_forum | is_administrator))
# The issue itself is the permission object: executives answer what they may see and what
# is still waiting for an answer, never a draft or someone else's private issue.
rules.add_perm(
    "feedback.respond_issue",
    (is_executive | is_administrator) & can_view_issue & is_awaiting_response,
)
# The owner carries out the response and reports on it; an administrator may stand in.
rules.add_perm(
    "feedback.post_progress", has_response & can_view_issue & (owns_response | is_administrator)
)
rules.add_perm("feedback.view_queue", is_forum_facilitator | is_administrator)
rules.add_perm("feedback.view_executive_queue", is_executive | is_administrator)
rules.add_perm("feedback.record_outcome", is_forum_facilitator | is_administrator)
# Between meetings only the chair or facilitator of the issue's forum decides, with a reason.
rules.add_perm(
    "feedback.decide_out_of_session", ~is_draft & (chairs_current_forum | is_administrator)
)
