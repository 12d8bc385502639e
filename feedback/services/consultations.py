"""Consultations down the tiers: opened by the State-wide or Strategic forum, placed on
each target forum's next open meeting (queue, carry-over, time budget), answered per forum
and summed up."""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from forums.choices import (
    COMING_MEETING_STATUSES,
    FACILITATING_ROLES,
    AgendaItemKind,
    MeetingStatus,
    Tier,
)
from forums.exceptions import ForumActionRefused
from forums.models import AgendaItem, Forum, Meeting, Membership
from forums.services.agenda import add_agenda_item, remove_agenda_item, warn_if_over_time
from forums.services.minutes import record_item_decision
from members.choices import NotificationKind
from members.models import User
from members.services import notify_many

from ..choices import AnswerSource, ConsultationEventKind, ConsultationStatus
from ..exceptions import TransitionNotAllowed
from ..models import (
    Consultation,
    ConsultationAnswer,
    ConsultationEvent,
    ConsultationQuestion,
    ConsultationTarget,
)
from .common import guard_privacy
from .routing import _when, meeting_as_told, next_open_meeting, refuse_before_start

MAX_QUESTIONS = 5
# Agenda item titles are at most 200 characters.
ITEM_TITLE_LENGTH = 200


def target_choices(from_forum: Forum):
    """Forums a consultation from this forum may go to: every Regional CFSN, and from the
    Strategic forum also the State-wide forum."""
    tiers = [Tier.REGIONAL]
    if from_forum.tier == Tier.STRATEGIC:
        tiers.append(Tier.STATEWIDE)
    return (
        Forum.objects.filter(tier__in=tiers)
        .exclude(pk=from_forum.pk)
        .select_related("region")
        .order_by("-tier", "name")
    )


def log_consultation_event(
    consultation: Consultation,
    *,
    kind: str,
    actor=None,
    forum: Forum | None = None,
    agenda_item: AgendaItem | None = None,
    note: str = "",
) -> ConsultationEvent:
    return ConsultationEvent.objects.create(
        consultation=consultation,
        kind=kind,
        actor=actor,
        forum=forum,
        agenda_item=agenda_item,
        note=note,
    )


def _facilitators(forums: Iterable[Forum]) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__forum__in=list(forums),
            memberships__role__in=FACILITATING_ROLES,
        )
        .distinct()
        .order_by("pk")
    )


def item_title(consultation: Consultation) -> str:
    return (gettext("Consultation: %(title)s") % {"title": consultation.title})[:ITEM_TITLE_LENGTH]


def place_target(
    target: ConsultationTarget,
    meeting: Meeting | None,
    *,
    by,
    kind: str = ConsultationEventKind.PLACED,
    note: str = "",
    warn: bool = True,
) -> AgendaItem | None:
    """Put the consultation on the meeting's agenda, or leave it waiting for the forum's
    next meeting; writes the one event. The caller holds the target's row lock."""
    consultation = target.consultation
    if meeting is None:
        # Off the agenda of a meeting held or cancelled: members may answer again until
        # the next meeting on it starts.
        if target.agenda_item_id is not None:
            target.agenda_item = None
            target.save(update_fields=["agenda_item"])
        where = gettext("Waiting for the next meeting of %(forum)s.") % {"forum": target.forum.name}
        log_consultation_event(
            consultation,
            kind=ConsultationEventKind.QUEUED if kind == ConsultationEventKind.PLACED else kind,
            actor=by,
            forum=target.forum,
            note=" ".join(part for part in (note, where) if part),
        )
        return None
    item = add_agenda_item(
        meeting,
        by=by,
        title=item_title(consultation),
        kind=AgendaItemKind.CONSULTATION,
        description=consultation.brief,
        carried_over_from=target.agenda_item,
    )
    target.agenda_item = item
    target.save(update_fields=["agenda_item"])
    where = gettext("On the agenda of %(meeting)s, %(when)s.") % {
        "meeting": meeting.title,
        "when": _when(meeting),
    }
    log_consultation_event(
        consultation,
        kind=kind,
        actor=by,
        forum=target.forum,
        agenda_item=item,
        note=" ".join(part for part in (note, where) if part),
    )
    if warn:
        warn_if_over_time(item)
    return item


