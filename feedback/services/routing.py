"""Routing: issues move onto agendas, between tiers and back down the loop."""

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from cop_portal.kept import forgetting_once
from forums.choices import (
    COMING_MEETING_STATUSES,
    NEXT_TIER,
    AgendaItemKind,
    MeetingStatus,
    Tier,
)
from forums.exceptions import ForumActionRefused
from forums.models import AgendaItem, Forum, Meeting
from forums.services.agenda import add_agenda_item, add_agenda_items, warn_if_over_time
from forums.services.minutes import record_item_decision
from members.choices import NotificationKind
from practice.models import GuidanceItem

from ..choices import (
    ACTIVE_STATUSES,
    OUT_OF_SESSION_LABEL,
    OUT_OF_SESSION_OUTCOMES,
    EventKind,
    IssueStatus,
    Outcome,
    ReferralPurpose,
)
from ..exceptions import TransitionNotAllowed
from ..kept import issues_changed
from ..models import Endorsement, IssueEvent, MergeRecord, PracticeIssue, Referral, Watch
from .advice import tell_leads
from .common import (
    check_transition,
    log_event,
    move_issue,
    tell,
    tell_watchers,
    tell_watchers_of_each,
)
from .counters import refresh_counts, removing_counted_rows
from .guidance import citable, resolved_by_line


def next_open_meeting(forum: Forum, *, after: Meeting | None = None) -> Meeting | None:
    """The forum's next published meeting that still takes agenda items."""
    meetings = Meeting.objects.open_for_items().filter(forum=forum).order_by("start", "id")
    if after is not None:
        meetings = meetings.exclude(pk=after.pk).filter(start__gt=after.start)
    return meetings.first()


def _lock_issue(issue: PracticeIssue) -> PracticeIssue:
    return PracticeIssue.objects.select_for_update().get(pk=issue.pk)


def close_referral(
    referral: Referral, *, outcome: str, note: str, by, at=None, out_of_session_reason: str = ""
) -> None:
    """End an issue's stay at a forum with its outcome; the caller holds the row lock.

    The outcome goes into the minutes too: of the meeting where it was decided, or, for an
    out-of-session decision, of the forum's next meeting, which notes it."""
    referral.outcome = outcome
    referral.outcome_note = note
    referral.outcome_by = by
    referral.out_of_session = bool(out_of_session_reason)
    referral.out_of_session_reason = out_of_session_reason
    referral.left_at = at or timezone.now()
    referral.save(
        update_fields=[
            "outcome",
            "outcome_note",
            "outcome_by",
            "out_of_session",
            "out_of_session_reason",
            "left_at",
        ]
    )
    minute_outcome(
        referral,
        Outcome(outcome).label,
        note=note,
        by=by,
        out_of_session_reason=out_of_session_reason,
    )


def minute_outcome(
    referral: Referral, label: str, *, note: str, by, out_of_session_reason: str = ""
) -> None:
    """Write what the forum decided about the issue into the agenda item's minutes."""
    item = referral.agenda_item
    issue = referral.issue
    if out_of_session_reason:
        label = gettext("%(out_of_session)s of %(when)s: %(outcome)s") % {
            "out_of_session": OUT_OF_SESSION_LABEL,
            "when": _when(timezone.now()),
            "outcome": label,
        }
        note = (
            gettext("%(note)s Reason: %(reason)s") % {"note": note, "reason": out_of_session_reason}
        ).strip()
        if item is None or item.meeting.status != MeetingStatus.PUBLISHED:
            item = _noting_item(referral, by=by)
    if item is None or item.meeting.status not in (
        MeetingStatus.PUBLISHED,
        MeetingStatus.COMPLETED,
    ):
        return
    # Minutes can be read by anyone once published: a restricted issue gets no details.
    detail = "" if issue.restricted or not note else f" {note}"
    try:
        record_item_decision(item, by=by, text=f"{issue.reference}: {label}.{detail}")
    except ForumActionRefused as refused:
        raise TransitionNotAllowed(str(refused)) from refused


def _noting_item(referral: Referral, *, by) -> AgendaItem | None:
    """An out-of-session decision is noted at the forum's next meeting, on an item of its own."""
    meeting = next_open_meeting(referral.forum)
    if meeting is None:
        return None
    issue = referral.issue
    title = restricted_title(issue)
    return add_agenda_item(
        meeting,
        by=by,
        title=(
            gettext("%(out_of_session)s to note: %(title)s")
            % {"out_of_session": OUT_OF_SESSION_LABEL, "title": title}
        )[:200],
        kind=AgendaItemKind.DECISION,
        minutes_allotted=5,
    )


