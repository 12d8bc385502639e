"""Who may do what with practice issues; the selectors filter lists the same way."""

import rules

from forums.choices import Tier
from forums.rules import (
    forums_run_by,
    has_facilitating_role,
    is_executive,
    is_forum_facilitator,
    is_forum_member,
    roles_of,
)
from members.rules import is_administrator
from practice.rules import areas_led_by, is_practice_lead

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


@rules.predicate
def leads_an_area_of(user, issue) -> bool:
    """A practice lead of one of the issue's practice areas."""
    if issue is None or issue.pk is None:
        return False
    led = areas_led_by(user)
    return bool(led) and any(area.pk in led for area in issue.practice_areas.all())


@rules.predicate
def is_merged_away(user, issue) -> bool:
    return issue is not None and issue.status == IssueStatus.MERGED


@rules.predicate
def has_been_at_a_forum_i_run(user, issue) -> bool:
    """Is with, or has reached, a forum this person chairs or facilitates."""
    if issue is None:
        return False
    run = forums_run_by(user)
    if not run:
        return False
    visited = getattr(issue, "visited_forum_ids", None)
    if visited is None:
        visited = set(issue.referrals.values_list("forum_id", flat=True))
    return bool(run & set(visited))


can_see_published = (
    rules.is_authenticated & ~is_draft & (~is_restricted | has_been_at_my_forum | is_administrator)
)

can_view_issue = is_issue_submitter | can_see_published

rules.add_perm("feedback.view_issue", can_view_issue)
# Related guidance: the submitter, those who run a forum the issue is with or has reached,
# practice leads, executives and administrators; a merged duplicate cites on its primary.
rules.add_perm(
    "feedback.cite_guidance",
    can_view_issue
    & ~is_merged_away
    & (
        is_issue_submitter
        | has_been_at_a_forum_i_run
        | is_practice_lead
        | is_executive
        | is_administrator
    ),
)
rules.add_perm("feedback.change_draft", is_issue_submitter & is_draft)
# A merged issue's page says where to endorse it instead (feedback.services.issues).
rules.add_perm("feedback.endorse_issue", can_see_published & ~is_issue_submitter)
rules.add_perm("feedback.comment_issue", can_see_published | (is_issue_submitter & ~is_draft))
# The form stays open to the submitter: one sent after the forum has moved on is refused
# next to what they wrote, which they can post as a comment instead.
rules.add_perm("feedback.provide_information", is_issue_submitter & ~is_draft)
rules.add_perm("feedback.triage_issue", runs_current_forum | is_administrator)
# Whoever may merge into the primary issue may undo the merge.
# Once its primary is merged on, the undo is refused with why (feedback.services.merging).
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


# --- Consultations down the tiers ---------------------------------------------------


@rules.predicate
def is_consulting_forum(user, forum) -> bool:
    """The State-wide and Strategic forums send consultations down the tiers."""
    return forum is not None and forum.tier in (Tier.STATEWIDE, Tier.STRATEGIC)


@rules.predicate
def is_in_sending_forum(user, consultation) -> bool:
    return consultation is not None and consultation.from_forum_id in roles_of(user)


@rules.predicate
def is_in_target_forum(user, consultation) -> bool:
    """A member of any forum the consultation was sent to."""
    if consultation is None:
        return False
    forum_ids = set(roles_of(user))
    if not forum_ids:
        return False
    targeted = getattr(consultation, "target_forum_ids", None)
    if targeted is None:
        targeted = set(consultation.targets.values_list("forum_id", flat=True))
    return bool(forum_ids & set(targeted))


@rules.predicate
def runs_sending_forum(user, consultation) -> bool:
    return consultation is not None and is_forum_facilitator(user, consultation.from_forum)


@rules.predicate
def is_open_consultation(user, obj) -> bool:
    """The consultation (or a target's consultation) still takes answers."""
    consultation = getattr(obj, "consultation", obj)
    return consultation is not None and consultation.is_open


@rules.predicate
def is_before_targets_meeting(user, target) -> bool:
    """Members add their own answers until the forum's meeting on it starts."""
    if target is None or target.answered_at is not None:
        return False
    item = target.agenda_item
    return item is None or not item.meeting.has_started


can_view_consultation = rules.is_authenticated & (
    is_in_sending_forum | is_in_target_forum | is_executive | is_administrator
)
# Everything every forum answered: the sender's people, executives and administrators.
sees_every_answer = rules.is_authenticated & (is_in_sending_forum | is_executive | is_administrator)

rules.add_perm(
    "feedback.open_consultation", is_consulting_forum & (is_forum_facilitator | is_administrator)
)
rules.add_perm("feedback.view_consultation", can_view_consultation)
rules.add_perm("feedback.view_consultation_answers", sees_every_answer)
rules.add_perm("feedback.export_consultation", sees_every_answer)
rules.add_perm(
    "feedback.summarise_consultation",
    is_open_consultation & (runs_sending_forum | is_administrator),
)
# The target is the permission object: its forum's chair or facilitator records the answers.
rules.add_perm(
    "feedback.record_consultation_answers",
    is_forum_facilitator | is_administrator,
)
rules.add_perm(
    "feedback.answer_consultation",
    is_forum_member & is_open_consultation & is_before_targets_meeting,
)
# Principal practitioners advise on what they may see in the areas they lead; a merged
# duplicate's discussion continues on its primary issue.
rules.add_perm("feedback.give_advice", leads_an_area_of & can_see_published & ~is_merged_away)
rules.add_perm("feedback.view_lead_queue", is_practice_lead)
# For the menu: leads only, where an administrator's every permission would show it to them.
rules.add_rule("leads_a_practice_area", is_practice_lead)