def _check_targets(from_forum: Forum, forums: list[Forum]) -> None:
    if not forums:
        raise TransitionNotAllowed(gettext("Choose at least one forum to consult."))
    allowed = set(target_choices(from_forum).values_list("pk", flat=True))
    if any(forum.pk not in allowed for forum in forums):
        raise TransitionNotAllowed(
            gettext(
                "%(forum)s may consult the Regional CFSNs (and, from the Strategic Leadership "
                "Forum, the State-wide forum) only."
            )
            % {"forum": from_forum.name}
        )


@transaction.atomic
def open_consultation(
    from_forum: Forum,
    *,
    by,
    title: str,
    brief: str,
    questions: list[str],
    closes_on: dt.date,
    forums: Iterable[Forum],
) -> Consultation:
    """Send 1-5 questions to forums of the tiers below, each onto its next open meeting (or
    its queue); one OPENED event, one PLACED or QUEUED per forum; facilitators are told."""
    if from_forum.tier not in (Tier.STATEWIDE, Tier.STRATEGIC):
        raise TransitionNotAllowed(
            gettext("Only the State-wide and Strategic forums open consultations.")
        )
    questions = [text.strip() for text in questions if text and text.strip()]
    if not title.strip() or not brief.strip():
        raise TransitionNotAllowed(gettext("A consultation needs a title and a brief."))
    if not 1 <= len(questions) <= MAX_QUESTIONS:
        raise TransitionNotAllowed(gettext("Ask between one and five questions."))
    if closes_on <= timezone.localdate():
        raise TransitionNotAllowed(gettext("The closing date must be in the future."))
    forums = sorted(set(forums), key=lambda forum: forum.pk)
    _check_targets(from_forum, forums)
    guard_privacy(title, brief, *questions)
    consultation = Consultation.objects.create(
        title=title.strip(),
        brief=brief.strip(),
        from_forum=from_forum,
        closes_on=closes_on,
        opened_by=by,
        opened_at=timezone.now(),
    )
    ConsultationQuestion.objects.bulk_create(
        ConsultationQuestion(consultation=consultation, position=position, text=text)
        for position, text in enumerate(questions, start=1)
    )
    log_consultation_event(
        consultation,
        kind=ConsultationEventKind.OPENED,
        actor=by,
        forum=from_forum,
        note=gettext("Sent to %(count)s forums, closing %(date)s.")
        % {"count": len(forums), "date": f"{closes_on:%-d %B %Y}"},
    )
    for forum in forums:
        target = ConsultationTarget.objects.create(consultation=consultation, forum=forum)
        target.consultation, target.forum = consultation, forum
        item = place_target(target, next_open_meeting(forum), by=by)
        where = (
            gettext("It is on the agenda of %(meeting)s, %(when)s.")
            % {"meeting": item.meeting.title, "when": _when(item.meeting)}
            if item is not None
            else gettext("It will join the agenda of your next published meeting.")
        )
        notify_many(
            _facilitators([forum]),
            subject=gettext("Consultation from %(forum)s: %(title)s")
            % {"forum": from_forum.name, "title": consultation.title},
            body=gettext("%(brief)s\n\nPlease answer by %(date)s. %(where)s")
            % {
                "brief": consultation.brief,
                "date": f"{closes_on:%-d %B %Y}",
                "where": where,
            },
            url=consultation.get_absolute_url(),
            kind=NotificationKind.PRACTICE,
        )
    return consultation


def _takes_items(meeting: Meeting) -> bool:
    return Meeting.objects.open_for_items().filter(pk=meeting.pk).exists()


def _is_on_coming_agenda(target: ConsultationTarget) -> bool:
    if target.agenda_item_id is None:
        return False
    status = (
        AgendaItem.objects.filter(pk=target.agenda_item_id)
        .values_list("meeting__status", flat=True)
        .first()
    )
    return status in COMING_MEETING_STATUSES


def _lock_open_consultations(**where) -> None:
    """Lock the open consultations matching `where` before any of their targets, as every
    service locks them: one closing meanwhile is either closed first (and then neither
    placed nor carried over) or waits until the caller is done (and takes its items off
    again)."""
    list(
        Consultation.objects.select_for_update(of=("self",), no_key=True)
        .filter(status=ConsultationStatus.OPEN, **where)
        .order_by("pk")
        .only("pk")
    )


