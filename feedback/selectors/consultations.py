"""Shared reads of consultations: who may see which, lists, the sender's page and exports."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from forums.choices import MeetingStatus
from forums.models import Forum, meeting_vectors
from forums.rules import forums_run_by, is_executive, roles_of

from ..choices import AnswerSource, ConsultationStatus
from ..models import (
    Consultation,
    ConsultationAnswer,
    ConsultationQuestion,
    ConsultationTarget,
)


def consultations_visible_to(user) -> QuerySet[Consultation]:
    """Every consultation this person may see: those sent from or to a forum they belong
    to; executives and administrators see them all (the same rule as
    feedback.view_consultation)."""
    consultations = Consultation.objects.all()
    if not user.is_authenticated:
        return consultations.none()
    if (user.is_active and user.is_superuser) or is_executive(user):
        return consultations
    forum_ids = list(roles_of(user))
    if not forum_ids:
        return consultations.none()
    sent_to_mine = Exists(
        ConsultationTarget.objects.filter(consultation=OuterRef("pk"), forum_id__in=forum_ids)
    )
    return consultations.filter(Q(from_forum_id__in=forum_ids) | sent_to_mine)


def consultations_of_mine(user) -> QuerySet[Consultation]:
    """The Consultations page: sent to or from the member's forums (everything, for those
    who see everything), open ones first, then the most recently opened."""
    return (
        consultations_visible_to(user)
        .select_related("from_forum")
        .annotate(
            target_count=Count("targets", distinct=True),
            answered_count=Count(
                "targets", filter=Q(targets__answered_at__isnull=False), distinct=True
            ),
        )
        .order_by("-status", "-opened_at", "-id")
    )


def consultation_detail(pk: int) -> Consultation:
    return Consultation.objects.select_related(
        "from_forum", "opened_by", "summary_published_by"
    ).get(pk=pk)


def answerable_targets(user, consultation: Consultation) -> list[ConsultationTarget]:
    """The consultation's targets at forums this person belongs to."""
    return list(
        consultation.targets.filter(forum_id__in=list(roles_of(user)))
        .select_related("forum", "agenda_item__meeting")
        .defer(*meeting_vectors("agenda_item__meeting"))
    )


@dataclass
class ForumAnswer:
    """One forum's answer to one question, as the sender's page and the CSV show it."""

    target: ConsultationTarget
    text: str = ""
    late: bool = False
    member_answers: list[ConsultationAnswer] = field(default_factory=list)


@dataclass
class QuestionAnswers:
    question: ConsultationQuestion
    rows: list[ForumAnswer]


def target_state(target: ConsultationTarget, consultation: Consultation, today=None) -> str:
    """answered / late / on_agenda / waiting / missing: where the forum is with it."""
    today = today or timezone.localdate()
    if target.answered_at is not None:
        answered_on = timezone.localtime(target.answered_at).date()
        return "late" if answered_on > consultation.closes_on else "answered"
    item = target.agenda_item
    if consultation.closes_on < today or not consultation.is_open:
        return "missing"
    if item is not None and item.meeting.status in (MeetingStatus.PUBLISHED, MeetingStatus.DRAFT):
        return "on_agenda"
    return "waiting"


def consultation_targets(
    consultation: Consultation, *, forum_ids: set[int] | None = None
) -> list[ConsultationTarget]:
    """The targets (all, or those at `forum_ids`) with forum, region and meeting, each
    carrying its `state`."""
    targets = (
        consultation.targets.select_related("forum__region", "agenda_item__meeting", "answered_by")
        .defer(*meeting_vectors("agenda_item__meeting"))
        .order_by("forum__region__name", "forum__name", "id")
    )
    if forum_ids is not None:
        targets = targets.filter(forum_id__in=forum_ids)
    rows = list(targets)
    today = timezone.localdate()
    for target in rows:
        target.consultation = consultation
        target.state = target_state(target, consultation, today)
    return rows