def refuse_before_start(meeting: Meeting) -> None:
    """Outcomes are recorded at a meeting that has started; before that, nothing changes."""
    if meeting.takes_outcomes:
        return
    if meeting.status == MeetingStatus.CANCELLED:
        raise TransitionNotAllowed(
            gettext("%(meeting)s was cancelled: nothing can be decided at it.")
            % {"meeting": meeting.title}
        )
    if meeting.status == MeetingStatus.DRAFT:
        raise TransitionNotAllowed(
            gettext(
                "%(meeting)s has not been published yet: outcomes are recorded once a "
                "published meeting has started."
            )
            % {"meeting": meeting.title}
        )
    raise TransitionNotAllowed(
        gettext(
            "%(meeting)s has not started yet (it starts %(when)s): "
            "record the outcome once the meeting has started, or, between meetings, as an "
            "out-of-session decision with a reason."
        )
        % {"meeting": meeting.title, "when": _when(meeting.start, time=True)}
    )


def check_decision_moment(referral: Referral, *, out_of_session_reason: str) -> None:
    """At a meeting that has started, or between meetings with a reason; never both."""
    item = referral.agenda_item
    meeting = Meeting.objects.get(pk=item.meeting_id) if item is not None else None
    if out_of_session_reason.strip():
        if meeting is not None and meeting.takes_outcomes:
            raise TransitionNotAllowed(
                gettext(
                    "%(meeting)s has started and has this issue on its agenda: record the "
                    "outcome there, not out of session."
                )
                % {"meeting": meeting.title}
            )
        return
    if meeting is None:
        raise TransitionNotAllowed(
            gettext(
                "This issue is not on the agenda of a meeting of %(forum)s: record "
                "the decision at a meeting that has started, or out of session with a reason."
            )
            % {"forum": referral.forum.name}
        )
    refuse_before_start(meeting)


def _open_referral(issue: PracticeIssue, forum: Forum) -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .filter(issue=issue, forum=forum, left_at__isnull=True)
        .first()
    )
    if referral is None:
        raise TransitionNotAllowed(
            gettext("This issue is not with %(forum)s at the moment.") % {"forum": forum.name}
        )
    referral.issue = issue
    return referral


def _attach(referral: Referral, meeting: Meeting, *, by, warn: bool = True) -> AgendaItem:
    """Add the referral's item at the forum's default length for its kind; when that takes
    the meeting over time, the facilitators are told (unless the caller warns once for a
    batch)."""
    try:
        [item] = add_agenda_items(meeting, [_item_for(referral)], by=by)
    except ForumActionRefused as refused:
        # The meeting was cancelled or held since the page offering it was drawn: said as
        # the loop's own refusal, which its pages show next to the choice.
        raise TransitionNotAllowed(str(refused)) from refused
    referral.agenda_item = item
    referral.save(update_fields=["agenda_item"])
    if warn:
        warn_if_over_time(item)
    return item


def _item_for(referral: Referral) -> AgendaItem:
    """The agenda item that brings the referral to a meeting, not yet added to one."""
    issue = referral.issue
    reflect = referral.purpose == ReferralPurpose.REFLECT
    # An agenda is read by people who may not see a restricted issue: it shows only the
    # reference there, and the issue page shows the rest to those allowed.
    title = restricted_title(issue)
    if reflect:
        title = gettext("Response for reflection: %(title)s") % {"title": title}
    return AgendaItem(
        title=title,
        kind=AgendaItemKind.RESPONSE if reflect else AgendaItemKind.PRACTICE_ISSUE,
        minutes_allotted=None,
        description="" if issue.restricted else (referral.summary or issue.description[:500]),
        carried_over_from=referral.agenda_item,
    )


def restricted_title(issue: PracticeIssue) -> str:
    """The issue's title, or only its reference where the issue is restricted."""
    if issue.restricted:
        return gettext("Restricted practice issue %(reference)s") % {"reference": issue.reference}
    return issue.title


def _when(moment, *, time: bool = False) -> str:
    """A meeting's (or a moment's) date as people write it, with the time when asked."""
    moment = moment.start if isinstance(moment, Meeting) else moment
    local = timezone.localtime(moment)
    return local.strftime("%-d %B %Y, %-I:%M %p" if time else "%-d %B %Y")


def place_referral(referral: Referral, meeting: Meeting | None, *, by, warn: bool = True) -> str:
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
        return gettext("Waiting for the next meeting of %(forum)s.") % {
            "forum": referral.forum.name
        }
    _attach(referral, meeting, by=by, warn=warn)
    return _on_agenda_of(referral, meeting)