@transaction.atomic
def place_waiting_consultations(meeting: Meeting) -> int:
    """A newly published meeting takes the forum's open consultations waiting for one, but
    none taken off the agenda of a meeting starting as late or later; a target already on a
    coming agenda stays there, so running this twice places once."""
    if not _takes_items(meeting):
        return 0
    _lock_open_consultations(targets__forum=meeting.forum)
    waiting = (
        ConsultationTarget.objects.select_for_update(of=("self",))
        .filter(
            forum=meeting.forum,
            answered_at__isnull=True,
            consultation__status=ConsultationStatus.OPEN,
        )
        .exclude(kept_off_until__gte=meeting.start)
        .select_related("consultation", "forum")
        .order_by("entered_at", "id")
    )
    placed = None
    count = 0
    for target in waiting:
        # Read after the lock: a concurrent run may have placed it meanwhile.
        if _is_on_coming_agenda(target):
            continue
        placed = place_target(target, meeting, by=None, warn=False)
        count += 1
    if placed is not None:
        # One notice for the whole batch, naming the last item placed.
        warn_if_over_time(placed)
    return count


@transaction.atomic
def carry_over_consultations(meeting: Meeting) -> int:
    """Unanswered consultations of a held or cancelled meeting go to the forum's next open
    meeting (or wait for it); closed ones stay where they were."""
    _lock_open_consultations(targets__agenda_item__meeting=meeting)
    unanswered = (
        ConsultationTarget.objects.select_for_update(of=("self",))
        .filter(
            agenda_item__meeting=meeting,
            answered_at__isnull=True,
            consultation__status=ConsultationStatus.OPEN,
        )
        .select_related("consultation", "forum", "agenda_item")
        .order_by("entered_at", "id")
    )
    note = (
        gettext("Not reached at %(meeting)s (cancelled); carried over automatically.")
        if meeting.status == MeetingStatus.CANCELLED
        else gettext("Not answered at %(meeting)s; carried over automatically.")
    ) % {"meeting": meeting.title}
    moved = 0
    last_on: dict[int, AgendaItem] = {}
    for target in unanswered:
        item = place_target(
            target,
            next_open_meeting(target.forum, after=meeting),
            by=None,
            kind=ConsultationEventKind.CARRIED_OVER,
            note=note,
            warn=False,
        )
        if item is not None:
            last_on[item.meeting_id] = item
        moved += 1
    for item in last_on.values():
        warn_if_over_time(item)
    return moved


@transaction.atomic
def take_consultation_off_agenda(
    agenda_item: AgendaItem, *, by, keep_answered: bool = True
) -> ConsultationTarget | None:
    """A consultation's item is taken off its agenda: the consultation waits for the
    forum's next meeting published, and says so. None when the item brings none. Where the
    forum has answered there, the item is the record of it and is not taken off
    (ForumActionRefused), unless `keep_answered` is off (its meeting is being deleted)."""
    target = ConsultationTarget.objects.filter(agenda_item=agenda_item).first()
    if target is None:
        return None
    target = _lock_target(target)
    if target.agenda_item_id != agenda_item.pk:
        return None
    if target.answered_at is not None:
        if keep_answered:
            raise ForumActionRefused(
                gettext(
                    "%(forum)s has answered this consultation here: the item stays on the "
                    "agenda as the record of it."
                )
                % {"forum": target.forum.name}
            )
        return None
    meeting = agenda_item.meeting
    target.agenda_item = None
    # It still joins a meeting by itself: a later one than this.
    target.kept_off_until = meeting.start
    target.save(update_fields=["agenda_item", "kept_off_until"])
    if not target.consultation.is_open:
        # Closing takes it off the agendas: it waits for nothing.
        return target
    log_consultation_event(
        target.consultation,
        kind=ConsultationEventKind.QUEUED,
        actor=by,
        forum=target.forum,
        note=gettext(
            "Taken off the agenda of %(meeting)s; waiting for the next meeting of %(forum)s."
        )
        % {"meeting": meeting_as_told(meeting), "forum": target.forum.name},
    )
    return target


