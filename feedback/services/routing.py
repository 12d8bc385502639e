"""Routing: issues move onto agendas, between tiers and back down the loop."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from forums.choices import NEXT_TIER, AgendaItemKind, MeetingStatus, Tier
from forums.models import AgendaItem, Forum, Meeting
from forums.services.agenda import add_agenda_item
from forums.services.minutes import record_item_decision

from ..choices import ACTIVE_STATUSES, EventKind, IssueStatus, Outcome, ReferralPurpose
from ..exceptions import TransitionNotAllowed
from ..models import Endorsement, PracticeIssue, Referral, Watch
from .common import check_transition, log_event, move_issue, tell_facilitators, tell_watchers


def next_open_meeting(forum: Forum, *, after: Meeting | None = None) -> Meeting | None:
    """The forum's next published meeting that still takes agenda items."""
    meetings = Meeting.objects.open_for_items().filter(forum=forum).order_by("start", "id")
    if after is not None:
        meetings = meetings.exclude(pk=after.pk).filter(start__gt=after.start)
    return meetings.first()


def _lock_issue(issue: PracticeIssue) -> PracticeIssue:
    return PracticeIssue.objects.select_for_update().get(pk=issue.pk)


def close_referral(referral: Referral, *, outcome: str, note: str, by, at=None) -> None:
    """End an issue's stay at a forum with its outcome; the caller holds the row lock.

    When the stay ended at a meeting, the outcome goes into that item's minutes too."""
    referral.outcome = outcome
    referral.outcome_note = note
    referral.outcome_by = by
    referral.left_at = at or timezone.now()
    referral.save(update_fields=["outcome", "outcome_note", "outcome_by", "left_at"])
    minute_outcome(referral, Outcome(outcome).label, note=note, by=by)


def minute_outcome(referral: Referral, label: str, *, note: str, by) -> None:
    """Write what the forum decided about the issue into the agenda item's minutes."""
    item = referral.agenda_item
    if item is None or item.meeting.status not in (
        MeetingStatus.PUBLISHED,
        MeetingStatus.COMPLETED,
    ):
        return
    issue = referral.issue
    # Minutes can be read by anyone once published: a restricted issue gets no details.
    detail = "" if issue.restricted or not note else f" {note}"
    record_item_decision(item, by=by, text=f"{issue.reference}: {label}.{detail}")


def _open_referral(issue: PracticeIssue, forum: Forum) -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .filter(issue=issue, forum=forum, left_at__isnull=True)
        .first()
    )
    if referral is None:
        raise TransitionNotAllowed(f"This issue is not with {forum.name} at the moment.")
    referral.issue = issue
    return referral


def _attach(referral: Referral, meeting: Meeting, *, by) -> AgendaItem:
    issue = referral.issue
    reflect = referral.purpose == ReferralPurpose.REFLECT
    # An agenda is read by people who may not see a restricted issue: it shows only the
    # reference there, and the issue page shows the rest to those allowed.
    title = f"Restricted practice issue {issue.reference}" if issue.restricted else issue.title
    item = add_agenda_item(
        meeting,
        by=by,
        title=f"{'Response for reflection: ' if reflect else ''}{title}",
        kind=AgendaItemKind.RESPONSE if reflect else AgendaItemKind.PRACTICE_ISSUE,
        minutes_allotted=15,
        description="" if issue.restricted else (referral.summary or issue.description[:500]),
        carried_over_from=referral.agenda_item,
    )
    referral.agenda_item = item
    referral.save(update_fields=["agenda_item"])
    return item


def _when(meeting: Meeting) -> str:
    return timezone.localtime(meeting.start).strftime("%-d %B %Y")


def place_referral(referral: Referral, meeting: Meeting | None, *, by) -> str:
    """Put the referral on the meeting's agenda, or leave it waiting in the forum's queue;
    the issue's status follows. Returns a sentence saying where it is now. The calling
    service writes the event and tells the watchers."""
    issue = referral.issue
    if referral.purpose == ReferralPurpose.CONSIDER:
        target = IssueStatus.ON_AGENDA if meeting else IssueStatus.QUEUED
        check_transition(issue, target)
        issue.status = target
        issue.current_forum = referral.forum
        issue.save(update_fields=["status", "current_forum", "updated_at"])
    if meeting is None:
        if referral.agenda_item_id:
            referral.agenda_item = None
            referral.save(update_fields=["agenda_item"])
        return f"Waiting for the next meeting of {referral.forum.name}."
    _attach(referral, meeting, by=by)
    return f"On the agenda of {meeting.title}, {_when(meeting)}."