def _on_agenda_of(referral: Referral, meeting: Meeting) -> str:
    """Where a referral placed on the meeting is now, as its issue's timeline says it."""
    if meeting.status == MeetingStatus.DRAFT:
        # A draft meeting is for those who run its forum: the timeline does not name it.
        return gettext("On the agenda of a meeting of %(forum)s being prepared.") % {
            "forum": referral.forum.name
        }
    return gettext("On the agenda of %(meeting)s, %(when)s.") % {
        "meeting": meeting.title,
        "when": _when(meeting),
    }


def route_referral(
    referral: Referral,
    meeting: Meeting | None,
    *,
    by,
    kind=EventKind.PLACED,
    note: str = "",
    warn: bool = True,
) -> Meeting | None:
    """Place the referral (or queue it), write the one event and tell the watchers."""
    issue = referral.issue
    previous = issue.status
    where = place_referral(referral, meeting, by=by, warn=warn)
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
    subject, body = _placed_notice(referral, meeting)
    tell_watchers(issue, subject=subject, body=body)
    return meeting


def _placed_notice(referral: Referral, meeting: Meeting) -> tuple[str, str]:
    """The subject and body of the notice telling the issue's watchers where it was placed."""
    if meeting.status == MeetingStatus.DRAFT:
        # Its title and date are for those who run the forum until it is published.
        subject = gettext("On a coming agenda of %(forum)s")
        body = gettext(
            "“%(title)s” is on the agenda of a meeting of %(forum)s being prepared: the "
            "issue's page names the meeting once it is published."
        )
    elif referral.purpose == ReferralPurpose.REFLECT:
        subject = gettext("Response for reflection at %(forum)s on %(when)s")
        body = gettext("The response to “%(title)s” will be discussed at %(meeting)s.")
    else:
        subject = gettext("On the agenda of %(forum)s on %(when)s")
        body = gettext("“%(title)s” will be discussed at %(meeting)s.")
    said = {
        "forum": referral.forum.name,
        "when": _when(meeting),
        "title": referral.issue.title,
        "meeting": meeting.title,
    }
    return subject % said, body % said


def _place_together(
    stays: list[Referral], meeting: Meeting, *, kind=EventKind.PLACED, note: str = ""
) -> list[AgendaItem]:
    """Place stays of the meeting's forum (issues locked) on its agenda together, as
    route_referral places each without warning, in a few queries however many (a State-wide
    meeting may take hundreds); returns their items, in order."""
    # Each stay's issue moves as it would placed one after another: (from, to) for each.
    moves, considered, now = [], {}, timezone.now()
    for stay in stays:
        issue, was = stay.issue, stay.issue.status
        if stay.purpose == ReferralPurpose.CONSIDER:
            check_transition(issue, IssueStatus.ON_AGENDA)
            issue.status, issue.current_forum, issue.updated_at = (
                IssueStatus.ON_AGENDA,
                meeting.forum,
                now,
            )
            considered[issue.pk] = issue
        moves.append((was, issue.status))
    try:
        items = add_agenda_items(meeting, [_item_for(stay) for stay in stays], by=None)
    except ForumActionRefused as refused:
        # Said as the loop's own refusal, as _attach says it.
        raise TransitionNotAllowed(str(refused)) from refused
    if considered:
        PracticeIssue.objects.filter(pk__in=list(considered)).update(
            status=IssueStatus.ON_AGENDA, current_forum=meeting.forum, updated_at=now
        )
    for stay, item in zip(stays, items, strict=True):
        stay.agenda_item = item
    # Three parameters a stay, and PostgreSQL takes at most 65,535 in one statement.
    Referral.objects.bulk_update(stays, ["agenda_item"], batch_size=1000)
    IssueEvent.objects.bulk_create(
        IssueEvent(
            issue=stay.issue,
            actor=None,
            kind=kind,
            from_status=was,
            to_status=now_is,
            forum=stay.forum,
            agenda_item=stay.agenda_item,
            note=note or _on_agenda_of(stay, meeting),
        )
        for stay, (was, now_is) in zip(stays, moves, strict=True)
    )
    # Rows written together send no signals: what the issues' and the forum's pages show
    # of them is forgotten here, as their receivers would (feedback.receivers).
    issues_changed(*(stay.issue_id for stay in stays), also_forum=meeting.forum_id)
    tell_watchers_of_each([(stay.issue, *_placed_notice(stay, meeting)) for stay in stays])
    return items


