import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from members.choices import NotificationKind
from members.services import is_still_a_member, notify

from ..choices import ActionStatus, ForumEventKind, MeetingStatus
from ..exceptions import ForumActionRefused, MinutesChangedMeanwhile
from ..models import ActionItem, AgendaItem, Decision, Meeting, Membership, MinutesRevision
from ..selectors.minutes import (
    changes_between,
    draft_minutes,
    entries_from_snapshot,
    latest_revision,
    same_minutes,
    snapshot_of,
)
from .agenda import notify_members
from .audit import record_event
from .matters import ensure_matters_arising_after
from .search import refresh_meeting_search

MINUTES_STATUSES = (MeetingStatus.PUBLISHED, MeetingStatus.COMPLETED)


def _locked_meeting_for_minutes(meeting: Meeting) -> Meeting:
    meeting = (
        Meeting.objects.select_related("forum").select_for_update(of=("self",)).get(pk=meeting.pk)
    )
    if meeting.status not in MINUTES_STATUSES:
        raise ForumActionRefused(
            gettext("Minutes cannot be kept for a %(status)s meeting.")
            % {"status": meeting.get_status_display().lower()}
        )
    return meeting


def _refuse_before_start(meeting: Meeting, message: str) -> None:
    """What a meeting decided is recorded once it has started: written earlier, it would be
    the record of a meeting that has not happened (and may yet be cancelled)."""
    if not meeting.has_started:
        raise ForumActionRefused(message)


def _keep_published_baseline(meeting: Meeting) -> None:
    """Minutes published before revisions were kept become revision 1, as published, so
    that a change made now does not reach readers before it is published."""
    if meeting.minutes_published_at is None or latest_revision(meeting) is not None:
        return
    MinutesRevision.objects.create(
        meeting=meeting,
        number=1,
        author=None,
        snapshot=snapshot_of(draft_minutes(meeting)),
        changes=gettext("As published before revisions were kept"),
        published_at=meeting.minutes_published_at,
    )


def _write_revision(meeting: Meeting, *, by, always: bool = False) -> MinutesRevision | None:
    """A new revision when the minutes differ from the last one (or, `always`, when there
    is none yet); called under the meeting's lock, which keeps the numbers in order."""
    entries = draft_minutes(meeting)
    latest = latest_revision(meeting)
    before = entries_from_snapshot(latest.snapshot) if latest else []
    if latest is not None and same_minutes(before, entries):
        return None
    if latest is None and not entries and not always:
        return None
    return MinutesRevision.objects.create(
        meeting=meeting,
        number=latest.number + 1 if latest else 1,
        author=by,
        snapshot=snapshot_of(entries),
        changes=changes_between(before, entries),
    )


def _refuse_changes_made_meanwhile(items, existing, *, notes_were, decisions_were) -> None:
    """Refuse when anything this person changed was changed by someone else since they read
    it (`*_were`: the texts as their form showed them), naming what it reads now."""

    def same(text: str, other: str) -> bool:
        # As the form reads texts: line breaks as LF, ends trimmed.
        def read(value: str) -> str:
            return value.replace("\r\n", "\n").replace("\r", "\n").strip()

        return read(text) == read(other)

    changed = {}
    for item in items:
        if item.pk in notes_were and not same(item.notes, notes_were[item.pk]):
            changed[f"notes_{item.pk}"] = item.notes
        decision = existing.get(item.pk)
        now = decision.text if decision else ""
        if item.pk in decisions_were and not same(now, decisions_were[item.pk]):
            changed[f"decision_{item.pk}"] = now
    if changed:
        raise MinutesChangedMeanwhile(
            ngettext(
                "Someone else changed one of the texts you changed since you opened the "
                "minutes: check it against what it reads now, then save again.",
                "Someone else changed %(count)d of the texts you changed since you opened the "
                "minutes: check them against what they read now, then save again.",
                len(changed),
            )
            % {"count": len(changed)},
            changed=changed,
        )


@transaction.atomic
def record_minutes(
    meeting: Meeting,
    *,
    by,
    notes: dict[int, str],
    decisions: dict[int, str],
    notes_were: dict[int, str] | None = None,
    decisions_were: dict[int, str] | None = None,
) -> Meeting:
    """Save the notes of the agenda items given and their decisions (empty text removes the
    decision); a change makes a new revision, which readers see once the minutes are
    published. Items not given are left as they are.

    `notes_were` and `decisions_were` are the texts as the person read them before changing
    them: when another change reached any of them meanwhile (an outcome recorded at the
    meeting, a colleague's edit), nothing is saved (MinutesChangedMeanwhile)."""
    meeting = _locked_meeting_for_minutes(meeting)
    _refuse_before_start(meeting, gettext("Minutes can be recorded once the meeting has started."))
    _keep_published_baseline(meeting)
    items = list(
        AgendaItem.objects.select_for_update().filter(meeting=meeting).order_by("position")
    )
    existing = {
        d.agenda_item_id: d
        for d in Decision.objects.select_for_update().filter(meeting=meeting).order_by("id")
    }
    _refuse_changes_made_meanwhile(
        items, existing, notes_were=notes_were or {}, decisions_were=decisions_were or {}
    )
    for item in items:
        text = notes.get(item.pk)
        if text is not None and text != item.notes:
            item.notes = text
            item.save(update_fields=["notes"])
        if item.pk not in decisions:
            continue
        decision_text = (decisions[item.pk] or "").strip()
        decision = existing.get(item.pk)
        if decision and not decision_text:
            decision.delete()
        elif decision and decision.text != decision_text:
            decision.text = decision_text
            decision.save(update_fields=["text"])
        elif decision is None and decision_text:
            Decision.objects.create(
                meeting=meeting, agenda_item=item, text=decision_text, recorded_by=by
            )
    revision = _write_revision(meeting, by=by)
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.MINUTES_RECORDED,
        meeting=meeting,
        note=f"Revision {revision.number}: {revision.changes}" if revision else "",
    )
    return meeting