def _lock_target(target: ConsultationTarget) -> ConsultationTarget:
    """The target, after its consultation, locked against closing meanwhile (consultation
    first, as every service locks them): answers being recorded are in before a close or a
    summary, or see it and are refused."""
    consultation = (
        Consultation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("from_forum")
        .get(pk=target.consultation_id)
    )
    target = (
        ConsultationTarget.objects.select_for_update(of=("self",))
        .select_related("forum", "agenda_item__meeting")
        .get(pk=target.pk)
    )
    target.consultation = consultation
    return target


def _answers_for(consultation: Consultation, answers: Mapping[int, str]) -> dict:
    """question -> stripped text, for this consultation's questions only."""
    questions = {question.pk: question for question in consultation.questions.all()}
    unknown = set(answers) - set(questions)
    if unknown:
        raise TransitionNotAllowed(gettext("Those questions are not part of this consultation."))
    return {questions[pk]: (text or "").strip() for pk, text in answers.items()}


def is_late(consultation: Consultation, moment: dt.datetime) -> bool:
    return timezone.localtime(moment).date() > consultation.closes_on


@transaction.atomic
def record_consultation_answers(
    target: ConsultationTarget, *, answers: Mapping[int, str], by
) -> ConsultationTarget:
    """The forum's answers, recorded at (or after) its meeting on the consultation; after the
    closing date they are kept and marked late. One ANSWERED event; the sender is told."""
    target = _lock_target(target)
    consultation = target.consultation
    if not consultation.is_open:
        raise TransitionNotAllowed(
            gettext("This consultation is closed: it takes no more answers.")
        )
    if target.agenda_item is None:
        raise TransitionNotAllowed(
            gettext(
                "This consultation is not on the agenda of a meeting of %(forum)s yet: the "
                "forum answers at its meeting."
            )
            % {"forum": target.forum.name}
        )
    refuse_before_start(target.agenda_item.meeting)
    texts = _answers_for(consultation, answers)
    if not any(texts.values()):
        raise TransitionNotAllowed(gettext("Answer at least one question."))
    guard_privacy(*texts.values())
    for question, text in texts.items():
        if text:
            ConsultationAnswer.objects.update_or_create(
                target=target,
                question=question,
                source=AnswerSource.FORUM,
                defaults={"text": text, "author": by},
            )
        else:
            ConsultationAnswer.objects.filter(
                target=target, question=question, source=AnswerSource.FORUM
            ).delete()
    now = timezone.now()
    first = target.answered_at is None
    if first:
        target.answered_at = now
        # The minutes say so, as an issue's outcome there does: the meeting took place.
        try:
            record_item_decision(
                target.agenda_item,
                by=by,
                text=gettext("Consultation answered: %(title)s.") % {"title": consultation.title},
            )
        except ForumActionRefused as refused:
            raise TransitionNotAllowed(str(refused)) from refused
    target.answered_by = by
    target.save(update_fields=["answered_at", "answered_by"])
    late = is_late(consultation, target.answered_at)
    note = gettext("%(forum)s answered at %(meeting)s.") % {
        "forum": target.forum.name,
        "meeting": target.agenda_item.meeting.title,
    }
    if late:
        note = gettext("%(note)s Late: after the closing date.") % {"note": note}
    log_consultation_event(
        consultation,
        kind=ConsultationEventKind.ANSWERED,
        actor=by,
        forum=target.forum,
        agenda_item=target.agenda_item,
        note=note,
    )
    notify_many(
        _facilitators([consultation.from_forum]),
        subject=(
            gettext("%(forum)s answered: %(title)s")
            if first
            else gettext("%(forum)s changed its answers: %(title)s")
        )
        % {"forum": target.forum.name, "title": consultation.title},
        body=note,
        url=consultation.get_absolute_url(),
        kind=NotificationKind.PRACTICE,
    )
    return target