@transaction.atomic
def place_on_agenda(issue: PracticeIssue, *, meeting: Meeting, by) -> PracticeIssue:
    """Triage: put a queued issue on one of its forum's coming meetings."""
    issue = _lock_issue(issue)
    referral = _open_referral(issue, meeting.forum)
    if referral.agenda_item_id and referral.agenda_item.meeting.status in COMING_MEETING_STATUSES:
        raise TransitionNotAllowed(
            gettext("This issue is already on the agenda of %(meeting)s.")
            % {"meeting": referral.agenda_item.meeting.title}
        )
    if meeting.status not in COMING_MEETING_STATUSES or meeting.is_past:
        raise TransitionNotAllowed(gettext("Choose a meeting that has not happened yet."))
    if meeting.is_learning_session:
        raise TransitionNotAllowed(
            gettext("%(meeting)s is a learning session: it does not take practice issues.")
            % {"meeting": meeting.title}
        )
    route_referral(referral, meeting, by=by)
    return issue


@transaction.atomic
def escalate_issue(
    issue: PracticeIssue,
    *,
    by,
    summary: str,
    rationale: str,
    agenda_item: AgendaItem | None = None,
    note: str = "",
    out_of_session_reason: str = "",
) -> Referral:
    """Refer the issue from its forum to the next tier's forum, onto its next open meeting.

    Decided at a meeting that has started, or out of session with a reason. Pressed twice
    at once, the second call finds the first's referral and is refused."""
    if not summary.strip() or not rationale.strip():
        raise TransitionNotAllowed(gettext("An escalation needs a summary and a rationale."))
    reason = out_of_session_reason.strip()
    issue = _lock_issue(issue)
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("forum", "agenda_item")
        .filter(issue=issue, left_at__isnull=True, purpose=ReferralPurpose.CONSIDER)
    )
    if agenda_item is not None:
        current = current.filter(agenda_item=agenda_item)
    referral = current.first()
    movable = (IssueStatus.ON_AGENDA, IssueStatus.QUEUED) if reason else (IssueStatus.ON_AGENDA,)
    if referral is None or issue.status not in movable:
        raise TransitionNotAllowed(gettext("This issue has already moved on from this agenda."))
    if referral.forum.tier == Tier.STRATEGIC:
        raise TransitionNotAllowed(
            gettext(
                "The Strategic Leadership Forum answers an issue with a response, not an "
                "escalation."
            )
        )
    check_decision_moment(referral, out_of_session_reason=reason)
    next_forum = Forum.objects.get(tier=NEXT_TIER[referral.forum.tier])
    # The note typed with the outcome is kept with the stay it ends, before the summary.
    kept = "\n".join(part for part in (note.strip(), summary.strip()) if part)
    close_referral(
        referral, outcome=Outcome.ESCALATED, note=kept, by=by, out_of_session_reason=reason
    )
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
        raise TransitionNotAllowed(
            gettext("This issue is already with %(forum)s.") % {"forum": next_forum.name}
        ) from exc
    previous = issue.status
    onward.issue = issue
    where = place_referral(onward, next_open_meeting(next_forum), by=by)
    lines = [
        gettext("Escalated to %(forum)s. %(summary)s")
        % {"forum": next_forum.name, "summary": summary},
        gettext("Why: %(rationale)s") % {"rationale": rationale},
    ]
    if note.strip():
        lines.append(gettext("Note: %(note)s") % {"note": note.strip()})
    if reason:
        lines.append(out_of_session_reason_line(reason))
    lines.append(where)
    log_event(
        issue,
        actor=by,
        kind=EventKind.ESCALATED,
        from_status=previous,
        to_status=issue.status,
        forum=referral.forum,
        agenda_item=None if reason else referral.agenda_item,
        note="\n".join(lines),
        out_of_session=bool(reason),
    )
    # The watchers and the next forum's facilitators hear of it once each.
    tell(
        issue,
        subject=gettext("Escalated to %(forum)s") % {"forum": next_forum.name},
        body=f"{summary}\n{where}",
        facilitators_of=[next_forum],
        kind=NotificationKind.ESCALATION,
    )
    tell_leads(
        issue,
        by=by,
        event=gettext("escalated to %(forum)s") % {"forum": next_forum.name},
        forum=next_forum,
    )
    return onward


def locked_referral_on(
    agenda_item: AgendaItem, *, related: tuple[str, ...] = ("forum",), gone: str = ""
) -> Referral:
    """The open stay on the item, locked with its issue; TransitionNotAllowed saying `gone`
    when there is none."""
    # Lock the issue before its referral, the order every service uses, so two people
    # acting on one issue at once wait for each other instead of deadlocking.
    gone = gone or gettext("An outcome has already been recorded for this item.")
    open_here = Referral.objects.filter(agenda_item=agenda_item, left_at__isnull=True)
    issue_id = open_here.values_list("issue_id", flat=True).first()
    if issue_id is None:
        raise TransitionNotAllowed(gone)
    issue = _lock_issue(PracticeIssue(pk=issue_id))
    referral = open_here.select_for_update(of=("self",)).select_related(*related).first()
    if referral is None:
        raise TransitionNotAllowed(gone)
    referral.issue = issue
    return referral


