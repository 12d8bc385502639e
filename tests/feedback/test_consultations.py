"""Consultations down the tiers: opening, placement, queue, carry-over, answers, summary."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.choices import AnswerSource, ConsultationEventKind, ConsultationStatus
from feedback.exceptions import IdentifyingDetailsFound, TransitionNotAllowed
from feedback.models import ConsultationAnswer, ConsultationEvent, ConsultationTarget
from feedback.personal_data import consultation_answers
from feedback.services import consultations as services
from feedback.tasks import carry_over_stranded, place_stranded
from forums.choices import AgendaItemKind, MeetingStatus, MembershipRole
from forums.exceptions import ForumActionRefused
from forums.models import AgendaItem, Decision
from forums.services.agenda import move_to_later_meeting, remove_agenda_item
from forums.services.meetings import cancel_meeting, complete_meeting, publish_meeting
from members.choices import NotificationKind
from members.models import Notification
from tests.factories.forums import LearningSessionFactory, MeetingFactory, MembershipFactory
from tests.factories.members import UserFactory


def open_for(loop, *, forums=None, questions=("What works?", "What gets in the way?"), **kw):
    return services.open_consultation(
        loop.statewide,
        by=loop.statewide_facilitator,
        title=kw.pop("title", "Intake across regions"),
        brief=kw.pop("brief", "How is the new intake working for families?"),
        questions=list(questions),
        closes_on=kw.pop("closes_on", timezone.localdate() + dt.timedelta(days=30)),
        forums=forums if forums is not None else [loop.cfsn, loop.other_cfsn],
    )


def kinds(consultation):
    return list(
        ConsultationEvent.objects.filter(consultation=consultation)
        .order_by("id")
        .values_list("kind", "forum__name")
    )


def test_open_consultation_places_on_next_meeting_or_queues(loop):
    consultation = open_for(loop)

    northern = consultation.targets.get(forum=loop.cfsn)
    southern = consultation.targets.get(forum=loop.other_cfsn)
    item = northern.agenda_item
    assert (item.meeting, item.kind, item.title, item.description, item.minutes_allotted) == (
        loop.cfsn_meeting,
        AgendaItemKind.CONSULTATION,
        "Consultation: Intake across regions",
        "How is the new intake working for families?",
        15,
    )
    assert southern.agenda_item is None
    assert list(consultation.questions.values_list("position", "text")) == [
        (1, "What works?"),
        (2, "What gets in the way?"),
    ]
    assert kinds(consultation) == [
        (ConsultationEventKind.OPENED, "State-wide Practitioner Forum"),
        (ConsultationEventKind.PLACED, "Northern CFSN"),
        (ConsultationEventKind.QUEUED, "Southern CFSN"),
    ]


def test_open_consultation_tells_target_facilitators_with_practice_kind(loop):
    southern_facilitator = UserFactory()
    MembershipFactory(user=southern_facilitator, forum=loop.other_cfsn, role=MembershipRole.CHAIR)

    consultation = open_for(loop)

    notices = Notification.objects.filter(kind=NotificationKind.PRACTICE).order_by("recipient")
    assert [(n.recipient, n.subject, n.url) for n in notices] == [
        (
            loop.cfsn_facilitator,
            "Consultation from State-wide Practitioner Forum: Intake across regions",
            consultation.get_absolute_url(),
        ),
        (
            southern_facilitator,
            "Consultation from State-wide Practitioner Forum: Intake across regions",
            consultation.get_absolute_url(),
        ),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"questions": ()}, "Ask between one and five questions."),
        ({"questions": ("a?",) * 6}, "Ask between one and five questions."),
        ({"closes_on": dt.date(2000, 1, 1)}, "The closing date must be in the future."),
        ({"forums": []}, "Choose at least one forum to consult."),
    ],
)
def test_open_consultation_with_bad_input_is_refused(loop, change, message):
    with pytest.raises(TransitionNotAllowed, match=message):
        open_for(loop, **change)

    assert ConsultationTarget.objects.count() == 0


def test_open_consultation_from_statewide_to_statewide_is_refused(loop):
    with pytest.raises(TransitionNotAllowed, match="may consult the Regional CFSNs"):
        open_for(loop, forums=[loop.statewide])


def test_open_consultation_from_strategic_may_consult_statewide(loop):
    consultation = services.open_consultation(
        loop.strategic,
        by=loop.executive,
        title="Workforce",
        brief="Where are the gaps?",
        questions=["Which roles are hardest to fill?"],
        closes_on=timezone.localdate() + dt.timedelta(days=10),
        forums=[loop.statewide],
    )

    assert consultation.targets.get().agenda_item.meeting == loop.statewide_meeting


def test_open_consultation_with_identifying_details_is_refused(loop):
    with pytest.raises(IdentifyingDetailsFound):
        open_for(loop, questions=("Call 0412 345 678 about this?",))


def test_publishing_a_meeting_places_waiting_consultations_once(
    loop, django_capture_on_commit_callbacks
):
    consultation = open_for(loop)
    soon = timezone.now() + dt.timedelta(days=5)
    draft = MeetingFactory(
        forum=loop.other_cfsn,
        status=MeetingStatus.DRAFT,
        start=soon,
        end=soon + dt.timedelta(hours=2),
    )

    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=loop.cfsn_facilitator)
    again = services.place_waiting_consultations(draft)

    southern = consultation.targets.get(forum=loop.other_cfsn)
    assert southern.agenda_item.meeting == draft
    assert again == 0
    assert AgendaItem.objects.filter(meeting=draft, kind=AgendaItemKind.CONSULTATION).count() == 1
    assert kinds(consultation)[-1] == (ConsultationEventKind.PLACED, "Southern CFSN")


def test_publishing_a_meeting_never_places_a_closed_consultation(loop):
    consultation = open_for(loop)
    services.close_consultation(consultation, by=loop.statewide_facilitator)
    meeting = MeetingFactory(forum=loop.other_cfsn)

    placed = services.place_waiting_consultations(meeting)

    assert placed == 0
    assert consultation.targets.get(forum=loop.other_cfsn).agenda_item is None


def test_completed_meeting_carries_unanswered_consultation_to_next_meeting(
    loop, django_capture_on_commit_callbacks
):
    consultation = open_for(loop)
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=28),
        end=loop.cfsn_meeting.end + dt.timedelta(days=28),
    )
    first_item = consultation.targets.get(forum=loop.cfsn).agenda_item

    with loop.at(loop.cfsn_meeting), django_capture_on_commit_callbacks(execute=True):
        complete_meeting(loop.cfsn_meeting, by=loop.cfsn_facilitator)

    target = consultation.targets.get(forum=loop.cfsn)
    assert target.agenda_item.meeting == later
    assert target.agenda_item.carried_over_from == first_item
    assert kinds(consultation)[-1] == (ConsultationEventKind.CARRIED_OVER, "Northern CFSN")


def test_cancelled_meeting_with_no_next_meeting_leaves_consultation_waiting(
    loop, django_capture_on_commit_callbacks
):
    consultation = open_for(loop)

    with django_capture_on_commit_callbacks(execute=True):
        cancel_meeting(loop.cfsn_meeting, by=loop.cfsn_facilitator)

    target = consultation.targets.get(forum=loop.cfsn)
    event = ConsultationEvent.objects.filter(consultation=consultation).latest("id")
    assert (event.kind, event.agenda_item) == (ConsultationEventKind.CARRIED_OVER, None)
    assert event.note.startswith("Not reached at Northern CFSN meeting (cancelled)")
    # Off the cancelled meeting's agenda, so members may answer again meanwhile.
    assert target.agenda_item is None
    services.save_member_answers(
        target, answers={consultation.questions.first().pk: "Mine."}, by=loop.practitioner
    )
    # A meeting published later takes it.
    meeting = MeetingFactory(forum=loop.cfsn)
    assert services.place_waiting_consultations(meeting) == 1
    target.refresh_from_db()
    assert target.agenda_item.meeting == meeting


def test_consultation_a_held_meeting_was_left_holding_is_carried_over_by_the_next_sweep(loop):
    consultation = open_for(loop, forums=[loop.cfsn])
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=30),
        end=loop.cfsn_meeting.end + dt.timedelta(days=30),
    )
    # Held, with its carrying over lost.
    type(loop.cfsn_meeting).objects.filter(pk=loop.cfsn_meeting.pk).update(
        status=MeetingStatus.COMPLETED
    )

    swept, again = carry_over_stranded(), carry_over_stranded()

    target = consultation.targets.get()
    assert (swept, again) == (1, 0)
    assert target.agenda_item.meeting == later


def test_removing_a_consultations_item_leaves_it_waiting_for_the_next_meeting_once(loop):
    consultation = open_for(loop, forums=[loop.cfsn])
    target = consultation.targets.get()

    remove_agenda_item(target.agenda_item, by=loop.cfsn_facilitator)

    target.refresh_from_db()
    event = ConsultationEvent.objects.filter(consultation=consultation).latest("id")
    assert target.agenda_item is None
    assert event.kind == ConsultationEventKind.QUEUED
    assert event.note.startswith(f"Taken off the agenda of {loop.cfsn_meeting.title}")
    later = MeetingFactory(forum=loop.cfsn)
    assert services.place_waiting_consultations(later) == 1
    assert later.agenda_items.filter(kind=AgendaItemKind.CONSULTATION).count() == 1


def test_moving_a_consultations_item_to_a_later_meeting_is_refused_whatever_its_kind(loop):
    consultation = open_for(loop, forums=[loop.cfsn])
    item = consultation.targets.get().agenda_item
    AgendaItem.objects.filter(pk=item.pk).update(kind=AgendaItemKind.OTHER)
    item.refresh_from_db()
    later = MeetingFactory(
        forum=loop.cfsn,
        start=loop.cfsn_meeting.start + dt.timedelta(days=7),
        end=loop.cfsn_meeting.end + dt.timedelta(days=7),
    )

    with pytest.raises(ForumActionRefused, match="A consultation is answered at the meeting"):
        move_to_later_meeting(item, meeting=later, by=loop.cfsn_facilitator)

    assert consultation.targets.get().agenda_item == item


def test_deleting_a_meeting_leaves_its_consultation_waiting_for_the_next_meeting(loop):
    consultation = open_for(loop, forums=[loop.cfsn])

    loop.cfsn_meeting.delete()

    target = consultation.targets.get()
    assert target.agenda_item is None
    assert (
        ConsultationEvent.objects.filter(consultation=consultation).latest("id").kind
        == ConsultationEventKind.QUEUED
    )


def test_answered_consultation_is_not_carried_over(loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    question = consultation.questions.first()
    with loop.at(loop.cfsn_meeting):
        services.record_consultation_answers(
            target, answers={question.pk: "It works."}, by=loop.cfsn_facilitator
        )

    moved = services.carry_over_consultations(loop.cfsn_meeting)

    assert moved == 0


def test_record_answers_before_meeting_starts_is_refused(loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    question = consultation.questions.first()

    with pytest.raises(TransitionNotAllowed, match="has not started yet"):
        services.record_consultation_answers(
            target, answers={question.pk: "Early."}, by=loop.cfsn_facilitator
        )

    assert ConsultationAnswer.objects.count() == 0


def test_record_answers_after_meeting_starts_saves_and_tells_sender(loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    first, second = consultation.questions.all()

    with loop.at(loop.cfsn_meeting):
        services.record_consultation_answers(
            target,
            answers={first.pk: "Shared intake.", second.pk: ""},
            by=loop.cfsn_facilitator,
        )
        services.record_consultation_answers(
            target,
            answers={first.pk: "Shared intake form.", second.pk: "Waiting lists."},
            by=loop.cfsn_facilitator,
        )

    target.refresh_from_db()
    assert target.answered_by == loop.cfsn_facilitator
    assert target.answered_at is not None
    assert list(
        ConsultationAnswer.objects.filter(target=target, source=AnswerSource.FORUM)
        .order_by("question__position")
        .values_list("text", flat=True)
    ) == ["Shared intake form.", "Waiting lists."]
    notices = Notification.objects.filter(recipient=loop.statewide_facilitator).order_by("id")
    assert [n.subject for n in notices] == [
        "Northern CFSN answered: Intake across regions",
        "Northern CFSN changed its answers: Intake across regions",
    ]
    assert kinds(consultation)[-2:] == [
        (ConsultationEventKind.ANSWERED, "Northern CFSN"),
        (ConsultationEventKind.ANSWERED, "Northern CFSN"),
    ]


def test_record_answers_after_closing_date_is_marked_late(loop):
    consultation = open_for(loop, closes_on=timezone.localdate() + dt.timedelta(days=1))
    target = consultation.targets.get(forum=loop.cfsn)
    question = consultation.questions.first()

    with loop.at(loop.cfsn_meeting):
        services.record_consultation_answers(
            target, answers={question.pk: "Late but here."}, by=loop.cfsn_facilitator
        )

    event = ConsultationEvent.objects.filter(kind=ConsultationEventKind.ANSWERED).get()
    assert event.note == (
        "Northern CFSN answered at Northern CFSN meeting. Late: after the closing date."
    )


def test_member_answers_until_meeting_starts_then_refused(loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    first, second = consultation.questions.all()

    services.save_member_answers(
        target, answers={first.pk: "Mine.", second.pk: "Also mine."}, by=loop.practitioner
    )
    services.save_member_answers(
        target, answers={first.pk: "Changed.", second.pk: ""}, by=loop.practitioner
    )
    with loop.at(loop.cfsn_meeting), pytest.raises(TransitionNotAllowed, match="has started"):
        services.save_member_answers(target, answers={first.pk: "Too late."}, by=loop.practitioner)

    assert list(
        ConsultationAnswer.objects.filter(source=AnswerSource.MEMBER).values_list("author", "text")
    ) == [(loop.practitioner.pk, "Changed.")]


def test_member_of_another_forum_cannot_answer(loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.other_cfsn)

    with pytest.raises(TransitionNotAllowed, match="Only members of Southern CFSN"):
        services.save_member_answers(
            target,
            answers={consultation.questions.first().pk: "Not mine to say."},
            by=loop.practitioner,
        )


def test_publish_summary_closes_and_notifies_every_target_member(loop):
    consultation = open_for(loop)
    southern_member = UserFactory()
    MembershipFactory(user=southern_member, forum=loop.other_cfsn)

    services.publish_consultation_summary(
        consultation, summary="Forums want one intake form.", by=loop.statewide_facilitator
    )

    consultation.refresh_from_db()
    assert (consultation.status, consultation.summary, consultation.summary_published_by) == (
        ConsultationStatus.CLOSED,
        "Forums want one intake form.",
        loop.statewide_facilitator,
    )
    told = Notification.objects.filter(subject="Summary published: Intake across regions")
    assert sorted(n.recipient_id for n in told) == sorted(
        [loop.practitioner.pk, loop.cfsn_facilitator.pk, southern_member.pk]
    )
    assert {n.url for n in told} == {consultation.get_absolute_url()}
    assert kinds(consultation)[-1] == (
        ConsultationEventKind.SUMMARY_PUBLISHED,
        "State-wide Practitioner Forum",
    )
    with pytest.raises(TransitionNotAllowed, match="closed already"):
        services.close_consultation(consultation, by=loop.statewide_facilitator)


@pytest.mark.parametrize("ending", ["close", "summary"])
def test_ending_a_consultation_takes_its_unanswered_items_off_coming_agendas(loop, ending):
    consultation = open_for(loop)
    northern = consultation.targets.get(forum=loop.cfsn)
    southern = consultation.targets.get(forum=loop.other_cfsn)
    southern_meeting = MeetingFactory(forum=loop.other_cfsn)
    services.place_waiting_consultations(southern_meeting)
    southern.refresh_from_db()
    with loop.at(southern_meeting):
        services.record_consultation_answers(
            southern,
            answers={consultation.questions.first().pk: "One form."},
            by=MembershipFactory(forum=loop.other_cfsn, role=MembershipRole.FACILITATOR).user,
        )

    if ending == "close":
        services.close_consultation(consultation, by=loop.statewide_facilitator)
    else:
        services.publish_consultation_summary(
            consultation, summary="One form.", by=loop.statewide_facilitator
        )

    northern.refresh_from_db()
    southern.refresh_from_db()
    assert northern.agenda_item is None
    assert not loop.cfsn_meeting.agenda_items.filter(kind=AgendaItemKind.CONSULTATION).exists()
    assert southern.agenda_item.meeting == southern_meeting


def test_answers_on_closed_consultation_are_refused(loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    services.close_consultation(consultation, by=loop.statewide_facilitator, note="Withdrawn.")

    with loop.at(loop.cfsn_meeting), pytest.raises(TransitionNotAllowed, match="closed"):
        services.record_consultation_answers(
            target,
            answers={consultation.questions.first().pk: "Answer."},
            by=loop.cfsn_facilitator,
        )


def test_learning_sessions_take_no_consultation(loop):
    consultation = open_for(loop, forums=[loop.other_cfsn])
    session = LearningSessionFactory(forum=loop.other_cfsn)

    placed = services.place_waiting_consultations(session)

    assert placed == 0
    assert consultation.targets.get().agenda_item is None


def test_personal_data_lists_answers_the_member_wrote(loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    question = consultation.questions.first()
    services.save_member_answers(target, answers={question.pk: "Mine."}, by=loop.practitioner)

    rows = consultation_answers(loop.practitioner)

    assert [
        (r["consultation"], r["forum"], r["question"], r["answer"], r["for"]) for r in rows
    ] == [
        ("Intake across regions", "Northern CFSN", "What works?", "Mine.", "A member's own answer")
    ]
    assert consultation_answers(loop.cfsn_facilitator) == []


def test_removing_a_consultations_item_says_first_that_it_waits_for_the_next_meeting(client, loop):
    item = open_for(loop, forums=[loop.cfsn]).targets.get().agenda_item
    client.force_login(loop.cfsn_facilitator)

    page = client.get(
        reverse("forums:agenda-item-delete", kwargs={"pk": item.meeting_id, "item_pk": item.pk})
    ).content.decode()

    assert "It brings a consultation: the consultation waits for the next meeting" in page


def test_removing_the_item_a_forum_answered_a_consultation_at_is_refused(loop):
    consultation = open_for(loop, forums=[loop.cfsn])
    target = consultation.targets.get()
    with loop.at(loop.cfsn_meeting):
        services.record_consultation_answers(
            target,
            answers={consultation.questions.first().pk: "One form."},
            by=loop.cfsn_facilitator,
        )

        with pytest.raises(ForumActionRefused, match="stay on its agenda as its record"):
            remove_agenda_item(target.agenda_item, by=loop.cfsn_facilitator)

    target.refresh_from_db()
    assert target.agenda_item.meeting == loop.cfsn_meeting


def test_consultation_left_waiting_when_placing_failed_joins_the_next_open_meeting_by_sweep(
    loop,
):
    consultation = open_for(loop, forums=[loop.other_cfsn])
    # Published, with its placing lost.
    meeting = MeetingFactory(forum=loop.other_cfsn)

    swept, again = place_stranded(), place_stranded()

    assert (swept, again) == (1, 0)
    assert consultation.targets.get().agenda_item.meeting == meeting


def test_a_consultation_taken_off_the_agenda_is_not_put_back_by_the_sweep(loop):
    consultation = open_for(loop, forums=[loop.cfsn])
    target = consultation.targets.get()
    remove_agenda_item(target.agenda_item, by=loop.cfsn_facilitator)

    swept = place_stranded()

    target.refresh_from_db()
    assert (swept, target.agenda_item) == (0, None)
    later = MeetingFactory(forum=loop.cfsn, start=loop.cfsn_meeting.start + dt.timedelta(days=28))
    with loop.at(loop.cfsn_meeting, minutes=5):
        assert place_stranded() == 1
    target.refresh_from_db()
    assert target.agenda_item.meeting == later


def test_answers_recorded_at_a_meeting_are_in_its_minutes_and_it_cannot_then_be_cancelled(loop):
    consultation = open_for(loop, forums=[loop.cfsn])
    target = consultation.targets.get()
    with loop.at(loop.cfsn_meeting):
        services.record_consultation_answers(
            target,
            answers={consultation.questions.first().pk: "One form."},
            by=loop.cfsn_facilitator,
        )
        services.record_consultation_answers(
            target,
            answers={consultation.questions.first().pk: "One shared form."},
            by=loop.cfsn_facilitator,
        )

        with pytest.raises(ForumActionRefused, match="This meeting took place"):
            cancel_meeting(loop.cfsn_meeting, by=loop.cfsn_facilitator)

    decision = Decision.objects.get(agenda_item=target.agenda_item)
    assert decision.text == f"Consultation answered: {consultation.title}."
    loop.cfsn_meeting.refresh_from_db()
    assert loop.cfsn_meeting.status == MeetingStatus.PUBLISHED
