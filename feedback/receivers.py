"""feedback answers the forums app's hand-offs, and keeps its counters when rows go around its
services."""

from functools import partial

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from cop_portal.kept import forget_forum, forget_issue, forget_names
from forums.models import AgendaItem, Forum, Meeting
from forums.selectors.agenda import referral_of
from forums.selectors.meetings import addresses_of
from forums.signals import (
    action_issue_links,
    agenda_item_issues,
    agenda_item_removing,
    meeting_cancelled,
    meeting_completed,
    meeting_published,
)
from members.models import Region, User
from practice.models import GuidanceItem

from .kept import issues_changed, issues_staying
from .models import Comment, Endorsement, IssueEvent, PracticeIssue, Referral, Response
from .selectors import carried_over_count
from .services.consultations import (
    carry_over_consultations,
    place_waiting_consultations,
    take_consultation_off_agenda,
)
from .services.counters import (
    issues_endorsed_by,
    recount_endorsed_by,
    recount_in_batches,
    recount_issues,
    recounted_by_caller,
)
from .services.routing import carry_over_unfinished, place_waiting_referrals, take_off_agenda


@receiver(post_delete, sender=Endorsement, dispatch_uid="feedback.recount_endorsements")
@receiver(post_delete, sender=Comment, dispatch_uid="feedback.recount_comments")
def on_counted_row_deleted(sender, instance, **kwargs) -> None:
    # The services recount as they add, move and remove; this catches what is removed
    # around them (the admin, an account deleted with its endorsements). Once committed,
    # since the issue itself may be on its way out in the same deletion.
    if not recounted_by_caller():
        transaction.on_commit(partial(recount_issues, instance.issue_id), robust=True)


@receiver(pre_save, sender=User, dispatch_uid="feedback.note_region_before")
def on_member_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    # The region as stored, to tell after saving whether it changed (by the profile form,
    # the admin, or anything else that saves the member); a save that names its fields and
    # not the region (a sign-in's last_login) cannot change it.
    if raw or instance.pk is None or (update_fields is not None and "region" not in update_fields):
        return
    instance._region_before = (
        User.objects.filter(pk=instance.pk).values_list("region_id", flat=True).first()
    )


@receiver(post_save, sender=User, dispatch_uid="feedback.recount_regions")
def on_member_saved(sender, instance, created, raw=False, **kwargs) -> None:
    missing = object()
    before = instance.__dict__.pop("_region_before", missing)
    if before is missing or before == instance.region_id:
        return
    # The issues they endorsed count endorsing regions: theirs moved.
    transaction.on_commit(partial(recount_endorsed_by, instance.pk), robust=True)


@receiver(pre_delete, sender=Region, dispatch_uid="feedback.recount_deleted_region")
def on_region_deleting(sender, instance, **kwargs) -> None:
    # Its members are left with no region by one UPDATE that saves no member, so the issues
    # they endorsed are found now and recounted once the deletion is committed.
    issue_ids = issues_endorsed_by(user__region=instance)
    if issue_ids:
        transaction.on_commit(partial(recount_in_batches, issue_ids), robust=True)


@receiver(meeting_published, dispatch_uid="feedback.place_waiting_referrals")
def on_meeting_published(sender, meeting, **kwargs) -> None:
    place_waiting_referrals(meeting)
    place_waiting_consultations(meeting)


@receiver(meeting_completed, dispatch_uid="feedback.carry_over_unfinished")
def on_meeting_completed(sender, meeting, **kwargs) -> None:
    carry_over_unfinished(meeting)
    carry_over_consultations(meeting)


@receiver(meeting_cancelled, dispatch_uid="feedback.carry_over_from_cancelled")
def on_meeting_cancelled(sender, meeting, **kwargs) -> None:
    carry_over_unfinished(meeting)
    carry_over_consultations(meeting)


@receiver(action_issue_links, dispatch_uid="feedback.issues_of_actions")
def on_action_issue_links(sender, actions, **kwargs) -> dict[int, tuple[str, str]]:
    """The issue each action serves: a response's own, else the issue of its agenda item.
    A restricted issue is named by its reference only."""
    by_item: dict[int, list[int]] = {}
    for action in actions:
        if action.agenda_item_id:
            by_item.setdefault(action.agenda_item_id, []).append(action.pk)
    links: dict[int, tuple[str, str]] = {}
    stays = Referral.objects.filter(agenda_item_id__in=by_item).select_related("issue")
    for referral in stays.only("agenda_item", *LINKED_ISSUE_FIELDS):
        for action_pk in by_item[referral.agenda_item_id]:
            links[action_pk] = _issue_link(referral.issue)
    responses = Response.objects.filter(action_item__in=[action.pk for action in actions])
    for response in responses.select_related("issue").only("action_item", *LINKED_ISSUE_FIELDS):
        links[response.action_item_id] = _issue_link(response.issue)
    return links


@receiver(agenda_item_removing, dispatch_uid="feedback.take_off_agenda")
def on_agenda_item_removing(sender, item, by, **kwargs) -> None:
    take_off_agenda(item, by=by)
    take_consultation_off_agenda(item, by=by)