def route_referral(
    referral: Referral, meeting: Meeting | None, *, by, kind=EventKind.PLACED, note: str = ""
) -> Meeting | None:
    """Place the referral (or queue it), write the one event and tell the watchers."""
    issue = referral.issue
    previous = issue.status
    where = place_referral(referral, meeting, by=by)
    if meeting is None and kind == EventKind.PLACED:
        kind = EventKind.QUEUED
    log_event(
        issue,
        actor=by,
        kind=kind,
        from_status=previous,
        to_status=issue.status,
        forum=referral.forum,
        agenda_item=referral.agenda_item if meeting else None,
        note=note or where,
    )
    if meeting is None:
        return None
    if referral.purpose == ReferralPurpose.REFLECT:
        subject = f"Response for reflection at {referral.forum.name} on {_when(meeting)}"
        body = f"The response to “{issue.title}” will be discussed at {meeting.title}."
    else:
        subject = f"On the agenda of {referral.forum.name} on {_when(meeting)}"
        body = f"“{issue.title}” will be discussed at {meeting.title}."
    tell_watchers(issue, subject=subject, body=body)
    return meeting


@transaction.atomic
def place_on_agenda(issue: PracticeIssue, *, meeting: Meeting, by) -> PracticeIssue:
    """Triage: put a queued issue on one of its forum's coming meetings."""
    issue = _lock_issue(issue)
    referral = _open_referral(issue, meeting.forum)
    if referral.agenda_item_id and referral.agenda_item.meeting.status in (
        MeetingStatus.DRAFT,
        MeetingStatus.PUBLISHED,
    ):
        raise TransitionNotAllowed(
            f"This issue is already on the agenda of {referral.agenda_item.meeting.title}."
        )
    if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED) or meeting.is_past:
        raise TransitionNotAllowed("Choose a meeting that has not happened yet.")
    route_referral(referral, meeting, by=by)
    return issue


@transaction.atomic
def escalate_issue(
    issue: PracticeIssue, *, by, summary: str, rationale: str, agenda_item: AgendaItem | None = None
) -> Referral:
    """Refer the issue from its forum to the next tier's forum, onto its next open meeting.

    Pressed twice at once, the second call finds the first's referral and is refused.
    """
    if not summary.strip() or not rationale.strip():
        raise TransitionNotAllowed("An escalation needs a summary and a rationale.")
    issue = _lock_issue(issue)
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("forum", "agenda_item")
        .filter(issue=issue, left_at__isnull=True, purpose=ReferralPurpose.CONSIDER)
    )
    if agenda_item is not None:
        current = current.filter(agenda_item=agenda_item)
    referral = current.first()
    if referral is None or issue.status != IssueStatus.ON_AGENDA:
        raise TransitionNotAllowed("This issue has already moved on from this agenda.")
    if referral.forum.tier == Tier.STRATEGIC:
        raise TransitionNotAllowed(
            "The Strategic Leadership Forum answers an issue with a response, not an escalation."
        )
    next_forum = Forum.objects.get(tier=NEXT_TIER[referral.forum.tier])
    close_referral(referral, outcome=Outcome.ESCALATED, note=summary, by=by)
    try:
        with transaction.atomic():
            onward = Referral.objects.create(
                issue=issue,
                forum=next_forum,
                purpose=ReferralPurpose.CONSIDER,
                auto_place=True,
                summary=summary,
                rationale=rationale,
            )
    except IntegrityError as exc:
        raise TransitionNotAllowed(f"This issue is already with {next_forum.name}.") from exc
    previous = issue.status
    onward.issue = issue
    where = place_referral(onward, next_open_meeting(next_forum), by=by)
    log_event(
        issue,
        actor=by,
        kind=EventKind.ESCALATED,
        from_status=previous,
        to_status=issue.status,
        forum=referral.forum,
        agenda_item=referral.agenda_item,
        note=f"Escalated to {next_forum.name}. {summary}\nWhy: {rationale}\n{where}",
    )
    tell_watchers(issue, subject=f"Escalated to {next_forum.name}", body=f"{summary}\n{where}")
    tell_facilitators(
        next_forum,
        subject=f"Escalated to {next_forum.name}: {issue.title}",
        body=summary,
        url=issue.get_absolute_url(),
    )
    return onward


