"""Demo consultations, walked on the demo's clock with the issues' stories.

One from the State-wide Forum to every CFSN some months ago, answered by most CFSNs at
their meetings (a few members answered for themselves first) and summed up; one open
now, answered where a CFSN has met since and waiting on the others' coming agendas.
Everything goes through the services, as it happened, at the moment it happened.
"""

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from forums import demo as forums_demo
from forums.choices import MembershipRole, Tier
from forums.models import Forum, Membership

from .models import ConsultationTarget
from .services import consultations as services

PAST = "Shared intake across services"
NOW = "Cultural support plans at first contact"

# The past one is not answered by this CFSN: its row shows "missing after closing".
SILENT_CFSN = "far-north-cfsn"

PAST_QUESTIONS = [
    "Where do families tell the same story more than once at intake?",
    "Which services in your region already share an intake form?",
    "What would a shared intake need to respect cultural safety?",
]
NOW_QUESTIONS = [
    "When is the Aboriginal community-controlled partner first contacted in your region?",
    "What stops a cultural support plan being started at first contact?",
]

FORUM_ANSWERS = {
    PAST: [
        "At child protection intake and again at family services referral.",
        "Family services and the family violence hub share one form since March.",
        "Families choose who hears their story; ACCO workers are offered from the start.",
    ],
    NOW: [
        "Usually after the first home visit, sometimes weeks later.",
        "No agreed trigger: workers wait for the case plan meeting.",
    ],
}
MEMBER_ANSWERS = {
    PAST: ["Every service asks for the family history again.", "", ""],
    NOW: ["Only when the family asks.", "Nobody owns the first step."],
}
SUMMARY = (
    "Every CFSN that answered sees families retelling their story at intake. Two regions "
    "already share a form. The State-wide Forum will draft one shared intake with ACCO "
    "partners and bring it to the CFSNs for comment."
)

# How long a step waits before looking again for the forum's meeting on the consultation.
RETRY = dt.timedelta(days=7)
RETRIES = 8


def add_to(walk) -> None:
    """Add the consultations' stories to the demo's walk (before it runs)."""
    walk.add(_opening(walk, PAST, days_ago=170, open_days=60))
    walk.add(_opening(walk, NOW, days_ago=12, open_days=40))


def _cfsns() -> list[Forum]:
    return list(Forum.objects.filter(tier=Tier.REGIONAL).order_by("name"))


def _member_of(forum: Forum):
    membership = (
        Membership.objects.filter(forum=forum, role=MembershipRole.MEMBER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _opening(walk, title: str, *, days_ago: int, open_days: int) -> Iterator[dt.datetime]:
    statewide = Forum.objects.get(tier=Tier.STATEWIDE)
    opened = timezone.localtime(walk.now - dt.timedelta(days=days_ago)).replace(
        hour=10, minute=3, second=0, microsecond=0
    )
    yield opened
    consultation = services.open_consultation(
        statewide,
        by=forums_demo.runner(statewide),
        title=title,
        brief=(
            "The State-wide Forum is gathering how each region works on this before it "
            "proposes a state-wide practice change."
        ),
        questions=PAST_QUESTIONS if title == PAST else NOW_QUESTIONS,
        closes_on=timezone.localdate() + dt.timedelta(days=open_days),
        forums=_cfsns(),
    )
    for number, target in enumerate(consultation.targets.select_related("forum")):
        if title == PAST and target.forum.slug == SILENT_CFSN:
            continue
        walk.add(_answering(target.pk, title, number))
    if title == PAST:
        walk.add(_summing_up(consultation, opened + dt.timedelta(days=open_days + 6)))


def _answering(target_pk: int, title: str, number: int) -> Iterator[dt.datetime]:
    """A member answers a few days before the meeting; the facilitator records the forum's
    answers at it."""
    target = ConsultationTarget.objects.select_related("agenda_item__meeting").get(pk=target_pk)
    for _ in range(RETRIES):
        if target.agenda_item is not None:
            break
        yield timezone.now() + RETRY
        target = ConsultationTarget.objects.select_related("agenda_item__meeting").get(pk=target_pk)
    else:
        return
    meeting = target.agenda_item.meeting
    questions = list(target.consultation.questions.all())
    member = _member_of(target.forum)
    if member is not None and number % 2 == 0:
        yield max(timezone.now(), meeting.start - dt.timedelta(days=3))
        services.save_member_answers(
            target,
            answers={q.pk: text for q, text in zip(questions, MEMBER_ANSWERS[title], strict=True)},
            by=member,
        )
    yield meeting.start + dt.timedelta(minutes=40 + number)
    target.refresh_from_db()
    if target.agenda_item is None or target.agenda_item.meeting_id != meeting.pk:
        return
    services.record_consultation_answers(
        target,
        answers={q.pk: text for q, text in zip(questions, FORUM_ANSWERS[title], strict=True)},
        by=forums_demo.runner(target.forum),
    )


def _summing_up(consultation, moment: dt.datetime) -> Iterator[dt.datetime]:
    yield moment
    services.publish_consultation_summary(
        consultation, summary=SUMMARY, by=forums_demo.runner(consultation.from_forum)
    )