@transaction.atomic
def save_member_answers(
    target: ConsultationTarget, *, answers: Mapping[int, str], by
) -> ConsultationTarget:
    """A member of a target forum adds (or changes) their own answers, until the forum's
    meeting on it starts; an emptied answer is withdrawn. One MEMBER_ANSWERED event."""
    target = _lock_target(target)
    consultation = target.consultation
    if not consultation.is_open or target.answered_at is not None:
        raise TransitionNotAllowed(
            gettext("%(forum)s has answered already: members' own answers are closed.")
            % {"forum": target.forum.name}
            if consultation.is_open
            else gettext("This consultation is closed: it takes no more answers.")
        )
    item = target.agenda_item
    if item is not None and item.meeting.has_started:
        raise TransitionNotAllowed(
            gettext(
                "%(meeting)s has started: the forum's answer is being recorded there, and "
                "members' own answers are closed."
            )
            % {"meeting": item.meeting.title}
        )
    if not Membership.objects.filter(forum=target.forum, user=by).exists():
        raise TransitionNotAllowed(
            gettext("Only members of %(forum)s answer for it.") % {"forum": target.forum.name}
        )
    texts = _answers_for(consultation, answers)
    guard_privacy(*texts.values())
    for question, text in texts.items():
        if text:
            ConsultationAnswer.objects.update_or_create(
                target=target,
                question=question,
                source=AnswerSource.MEMBER,
                author=by,
                defaults={"text": text},
            )
        else:
            ConsultationAnswer.objects.filter(
                target=target, question=question, source=AnswerSource.MEMBER, author=by
            ).delete()
    log_consultation_event(
        consultation,
        kind=ConsultationEventKind.MEMBER_ANSWERED,
        actor=by,
        forum=target.forum,
    )
    return target


def _lock_consultation(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("from_forum")
        .get(pk=consultation.pk)
    )


def _refuse_if_closed(consultation: Consultation) -> None:
    if not consultation.is_open:
        raise TransitionNotAllowed(gettext("This consultation is closed already."))


def _take_off_coming_agendas(consultation: Consultation, *, by) -> None:
    """Closed, it takes no more answers: its items on the agendas of target forums'
    meetings still to start, where it has not been answered, come off them."""
    items = AgendaItem.objects.filter(
        consultation_target__consultation=consultation,
        consultation_target__answered_at__isnull=True,
        meeting__status__in=COMING_MEETING_STATUSES,
        meeting__start__gt=timezone.now(),
    ).order_by("meeting__start", "pk")
    for item in items:
        remove_agenda_item(item, by=by)


@transaction.atomic
def publish_consultation_summary(consultation: Consultation, *, summary: str, by) -> Consultation:
    """The sender sums up what the forums said: this closes the consultation and tells every
    member of every target forum, with a link."""
    if not summary.strip():
        raise TransitionNotAllowed(gettext("Write the summary before publishing it."))
    consultation = _lock_consultation(consultation)
    _refuse_if_closed(consultation)
    guard_privacy(summary)
    now = timezone.now()
    consultation.summary = summary.strip()
    consultation.summary_published_at = now
    consultation.summary_published_by = by
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = now
    consultation.save(
        update_fields=[
            "summary",
            "summary_published_at",
            "summary_published_by",
            "status",
            "closed_at",
        ]
    )
    _take_off_coming_agendas(consultation, by=by)
    log_consultation_event(
        consultation,
        kind=ConsultationEventKind.SUMMARY_PUBLISHED,
        actor=by,
        forum=consultation.from_forum,
    )
    recipients = (
        User.objects.filter(
            Q(memberships__forum__consultations_received__consultation=consultation),
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )
    notify_many(
        recipients,
        subject=gettext("Summary published: %(title)s") % {"title": consultation.title},
        body=gettext("%(forum)s has published what it heard from the forums it consulted.")
        % {"forum": consultation.from_forum.name},
        url=consultation.get_absolute_url(),
        kind=NotificationKind.PRACTICE,
    )
    return consultation


@transaction.atomic
def close_consultation(consultation: Consultation, *, by, note: str = "") -> Consultation:
    """Close without a summary: no more answers are taken and nothing more is placed."""
    consultation = _lock_consultation(consultation)
    _refuse_if_closed(consultation)
    guard_privacy(note)
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = timezone.now()
    consultation.save(update_fields=["status", "closed_at"])
    _take_off_coming_agendas(consultation, by=by)
    log_consultation_event(
        consultation,
        kind=ConsultationEventKind.CLOSED,
        actor=by,
        forum=consultation.from_forum,
        note=note.strip(),
    )
    return consultation