@transaction.atomic
def publish_minutes(meeting: Meeting, *, by) -> Meeting:
    """Make the minutes, as they stand, the revision anyone signed in reads; every member
    is notified (on commit)."""
    meeting = _locked_meeting_for_minutes(meeting)
    if meeting.start > timezone.now():
        raise ForumActionRefused(gettext("Minutes can be published once the meeting has started."))
    republished = meeting.minutes_published_at is not None
    _keep_published_baseline(meeting)
    now = timezone.now()
    revision = _write_revision(meeting, by=by, always=True) or latest_revision(meeting)
    if revision.published_at is None:
        revision.published_at = now
        revision.save(update_fields=["published_at"])
    meeting.minutes_published_at = now
    meeting.save(update_fields=["minutes_published_at", "updated_at"])
    Decision.objects.filter(meeting=meeting).update(published_text=F("text"))
    refresh_meeting_search(meeting)
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.MINUTES_PUBLISHED,
        meeting=meeting,
        note=f"Revision {revision.number}",
    )
    ensure_matters_arising_after(meeting, by=by)
    subject = (
        gettext("Updated minutes: %(meeting)s") if republished else gettext("Minutes: %(meeting)s")
    ) % {"meeting": meeting}
    notify_members(
        meeting,
        subject=subject,
        body=gettext("The minutes of %(meeting)s are ready to read.") % {"meeting": meeting},
    )
    return meeting


@transaction.atomic
def add_action_item(
    meeting: Meeting,
    *,
    by,
    title: str,
    owner,
    due_date: dt.date,
    agenda_item: AgendaItem | None = None,
) -> ActionItem:
    """Give a forum member an action from a meeting; the owner is notified (on commit)."""
    meeting = _locked_meeting_for_minutes(meeting)
    _refuse_before_start(meeting, gettext("Actions are given at a meeting once it has started."))
    if not Membership.objects.filter(forum_id=meeting.forum_id, user=owner).exists():
        raise ForumActionRefused(gettext("An action's owner must be a member of the forum."))
    if not is_still_a_member(owner):
        raise ForumActionRefused(
            gettext("That person has left the portal: give the action to a current member.")
        )
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ForumActionRefused(gettext("That agenda item belongs to another meeting."))
    action = ActionItem.objects.create(
        forum=meeting.forum,
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        owner=owner,
        due_date=due_date,
        created_by=by,
    )
    record_event(
        meeting.forum,
        actor=by,
        kind=ForumEventKind.ACTION_CHANGED,
        meeting=meeting,
        note=f"Action for {owner}: {title}",
    )
    ensure_matters_arising_after(meeting, by=by)
    notify(
        owner,
        subject=gettext("New action: %(title)s") % {"title": title},
        body=gettext("From %(meeting)s, due %(due)s.")
        % {"meeting": meeting, "due": f"{due_date:%d %b %Y}"},
        url=meeting.get_absolute_url(),
        kind=NotificationKind.ACTION,
    )
    return action


@transaction.atomic
def update_action_status(action: ActionItem, *, by, status: str) -> ActionItem:
    """Change an action's status; done stamps completed_at, any other status clears it."""
    action = (
        ActionItem.objects.select_related("forum").select_for_update(of=("self",)).get(pk=action.pk)
    )
    if status not in ActionStatus.values:
        raise ForumActionRefused(gettext("Choose open, in progress, done or cancelled."))
    if action.follows_progress:
        raise ForumActionRefused(
            gettext(
                "'%(title)s' follows the progress its owner reports on the practice issue: "
                "post progress there."
            )
            % {"title": action.title}
        )
    before = action.get_status_display()
    action.status = status
    if status != ActionStatus.DONE:
        action.completed_at = None
    elif action.completed_at is None:
        action.completed_at = timezone.now()
    action.save(update_fields=["status", "completed_at"])
    record_event(
        action.forum,
        actor=by,
        kind=ForumEventKind.ACTION_CHANGED,
        meeting=action.meeting_id and action.meeting,
        note=f"{action.title}: {before} -> {action.get_status_display()}",
    )
    return action


@transaction.atomic
def record_item_decision(item: AgendaItem, *, by, text: str) -> Decision:
    """Add a line to an agenda item's decision (made if there is none yet) in the minutes,
    as a new revision that readers see once the minutes are published again."""
    meeting = _locked_meeting_for_minutes(item.meeting)
    _keep_published_baseline(meeting)
    decision = (
        Decision.objects.select_for_update().filter(meeting=meeting, agenda_item=item).first()
    )
    if decision is None:
        decision = Decision.objects.create(
            meeting=meeting, agenda_item=item, text=text, recorded_by=by
        )
    else:
        decision.text = f"{decision.text}\n{text}"
        decision.save(update_fields=["text"])
    _write_revision(meeting, by=by)
    record_event(
        meeting.forum, actor=by, kind=ForumEventKind.MINUTES_RECORDED, meeting=meeting, note=text
    )
    return decision