def _locked_issues_then_stays(stays: QuerySet[Referral]) -> list[Referral]:
    """The stays, locked after their issues (in one statement, in key order), as every
    service locks them, and still matching `stays` once locked; in `stays`' order."""
    issue_ids = list(stays.values_list("issue_id", flat=True))
    issues = {
        issue.pk: issue
        for issue in PracticeIssue.objects.select_for_update()
        .filter(pk__in=issue_ids)
        .order_by("pk")
    }
    locked = list(stays.select_for_update(of=("self",)).filter(issue_id__in=issue_ids))
    for referral in locked:
        referral.issue = issues[referral.issue_id]
    return locked


@transaction.atomic
def record_outcome(
    agenda_item: AgendaItem,
    *,
    outcome: str,
    note: str,
    by,
    summary: str = "",
    rationale: str = "",
    guidance: GuidanceItem | None = None,
) -> PracticeIssue:
    """A facilitator records what a meeting that has started decided about the issue on
    this item; before the meeting starts this is refused and nothing changes."""
    referral = locked_referral_on(agenda_item)
    refuse_before_start(Meeting.objects.get(pk=agenda_item.meeting_id))
    return _decide(
        referral.issue,
        referral,
        outcome=outcome,
        note=note,
        by=by,
        summary=summary,
        rationale=rationale,
        reason="",
        guidance=guidance,
    )


@transaction.atomic
def decide_out_of_session(
    issue: PracticeIssue,
    *,
    forum: Forum,
    outcome: str,
    reason: str,
    by,
    note: str = "",
    summary: str = "",
    rationale: str = "",
    guidance: GuidanceItem | None = None,
) -> PracticeIssue:
    """Between meetings a forum's chair or facilitator decides, giving the reason; the
    decision is labelled out of session on the timeline, the path and the minutes."""
    if not reason.strip():
        raise TransitionNotAllowed(gettext("Give the reason for deciding out of session."))
    if outcome not in OUT_OF_SESSION_OUTCOMES:
        raise TransitionNotAllowed(gettext("That decision cannot be taken out of session."))
    issue = _lock_issue(issue)
    referral = _open_referral(issue, forum)
    check_decision_moment(referral, out_of_session_reason=reason)
    return _decide(
        issue,
        referral,
        outcome=outcome,
        note=note,
        by=by,
        summary=summary,
        rationale=rationale,
        reason=reason.strip(),
        guidance=guidance,
    )


def _decide(
    issue: PracticeIssue,
    referral: Referral,
    *,
    outcome: str,
    note: str,
    by,
    summary: str,
    rationale: str,
    reason: str,
    guidance: GuidanceItem | None = None,
) -> PracticeIssue:
    """What was decided about the issue's stay at a forum; the caller checked when. Only a
    resolution may name the library item (in force) that resolved it."""
    agenda_item = referral.agenda_item
    if guidance is not None and outcome != Outcome.RESOLVED:
        raise TransitionNotAllowed(
            gettext("Only a resolved issue can name the guidance that resolved it.")
        )
    if outcome == Outcome.ESCALATED:
        if referral.purpose != ReferralPurpose.CONSIDER:
            raise TransitionNotAllowed(gettext("That outcome cannot be recorded for this item."))
        escalate_issue(
            issue,
            by=by,
            summary=summary,
            rationale=rationale,
            agenda_item=agenda_item,
            note=note,
            out_of_session_reason=reason,
        )
        return PracticeIssue.objects.get(pk=issue.pk)
    if outcome == Outcome.CARRIED_OVER and not reason:
        meeting = agenda_item.meeting
        minute_outcome(referral, Outcome.CARRIED_OVER.label, note=note, by=by)
        referral.auto_place = True
        referral.save(update_fields=["auto_place"])
        route_referral(
            referral,
            next_open_meeting(referral.forum, after=meeting),
            by=by,
            kind=EventKind.CARRIED_OVER,
            note=note
            or gettext("Not reached at %(meeting)s; carried over.") % {"meeting": meeting.title},
        )
        return issue
    if outcome == Outcome.DISCUSSED:
        return _discussed(issue, referral, note=note, by=by, reason=reason)
    targets = {Outcome.RESOLVED: IssueStatus.RESOLVED, Outcome.RETURNED: IssueStatus.INFO_REQUESTED}
    if outcome not in targets or referral.purpose != ReferralPurpose.CONSIDER:
        raise TransitionNotAllowed(gettext("That outcome cannot be recorded for this item."))
    if not note.strip():
        raise TransitionNotAllowed(gettext("Add a note explaining the outcome."))
    check_transition(issue, targets[outcome])
    if guidance is not None:
        (guidance,) = citable([guidance], lock=True)
        referral.resolved_by_guidance = guidance
        referral.save(update_fields=["resolved_by_guidance"])
        note = f"{note.strip()}\n{resolved_by_line(guidance)}."
    if outcome == Outcome.RESOLVED:
        close_referral(referral, outcome=outcome, note=note, by=by, out_of_session_reason=reason)
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
        agenda_item=None if reason else agenda_item,
        note=_with_reason(note, reason),
        out_of_session=bool(reason),
    )
    subject = str(Outcome(outcome).label)
    if reason:
        subject = gettext("%(outcome)s (%(out_of_session)s)") % {
            "outcome": subject,
            "out_of_session": OUT_OF_SESSION_LABEL.lower(),
        }
    tell_watchers(issue, subject=subject, body=note)
    return issue