def answers_by_question(
    consultation: Consultation, targets: list[ConsultationTarget]
) -> list[QuestionAnswers]:
    """Per question, one row per target forum (by region) with its answer and its members'
    own answers; two queries whatever the size."""
    questions = list(consultation.questions.all())
    answers = (
        ConsultationAnswer.objects.filter(target__in=[t.pk for t in targets])
        .select_related("author")
        .order_by("question_id", "target_id", "created_at", "id")
    )
    forum_answer: dict[tuple[int, int], ConsultationAnswer] = {}
    member: dict[tuple[int, int], list[ConsultationAnswer]] = defaultdict(list)
    for answer in answers:
        key = (answer.question_id, answer.target_id)
        if answer.source == AnswerSource.FORUM:
            forum_answer[key] = answer
        else:
            member[key].append(answer)
    result = []
    for question in questions:
        rows = []
        for target in targets:
            key = (question.pk, target.pk)
            answer = forum_answer.get(key)
            rows.append(
                ForumAnswer(
                    target=target,
                    text=answer.text if answer else "",
                    late=getattr(target, "state", "") == "late",
                    member_answers=member.get(key, []),
                )
            )
        result.append(QuestionAnswers(question=question, rows=rows))
    return result


def member_answers_of(user, target: ConsultationTarget) -> dict[int, ConsultationAnswer]:
    """question id -> this member's own answer at this target."""
    return {
        answer.question_id: answer
        for answer in ConsultationAnswer.objects.filter(
            target=target, author=user, source=AnswerSource.MEMBER
        )
    }


def export_rows(consultation: Consultation) -> Iterator[list]:
    """One row per forum and question: region, forum, question, answer, when, late flag and
    how many members answered for themselves."""
    targets = consultation_targets(consultation)
    for block in answers_by_question(consultation, targets):
        for row in block.rows:
            target = row.target
            region = target.forum.region.name if target.forum.region_id else ""
            answered = (
                timezone.localtime(target.answered_at).isoformat(timespec="minutes")
                if target.answered_at
                else ""
            )
            yield [
                region,
                target.forum.name,
                block.question.position,
                block.question.text,
                row.text,
                answered,
                "yes" if row.late else "no",
                len(row.member_answers),
            ]


def awaiting_answers(user) -> QuerySet[ConsultationTarget]:
    """Targets at forums this person runs whose meeting on it has started and which the
    forum has not answered yet: the home page's task."""
    runs = forums_run_by(user)
    return ConsultationTarget.objects.filter(
        forum_id__in=runs,
        answered_at__isnull=True,
        consultation__status=ConsultationStatus.OPEN,
        agenda_item__meeting__status__in=(MeetingStatus.PUBLISHED, MeetingStatus.COMPLETED),
        agenda_item__meeting__start__lte=timezone.now(),
    ).order_by("entered_at", "id")


# What a target's state and its line on a forum's page are drawn from.
TARGET_STATE_FIELDS = (
    "answered_at",
    "consultation__title",
    "consultation__closes_on",
    "consultation__status",
    "consultation__opened_at",
    "agenda_item__meeting__title",
    "agenda_item__meeting__start",
    "agenda_item__meeting__status",
)


def forum_consultations(forum: Forum, user, *, limit: int = 10) -> dict[str, list]:
    """A forum's page: the consultations it received (its target rows, with where each
    stands) and sent, newest first, as far as this person may see them."""
    received = ConsultationTarget.objects.filter(forum=forum)
    sent = Consultation.objects.filter(from_forum=forum)
    # What is sent to or from a forum is visible to its members (consultations_visible_to's
    # rule), so only others' lists need that rule's filter.
    if forum.pk not in roles_of(user):
        visible = consultations_visible_to(user)
        received = received.filter(consultation__in=visible)
        sent = visible.filter(from_forum=forum)
    received = list(
        received.select_related("consultation", "agenda_item__meeting")
        .only(*TARGET_STATE_FIELDS)
        .order_by("-consultation__opened_at", "-id")[:limit]
    )
    today = timezone.localdate()
    for target in received:
        target.state = target_state(target, target.consultation, today)
    sent = list(
        sent.only("title", "status", "opened_at")
        .annotate(
            target_count=Count("targets", distinct=True),
            answered_count=Count(
                "targets", filter=Q(targets__answered_at__isnull=False), distinct=True
            ),
        )
        .order_by("-opened_at", "-id")[:limit]
    )
    return {"received": received, "sent": sent}


def closing_dates(user, first: dt.date, last: dt.date) -> list[Consultation]:
    """Open consultations sent to the member's forums closing between two dates: what a
    calendar shows of each (its title and day)."""
    forum_ids = list(roles_of(user))
    if not forum_ids:
        return []
    return list(
        Consultation.objects.filter(
            status=ConsultationStatus.OPEN,
            closes_on__gte=first,
            closes_on__lte=last,
        )
        .filter(
            Exists(
                ConsultationTarget.objects.filter(
                    consultation=OuterRef("pk"), forum_id__in=forum_ids
                )
            )
        )
        .only("title", "closes_on")
        .order_by("closes_on", "id")
    )