@transaction.atomic
def record_outcome(
    agenda_item: AgendaItem, *, outcome: str, note: str, by, summary: str = "", rationale: str = ""
) -> PracticeIssue:
    """A facilitator records what the meeting decided about the issue on this item."""
    # Lock the issue before its referral, the order every service uses, so two people
    # acting on one issue at once wait for each other instead of deadlocking.
    open_here = Referral.objects.filter(agenda_item=agenda_item, left_at__isnull=True)
    issue_id = open_here.values_list("issue_id", flat=True).first()
    if issue_id is None:
        raise TransitionNotAllowed("An outcome has already been recorded for this item.")
    issue = _lock_issue(PracticeIssue(pk=issue_id))
    referral = open_here.select_for_update(of=("self",)).select_related("forum").first()
    if referral is None:
        raise TransitionNotAllowed("An outcome has already been recorded for this item.")
    referral.issue = issue
    if outcome == Outcome.ESCALATED:
        escalate_issue(issue, by=by, summary=summary, rationale=rationale, agenda_item=agenda_item)
        return PracticeIssue.objects.get(pk=issue.pk)
    if outcome == Outcome.CARRIED_OVER:
        meeting = agenda_item.meeting
        minute_outcome(referral, Outcome.CARRIED_OVER.label, note=note, by=by)
        referral.auto_place = True
        referral.save(update_fields=["auto_place"])
        route_referral(
            referral,
            next_open_meeting(referral.forum, after=meeting),
            by=by,
            kind=EventKind.CARRIED_OVER,
            note=note or f"Not reached at {meeting.title}; carried over.",
        )
        return issue
    if outcome == Outcome.DISCUSSED:
        return _discussed(issue, referral, note=note, by=by)
    targets = {Outcome.RESOLVED: IssueStatus.RESOLVED, Outcome.RETURNED: IssueStatus.INFO_REQUESTED}
    if outcome not in targets or referral.purpose != ReferralPurpose.CONSIDER:
        raise TransitionNotAllowed("That outcome cannot be recorded for this item.")
    if not note.strip():
        raise TransitionNotAllowed("Add a note explaining the outcome.")
    check_transition(issue, targets[outcome])
    if outcome == Outcome.RESOLVED:
        close_referral(referral, outcome=outcome, note=note, by=by)
    else:
        # Returned: the issue stays with this forum, off the agenda, until the submitter
        # answers; the timeline keeps which item it was returned from.
        minute_outcome(referral, Outcome.RETURNED.label, note=note, by=by)
        referral.agenda_item = None
        referral.save(update_fields=["agenda_item"])
    kind = EventKind.RESOLVED if outcome == Outcome.RESOLVED else EventKind.INFO_REQUESTED
    move_issue(
        issue,
        targets[outcome],
        by=by,
        kind=kind,
        forum=referral.forum,
        agenda_item=agenda_item,
        note=note,
    )
    tell_watchers(issue, subject=Outcome(outcome).label, body=note)
    return issue


def _discussed(issue: PracticeIssue, referral: Referral, *, note: str, by) -> PracticeIssue:
    if referral.purpose != ReferralPurpose.REFLECT:
        raise TransitionNotAllowed("Only a response for reflection can be marked as discussed.")
    close_referral(referral, outcome=Outcome.DISCUSSED, note=note, by=by)
    previous = issue.status
    if referral.forum_id == issue.origin_forum_id:
        move_issue(
            issue,
            IssueStatus.CLOSED,
            by=by,
            kind=EventKind.CLOSED,
            forum=referral.forum,
            agenda_item=referral.agenda_item,
            note=note or f"{referral.forum.name} reflected on the response.",
        )
        tell_watchers(
            issue,
            subject="The loop is closed",
            body=f"{referral.forum.name} has discussed the response. {note}",
        )
    else:
        log_event(
            issue,
            actor=by,
            kind=EventKind.DISCUSSED,
            from_status=previous,
            to_status=previous,
            forum=referral.forum,
            agenda_item=referral.agenda_item,
            note=note or f"{referral.forum.name} reflected on the response.",
        )
    return issue


@transaction.atomic
def mark_discussed(agenda_item: AgendaItem, *, by, note: str = "") -> PracticeIssue:
    """A CFSN has reflected on a response; where the issue began, this closes the loop."""
    return record_outcome(agenda_item, outcome=Outcome.DISCUSSED, note=note, by=by)


@transaction.atomic
def place_waiting_referrals(meeting: Meeting) -> int:
    """A newly published meeting takes the forum's waiting escalations and carry-overs."""
    if meeting.status != MeetingStatus.PUBLISHED or meeting.start <= timezone.now():
        return 0
    waiting = (
        Referral.objects.select_for_update(of=("self",))
        .filter(forum=meeting.forum, left_at__isnull=True, auto_place=True)
        .exclude(issue__status=IssueStatus.INFO_REQUESTED)
        .select_related("issue", "agenda_item__meeting")
        .order_by("entered_at", "id")
    )
    placed = 0
    for referral in waiting:
        current = referral.agenda_item
        if current is not None and current.meeting.status in (
            MeetingStatus.DRAFT,
            MeetingStatus.PUBLISHED,
        ):
            continue
        referral.issue = _lock_issue(referral.issue)
        route_referral(referral, meeting, by=None)
        placed += 1
    return placed