def _with_reason(note: str, reason: str) -> str:
    if not reason:
        return note
    return "\n".join(part for part in (note.strip(), out_of_session_reason_line(reason)) if part)


def out_of_session_reason_line(reason: str) -> str:
    return gettext("%(out_of_session)s. Reason: %(reason)s") % {
        "out_of_session": OUT_OF_SESSION_LABEL,
        "reason": reason,
    }


def _discussed(
    issue: PracticeIssue, referral: Referral, *, note: str, by, reason: str = ""
) -> PracticeIssue:
    if referral.purpose != ReferralPurpose.REFLECT:
        raise TransitionNotAllowed(
            gettext("Only a response for reflection can be marked as discussed.")
        )
    close_referral(
        referral, outcome=Outcome.DISCUSSED, note=note, by=by, out_of_session_reason=reason
    )
    previous = issue.status
    item = None if reason else referral.agenda_item
    said = _with_reason(
        note or gettext("%(forum)s reflected on the response.") % {"forum": referral.forum.name},
        reason,
    )
    if referral.forum_id == issue.origin_forum_id:
        move_issue(
            issue,
            IssueStatus.CLOSED,
            by=by,
            kind=EventKind.CLOSED,
            forum=referral.forum,
            agenda_item=item,
            note=said,
            out_of_session=bool(reason),
        )
        tell_watchers(
            issue,
            subject=gettext("The loop is closed"),
            body=gettext("%(forum)s has discussed the response. %(note)s")
            % {"forum": referral.forum.name, "note": note},
        )
    else:
        log_event(
            issue,
            actor=by,
            kind=EventKind.DISCUSSED,
            from_status=previous,
            to_status=previous,
            forum=referral.forum,
            agenda_item=item,
            note=said,
            out_of_session=bool(reason),
        )
    return issue


@transaction.atomic
def mark_discussed(agenda_item: AgendaItem, *, by, note: str = "") -> PracticeIssue:
    """A CFSN has reflected on a response at a meeting that has started; where the issue
    began, this closes the loop."""
    return record_outcome(agenda_item, outcome=Outcome.DISCUSSED, note=note, by=by)


@transaction.atomic
def place_waiting_referrals(meeting: Meeting) -> int:
    """A newly published meeting takes the forum's waiting escalations and carry-overs, but
    none taken off the agenda of a meeting starting as late or later."""
    if (
        meeting.status != MeetingStatus.PUBLISHED
        or meeting.start <= timezone.now()
        or meeting.is_learning_session
    ):
        return 0
    waiting = (
        Referral.objects.filter(forum=meeting.forum, left_at__isnull=True, auto_place=True)
        .exclude(issue__status=IssueStatus.INFO_REQUESTED)
        .exclude(agenda_item__meeting__status__in=COMING_MEETING_STATUSES)
        .exclude(kept_off_until__gte=meeting.start)
        .select_related("agenda_item__meeting", "forum")
        .order_by("entered_at", "id")
    )
    waiting = _locked_issues_then_stays(waiting)
    if not waiting:
        return 0
    # What the pages show of them, and of the forum, is forgotten once the batch is
    # written, and not at all if it fails.
    with forgetting_once():
        items = _place_together(waiting, meeting)
    # One notice for the whole batch, naming the last item placed.
    warn_if_over_time(items[-1])
    return len(waiting)


