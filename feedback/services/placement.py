"""Placement: moving an issue's agenda item to a later meeting of the same forum."""

from django.db import transaction
from django.utils.translation import gettext

from forums.exceptions import ForumActionRefused
from forums.models import AgendaItem, Meeting
from forums.services.agenda import relocate_agenda_item

from ..choices import EventKind
from ..exceptions import TransitionNotAllowed
from ..models import Referral
from .common import log_event, tell_watchers
from .routing import _when, locked_referral_on, meeting_as_told


@transaction.atomic
def move_to_later_meeting(agenda_item: AgendaItem, *, meeting: Meeting, by) -> Referral:
    """Move an issue's item to a later open meeting of its forum in one step: the referral
    takes a new item there, the old one leaves the agenda; one event, watchers told."""
    referral = locked_referral_on(
        agenda_item,
        related=("agenda_item__meeting__forum", "forum"),
        gone=gettext("No open practice issue is on this agenda item."),
    )
    issue = referral.issue
    old = referral.agenda_item
    try:
        new = relocate_agenda_item(old, meeting=meeting, by=by)
    except ForumActionRefused as exc:
        raise TransitionNotAllowed(str(exc)) from exc
    referral.agenda_item = new
    referral.save(update_fields=["agenda_item"])
    where = f"{meeting.title}, {_when(meeting)}"
    log_event(
        issue,
        actor=by,
        kind=EventKind.PLACED,
        from_status=issue.status,
        to_status=issue.status,
        forum=referral.forum,
        agenda_item=new,
        note=gettext("Moved from %(old)s to %(where)s.")
        % {"old": meeting_as_told(old.meeting), "where": where},
    )
    tell_watchers(
        issue,
        subject=gettext("Moved to %(forum)s on %(when)s")
        % {"forum": referral.forum.name, "when": _when(meeting)},
        body=gettext("“%(title)s” will now be discussed at %(meeting)s.")
        % {"title": issue.title, "meeting": meeting.title},
    )
    return referral