@transaction.atomic
def carry_over_unfinished(meeting: Meeting) -> int:
    """Items of a held or cancelled meeting left without an outcome go to the next meeting."""
    unfinished = (
        Referral.objects.select_for_update(of=("self",))
        .filter(agenda_item__meeting=meeting, left_at__isnull=True)
        .select_related("issue", "forum")
    )
    moved = 0
    for referral in unfinished:
        referral.issue = _lock_issue(referral.issue)
        referral.auto_place = True
        referral.save(update_fields=["auto_place"])
        route_referral(
            referral,
            next_open_meeting(referral.forum, after=meeting),
            by=None,
            kind=EventKind.CARRIED_OVER,
            note=f"Not reached at {meeting.title}"
            f"{' (cancelled)' if meeting.status == MeetingStatus.CANCELLED else ''}; "
            "carried over automatically.",
        )
        moved += 1
    return moved


@transaction.atomic
def request_information(issue: PracticeIssue, *, forum: Forum, by, note: str) -> PracticeIssue:
    """Triage: ask the submitter for more information before the forum takes it up."""
    if not note.strip():
        raise TransitionNotAllowed("Say what information is needed.")
    issue = _lock_issue(issue)
    referral = _open_referral(issue, forum)
    if referral.agenda_item_id and issue.status == IssueStatus.ON_AGENDA:
        raise TransitionNotAllowed(
            "This issue is on a meeting's agenda: record the outcome there, or return it to "
            "the submitter at the meeting."
        )
    move_issue(
        issue,
        IssueStatus.INFO_REQUESTED,
        by=by,
        kind=EventKind.INFO_REQUESTED,
        forum=forum,
        note=note,
    )
    tell_watchers(issue, subject="More information requested", body=note)
    return issue


@transaction.atomic
def decline_issue(issue: PracticeIssue, *, forum: Forum, by, reason: str) -> PracticeIssue:
    """Triage: the forum will not take the issue up, and says why."""
    if not reason.strip():
        raise TransitionNotAllowed("Give the reason for declining.")
    issue = _lock_issue(issue)
    referral = _open_referral(issue, forum)
    check_transition(issue, IssueStatus.DECLINED)
    close_referral(referral, outcome=Outcome.DECLINED, note=reason, by=by)
    move_issue(
        issue, IssueStatus.DECLINED, by=by, kind=EventKind.DECLINED, forum=forum, note=reason
    )
    tell_watchers(issue, subject=f"Declined by {forum.name}", body=reason)
    return issue


@transaction.atomic
def merge_issues(duplicate: PracticeIssue, *, into: PracticeIssue, by) -> PracticeIssue:
    """Fold a duplicate into its primary issue; endorsements and watchers move with it."""
    if duplicate.pk == into.pk:
        raise TransitionNotAllowed("An issue cannot be merged into itself.")
    first, second = sorted([duplicate.pk, into.pk])
    locked = {
        i.pk: i
        for i in PracticeIssue.objects.select_for_update()
        .filter(pk__in=[first, second])
        .order_by("pk")
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if into.status not in ACTIVE_STATUSES:
        raise TransitionNotAllowed("Choose a primary issue that is still open.")
    if into.restricted and not duplicate.restricted:
        raise TransitionNotAllowed(
            "A public issue cannot be merged into a restricted one: its supporters could "
            "no longer follow it."
        )
    check_transition(duplicate, IssueStatus.MERGED)
    supporters = set(duplicate.endorsements.values_list("user_id", flat=True))
    supporters.add(duplicate.raised_by_id)
    for user_id in supporters - {into.raised_by_id}:
        Endorsement.objects.get_or_create(issue=into, user_id=user_id)
    watchers = set(duplicate.watches.values_list("user_id", flat=True)) | supporters
    for user_id in watchers:
        Watch.objects.get_or_create(issue=into, user_id=user_id)
    duplicate.endorsements.all().delete()
    for referral in duplicate.referrals.select_for_update().filter(left_at__isnull=True):
        close_referral(
            referral, outcome=Outcome.MERGED, note=f"Merged into {into.reference}", by=by
        )
    duplicate.merged_into = into
    move_issue(
        duplicate,
        IssueStatus.MERGED,
        by=by,
        kind=EventKind.MERGED,
        forum=duplicate.current_forum,
        note=f"Merged into {into.reference}: {into.title}",
        fields=("merged_into",),
    )
    tell_watchers(
        duplicate,
        subject=f"Merged into {into.reference}",
        body=f"Follow “{into.title}” from now on.",
    )
    return duplicate