@receiver(pre_delete, sender=Meeting, dispatch_uid="feedback.take_off_deleted_meeting")
def on_meeting_deleted(sender, instance, **kwargs) -> None:
    """A meeting deleted (in the admin: no service deletes one) sends the issues and
    consultations on its agenda back to wait for their forum's next meeting first, instead
    of leaving them "on the agenda" of nothing."""
    items = AgendaItem.objects.filter(meeting=instance).filter(
        Q(referral__isnull=False, referral__left_at__isnull=True)
        | Q(consultation_target__isnull=False, consultation_target__answered_at__isnull=True)
    )
    for item in items.order_by("position", "pk"):
        take_off_agenda(item, by=None)
        take_consultation_off_agenda(item, by=None, keep_answered=False)


@receiver(agenda_item_issues, dispatch_uid="feedback.issues_on_agenda")
def on_agenda_item_issues(sender, items, **kwargs) -> dict[int, dict]:
    """For each item bringing an open referral: how often its issue was carried over at
    the forum, and where it moves to a later meeting. An agenda's items come with their
    stays (forums.selectors.agenda.agenda_items): one query for those still open, none
    when there are none, as on a held meeting's agenda."""
    open_stays = [
        stay for stay in map(referral_of, items) if stay is not None and stay.left_at is None
    ]
    if not open_stays:
        return {}
    carried = Referral.objects.filter(pk__in=[stay.pk for stay in open_stays]).annotate(
        carried_over=carried_over_count()
    )
    move_url = addresses_of("feedback:agenda-item-later")
    return {
        item_pk: {"carried_over": count, "move_url": move_url(item_pk)}
        for item_pk, count in carried.values_list("agenda_item_id", "carried_over")
    }


# What naming an issue in a link reads.
LINKED_ISSUE_FIELDS = ("issue", "issue__title", "issue__restricted")


def _issue_link(issue) -> tuple[str, str]:
    label = issue.reference if issue.restricted else f"{issue.reference}: {issue.title}"
    return label, issue.get_absolute_url()


# --- Kept page parts ----------------------------------------------------------------------


@receiver((post_save, post_delete), sender=Referral, dispatch_uid="feedback.kept_parts_stay")
def on_stay_changed(sender, instance: Referral, raw=False, **kwargs) -> None:
    # A forum's queue and agendas show its stays, and an issue's page its path.
    if not raw:
        forget_forum(instance.forum_id)
        forget_issue(instance.issue_id)


@receiver(post_save, sender=PracticeIssue, dispatch_uid="feedback.kept_parts_issue")
def on_issue_changed(sender, instance: PracticeIssue, raw=False, **kwargs) -> None:
    # Its title, status and whether it is restricted show wherever it is named; at once,
    # since a restricted issue is named by its reference only.
    if not raw:
        issues_changed(instance.pk)


@receiver(post_save, sender=IssueEvent, dispatch_uid="feedback.kept_parts_issue_event")
def on_issue_event(sender, instance: IssueEvent, raw=False, **kwargs) -> None:
    # Every change to an issue made by a service writes one.
    if not raw:
        issues_changed(instance.issue_id, also_forum=instance.forum_id)


@receiver((post_save, post_delete), sender=Comment, dispatch_uid="feedback.kept_parts_comment")
def on_comment_changed(sender, instance: Comment, raw=False, **kwargs) -> None:
    if not raw:
        forget_issue(instance.issue_id)


@receiver((post_save, pre_delete), sender=Meeting, dispatch_uid="feedback.kept_parts_meeting")
def on_meeting_saved(sender, instance: Meeting, raw=False, **kwargs) -> None:
    # An issue's path and timeline name the meetings it was placed on, to those who may
    # see them.
    if not raw:
        issues_staying(instance.pk, "agenda_item__meeting", deleting=kwargs["signal"] is pre_delete)


@receiver(
    (post_save, pre_delete), sender=AgendaItem, dispatch_uid="feedback.kept_parts_agenda_item"
)
def on_agenda_item_saved(sender, instance: AgendaItem, raw=False, **kwargs) -> None:
    # Moved to another meeting, it takes its stay with it; deleted, the stay no longer names
    # it (deleted with its meeting, the meeting's own receiver has told its issues).
    origin = kwargs.get("origin")
    deleted_from = origin.model if isinstance(origin, QuerySet) else type(origin)
    if not raw and deleted_from not in (Meeting, Forum):
        issues_staying(instance.pk, "agenda_item", deleting=kwargs["signal"] is pre_delete)


@receiver(post_save, sender=GuidanceItem, dispatch_uid="feedback.kept_parts_guidance")
def on_guidance_saved(sender, instance: GuidanceItem, raw=False, **kwargs) -> None:
    # A stay resolved by a library item names it, and its successor once superseded: an
    # item renamed is named by stays resolved by it and by those resolved by its forerunner.
    if not raw:
        issues_staying(instance.pk, "resolved_by_guidance", "resolved_by_guidance__superseded_by")


@receiver(
    m2m_changed, sender=PracticeIssue.practice_areas.through, dispatch_uid="feedback.kept_areas"
)
def on_issue_areas_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    # An issue's page names its areas' leads. An area cleared of all its issues says not
    # which they were.
    if action in ("post_add", "post_remove", "post_clear"):
        if reverse and pk_set is None:
            forget_names()
        else:
            forget_issue(*(pk_set or ()) if reverse else (instance.pk,))