@transaction.atomic
def carry_over_unfinished(meeting: Meeting) -> int:
    """Items of a held or cancelled meeting left without an outcome go to the next meeting."""
    unfinished = _locked_issues_then_stays(
        Referral.objects.filter(agenda_item__meeting=meeting, left_at__isnull=True).select_related(
            "forum", "agenda_item"
        )
    )
    if not unfinished:
        return 0
    # Each joins a meeting by itself from now on, if it has to wait.
    Referral.objects.filter(pk__in=[referral.pk for referral in unfinished]).update(auto_place=True)
    note = (
        gettext("Not reached at %(meeting)s (cancelled); carried over automatically.")
        if meeting.status == MeetingStatus.CANCELLED
        else gettext("Not reached at %(meeting)s; carried over automatically.")
    ) % {"meeting": meeting.title}
    # Each to its forum's next meeting taking items, the items of one meeting together.
    going: dict[int, list[Referral]] = {}
    targets: dict[int, Meeting | None] = {}
    for referral in unfinished:
        referral.auto_place = True
        if referral.forum_id not in targets:
            targets[referral.forum_id] = next_open_meeting(referral.forum, after=meeting)
        going.setdefault(referral.forum_id, []).append(referral)
    last_on: list[AgendaItem] = []
    # What the pages show of them, and of their forums, is forgotten once the batch is
    # written, and not at all if it fails.
    with forgetting_once():
        for forum_id, referrals in going.items():
            target = targets[forum_id]
            if target is None:
                for referral in referrals:
                    route_referral(
                        referral, None, by=None, kind=EventKind.CARRIED_OVER, note=note, warn=False
                    )
            else:
                items = _place_together(referrals, target, kind=EventKind.CARRIED_OVER, note=note)
                last_on.append(items[-1])
    # One notice per meeting the carried-over items went to, naming the last of them.
    for item in last_on:
        warn_if_over_time(item)
    return len(unfinished)


@transaction.atomic
def take_off_agenda(agenda_item: AgendaItem, *, by) -> PracticeIssue | None:
    """An item bringing an issue is taken off its agenda: the issue waits in its forum's
    queue again (an escalation or response still joins the next meeting published), and
    its watchers are told. None when the item brings no issue."""
    try:
        referral = locked_referral_on(agenda_item)
    except TransitionNotAllowed:
        return None
    issue, meeting = referral.issue, agenda_item.meeting
    said = {"meeting": meeting_as_told(meeting), "forum": referral.forum.name}
    # An escalation or response still joins a meeting by itself: a later one than this.
    referral.kept_off_until = meeting.start
    referral.save(update_fields=["kept_off_until"])
    route_referral(
        referral,
        None,
        by=by,
        note=gettext("Taken off the agenda of %(meeting)s; it waits in the queue of %(forum)s.")
        % said,
    )
    tell_watchers(
        issue,
        subject=gettext("Taken off the agenda of %(meeting)s")
        % {"meeting": meeting_as_told(meeting, when=False)},
        body=gettext("It waits in the queue of %(forum)s for its next meeting.") % said,
    )
    return issue


def meeting_as_told(meeting: Meeting, *, when: bool = True) -> str:
    """A meeting as an issue's timeline and notices name it, with its date when `when`: a
    draft one is for those who run its forum, and is not named."""
    if meeting.status == MeetingStatus.DRAFT:
        return gettext("a meeting of %(forum)s being prepared") % {"forum": meeting.forum.name}
    if not when:
        return meeting.title
    return gettext("%(meeting)s, %(when)s") % {"meeting": meeting.title, "when": _when(meeting)}


@transaction.atomic
def request_information(issue: PracticeIssue, *, forum: Forum, by, note: str) -> PracticeIssue:
    """Triage: ask the submitter for more information before the forum takes it up."""
    if not note.strip():
        raise TransitionNotAllowed(gettext("Say what information is needed."))
    issue = _lock_issue(issue)
    referral = _open_referral(issue, forum)
    if referral.agenda_item_id and issue.status == IssueStatus.ON_AGENDA:
        raise TransitionNotAllowed(
            gettext(
                "This issue is on a meeting's agenda: record the outcome there, or return it to "
                "the submitter at the meeting."
            )
        )
    move_issue(
        issue,
        IssueStatus.INFO_REQUESTED,
        by=by,
        kind=EventKind.INFO_REQUESTED,
        forum=forum,
        note=note,
    )
    tell_watchers(issue, subject=gettext("More information requested"), body=note)
    return issue


@transaction.atomic
def decline_issue(issue: PracticeIssue, *, forum: Forum, by, reason: str) -> PracticeIssue:
    """Triage: the forum will not take the issue up, and says why."""
    if not reason.strip():
        raise TransitionNotAllowed(gettext("Give the reason for declining."))
    issue = _lock_issue(issue)
    referral = _open_referral(issue, forum)
    check_transition(issue, IssueStatus.DECLINED)
    close_referral(referral, outcome=Outcome.DECLINED, note=reason, by=by)
    move_issue(
        issue, IssueStatus.DECLINED, by=by, kind=EventKind.DECLINED, forum=forum, note=reason
    )
    tell_watchers(
        issue, subject=gettext("Declined by %(forum)s") % {"forum": forum.name}, body=reason
    )
    return issue


def merged_name(issue: PracticeIssue) -> str:
    """One issue of a merge as the other's timeline and watchers name it: a restricted one
    by reference only."""
    if issue.restricted:
        return issue.reference
    return gettext("%(reference)s “%(title)s”") % {
        "reference": issue.reference,
        "title": issue.title,
    }


@transaction.atomic
def merge_issues(duplicate: PracticeIssue, *, into: PracticeIssue, by) -> PracticeIssue:
    """Fold a duplicate into its primary issue; endorsements and watchers move with it."""
    if duplicate.pk == into.pk:
        raise TransitionNotAllowed(gettext("An issue cannot be merged into itself."))
    first, second = sorted([duplicate.pk, into.pk])
    locked = {
        i.pk: i
        for i in PracticeIssue.objects.select_for_update()
        .filter(pk__in=[first, second])
        .order_by("pk")
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if into.status not in ACTIVE_STATUSES:
        raise TransitionNotAllowed(gettext("Choose a primary issue that is still open."))
    if into.restricted and not duplicate.restricted:
        raise TransitionNotAllowed(
            gettext(
                "A public issue cannot be merged into a restricted one: its supporters could "
                "no longer follow it."
            )
        )
    check_transition(duplicate, IssueStatus.MERGED)
    # What moves is recorded, so that unmerge_issue can put back exactly this.
    record = MergeRecord(
        duplicate=duplicate,
        into=into,
        previous_status=duplicate.status,
        previous_forum_id=duplicate.current_forum_id,
        merged_by=by,
    )
    endorsed = list(
        duplicate.endorsements.order_by("pk").values_list("user_id", "created_at", "pk")
    )
    # Each with its id, so that undoing this merge can point an earlier merge's record of
    # what it added to this issue at the endorsement put back (unmerge_issue).
    record.removed_endorsements = [[user_id, at.isoformat(), pk] for user_id, at, pk in endorsed]
    supporters = {user_id for user_id, _at, _pk in endorsed} | {duplicate.raised_by_id}
    for user_id in sorted(supporters - {into.raised_by_id}):
        endorsement, added = Endorsement.objects.get_or_create(issue=into, user_id=user_id)
        if added:
            record.added_endorsement_ids.append(endorsement.pk)
    watchers = set(duplicate.watches.values_list("user_id", flat=True)) | supporters
    for user_id in sorted(watchers):
        watch, added = Watch.objects.get_or_create(issue=into, user_id=user_id)
        if added:
            record.added_watch_ids.append(watch.pk)
    with removing_counted_rows():
        duplicate.endorsements.all().delete()
    refresh_counts(duplicate.pk, into.pk)
    for referral in duplicate.referrals.select_for_update().filter(left_at__isnull=True):
        close_referral(
            referral,
            outcome=Outcome.MERGED,
            note=gettext("Merged into %(reference)s") % {"reference": into.reference},
            by=by,
        )
        record.closed_referral_ids.append(referral.pk)
    record.save()
    duplicate.merged_into = into
    move_issue(
        duplicate,
        IssueStatus.MERGED,
        by=by,
        kind=EventKind.MERGED,
        forum=duplicate.current_forum,
        # Read by everyone who may see the duplicate, who may not see a restricted primary.
        note=gettext("Merged into %(primary)s") % {"primary": merged_name(into)},
        fields=("merged_into",),
    )
    log_event(
        into,
        actor=by,
        kind=EventKind.MERGED,
        forum=into.current_forum,
        note=ngettext(
            "%(duplicate)s was merged into this issue; %(count)s endorsement came with it.",
            "%(duplicate)s was merged into this issue; %(count)s endorsements came with it.",
            record.endorser_count,
        )
        % {"duplicate": merged_name(duplicate), "count": record.endorser_count},
    )
    tell_watchers(
        duplicate,
        subject=gettext("Merged into %(reference)s") % {"reference": into.reference},
        body=gettext("Follow %(primary)s from now on.") % {"primary": merged_name(into)},
    )
    return duplicate
