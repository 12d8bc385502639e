"""Consultation pages: the list, opening, answering, the sender's page, CSV, summary."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.choices import AnswerSource, ConsultationStatus
from feedback.models import Consultation, ConsultationAnswer
from feedback.services import consultations as services
from tests.factories.feedback import ConsultationFactory, ConsultationTargetFactory
from tests.factories.forums import ForumFactory

CLOSES = timezone.localdate() + dt.timedelta(days=30)


def open_for(loop, forums=None, title="Intake across regions"):
    return services.open_consultation(
        loop.statewide,
        by=loop.statewide_facilitator,
        title=title,
        brief="How is the new intake working for families?",
        questions=["What works?", "What gets in the way?"],
        closes_on=CLOSES,
        forums=forums or [loop.cfsn, loop.other_cfsn],
    )


@pytest.mark.parametrize("size", [1, 6])
def test_consultation_list_queries_do_not_grow_with_rows(
    client, loop, size, django_assert_num_queries
):
    for _ in range(size):
        ConsultationTargetFactory(
            consultation=ConsultationFactory(from_forum=loop.statewide), forum=loop.cfsn
        )
    client.force_login(loop.practitioner)

    # Session, user (with their unread notices), memberships, sending forums, count, page;
    # the layout's practice-lead menu and two permission lookups.
    with django_assert_num_queries(7):
        response = client.get(reverse("feedback:consultation-list"))

    assert len(response.context["consultations"]) == size


def test_consultation_list_shows_open_before_closed(client, loop):
    closed = open_for(loop, title="Older and closed")
    services.close_consultation(closed, by=loop.statewide_facilitator)
    opened = open_for(loop, title="Open one")
    client.force_login(loop.practitioner)

    response = client.get(reverse("feedback:consultation-list"))

    assert list(response.context["consultations"]) == [opened, closed]


def test_consultation_create_page_ticks_every_cfsn(client, loop):
    client.force_login(loop.statewide_facilitator)

    response = client.get(reverse("feedback:consultation-create", args=["statewide"]))

    form = response.context["form"]
    assert sorted(form.initial["forums"]) == sorted([loop.cfsn.pk, loop.other_cfsn.pk])
    assert [f.name for f in form.fields["forums"].queryset] == ["Northern CFSN", "Southern CFSN"]


def test_consultation_create_post_opens_and_redirects(client, loop):
    client.force_login(loop.statewide_facilitator)

    response = client.post(
        reverse("feedback:consultation-create", args=["statewide"]),
        {
            "title": "Intake",
            "brief": "How is intake?",
            "question_1": "What works?",
            "question_2": "",
            "closes_on": CLOSES.isoformat(),
            "forums": [loop.cfsn.pk],
        },
    )

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response.url == consultation.get_absolute_url()
    assert list(consultation.targets.values_list("forum__name", flat=True)) == ["Northern CFSN"]
    assert consultation.questions.count() == 1


def test_consultation_create_with_identifying_details_keeps_what_was_typed(client, loop):
    client.force_login(loop.statewide_facilitator)

    response = client.post(
        reverse("feedback:consultation-create", args=["statewide"]),
        {
            "title": "Intake",
            "brief": "How is intake?",
            "question_1": "Should we ring 0412 345 678?",
            "closes_on": CLOSES.isoformat(),
            "forums": [loop.cfsn.pk],
        },
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert list(form.errors) == ["question_1"]
    assert "identifying client information" in form.errors["question_1"][0]
    assert form["question_1"].value() == "Should we ring 0412 345 678?"
    assert form["brief"].value() == "How is intake?"
    assert Consultation.objects.count() == 0


def test_consultation_create_with_past_closing_date_is_refused(client, loop):
    client.force_login(loop.statewide_facilitator)

    response = client.post(
        reverse("feedback:consultation-create", args=["statewide"]),
        {
            "title": "Intake",
            "brief": "How?",
            "question_1": "What?",
            "closes_on": "2001-01-01",
            "forums": [loop.cfsn.pk],
        },
    )

    assert response.context["form"].errors == {
        "closes_on": ["Choose a closing date in the future."]
    }


def test_consultation_detail_for_sender_shows_every_forum_by_region(client, loop):
    consultation = open_for(loop)
    client.force_login(loop.statewide_facilitator)

    response = client.get(consultation.get_absolute_url())

    assert response.context["sees_all"] is True
    assert {t.forum.name: t.state for t in response.context["targets"]} == {
        "Northern CFSN": "on_agenda",
        "Southern CFSN": "waiting",
    }
    assert response.context["can_summarise"] is True


def test_consultation_detail_for_target_member_shows_only_own_forum(client, loop):
    consultation = open_for(loop)
    client.force_login(loop.practitioner)

    response = client.get(consultation.get_absolute_url())

    assert response.context["sees_all"] is False
    assert [t.forum.name for t in response.context["targets"]] == ["Northern CFSN"]
    assert [row.target.forum.name for row in response.context["answers"][0].rows] == [
        "Northern CFSN"
    ]
    assert response.context["can_export"] is False
    assert (
        reverse(
            "feedback:consultation-member-answers",
            args=[consultation.targets.get(forum=loop.cfsn).pk],
        )
        in response.content.decode()
    )


def test_record_answers_page_after_start_records_and_returns(client, loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    first, second = consultation.questions.all()
    services.save_member_answers(target, answers={first.pk: "Mine."}, by=loop.practitioner)
    client.force_login(loop.cfsn_facilitator)
    url = reverse("feedback:consultation-record-answers", args=[target.pk])

    with loop.at(loop.cfsn_meeting):
        page = client.get(url)
        response = client.post(
            url, {f"answer_{first.pk}": "Shared form.", f"answer_{second.pk}": "Waiting lists."}
        )

    assert "Mine." in page.content.decode()
    assert response.status_code == 302
    assert response.url == consultation.get_absolute_url()
    assert list(
        ConsultationAnswer.objects.filter(source=AnswerSource.FORUM)
        .order_by("question__position")
        .values_list("text", flat=True)
    ) == ["Shared form.", "Waiting lists."]


def test_record_answers_page_once_answered_shows_the_answers_to_correct(client, loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    first, second = consultation.questions.all()
    client.force_login(loop.cfsn_facilitator)
    url = reverse("feedback:consultation-record-answers", args=[target.pk])

    with loop.at(loop.cfsn_meeting):
        client.post(url, {f"answer_{first.pk}": "Shared form.", f"answer_{second.pk}": ""})
        page = client.get(url)

    assert page.status_code == 200
    assert page.context["form"].initial[f"answer_{first.pk}"] == "Shared form."


def test_record_answers_before_start_shows_refusal_and_keeps_text(client, loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    first = consultation.questions.first()
    client.force_login(loop.cfsn_facilitator)

    response = client.post(
        reverse("feedback:consultation-record-answers", args=[target.pk]),
        {f"answer_{first.pk}": "Too early."},
    )

    form = response.context["form"]
    assert "has not started yet" in form.non_field_errors()[0]
    assert form[f"answer_{first.pk}"].value() == "Too early."


def test_member_answers_page_saves_own_answers(client, loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    first = consultation.questions.first()
    client.force_login(loop.practitioner)

    response = client.post(
        reverse("feedback:consultation-member-answers", args=[target.pk]),
        {f"answer_{first.pk}": "From my practice."},
    )

    assert response.status_code == 302
    answer = ConsultationAnswer.objects.get()
    assert (answer.author, answer.source, answer.text) == (
        loop.practitioner,
        AnswerSource.MEMBER,
        "From my practice.",
    )


def test_member_answers_page_after_start_redirects_with_message(client, loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    client.force_login(loop.practitioner)

    with loop.at(loop.cfsn_meeting):
        response = client.get(reverse("feedback:consultation-member-answers", args=[target.pk]))

    assert response.status_code == 302
    assert response.url == consultation.get_absolute_url()


def test_member_answers_sent_after_the_meeting_started_keep_what_was_typed(client, loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    first = consultation.questions.first()
    client.force_login(loop.practitioner)

    with loop.at(loop.cfsn_meeting):
        response = client.post(
            reverse("feedback:consultation-member-answers", args=[target.pk]),
            {f"answer_{first.pk}": "Kinship carers need the plan in writing."},
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "the forum&#x27;s meeting has started" in html or "the forum's meeting has started" in html
    )
    assert "Kinship carers need the plan in writing." in html
    assert not ConsultationAnswer.objects.exists()


def test_consultation_export_streams_one_row_per_forum_and_question(client, loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    first, _ = consultation.questions.all()
    services.save_member_answers(target, answers={first.pk: "Mine."}, by=loop.practitioner)
    with loop.at(loop.cfsn_meeting):
        services.record_consultation_answers(
            target, answers={first.pk: "=Shared form"}, by=loop.cfsn_facilitator
        )
        answered = timezone.localtime(timezone.now()).isoformat(timespec="minutes")
    client.force_login(loop.statewide_facilitator)

    response = client.get(reverse("feedback:consultation-export", args=[consultation.pk]))

    lines = b"".join(response.streaming_content).decode().splitlines()
    northern, southern = loop.cfsn.region.name, loop.other_cfsn.region.name
    first_rows = sorted(
        [
            f"{northern},Northern CFSN,1,What works?,'=Shared form,{answered},no,1",
            f"{southern},Southern CFSN,1,What works?,,,no,0",
        ]
    )
    second_rows = sorted(
        [
            f"{northern},Northern CFSN,2,What gets in the way?,,{answered},no,0",
            f"{southern},Southern CFSN,2,What gets in the way?,,,no,0",
        ]
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0] == (
        "region,forum,question_number,question,forum_answer,answered_at,late,member_answers"
    )
    assert sorted(lines[1:3]) == first_rows
    assert sorted(lines[3:5]) == second_rows


def test_consultation_export_refused_to_target_member(client, loop):
    consultation = open_for(loop)
    client.force_login(loop.practitioner)

    response = client.get(reverse("feedback:consultation-export", args=[consultation.pk]))

    assert response.status_code == 403


def test_summary_page_publishes_and_target_members_read_it(client, loop):
    consultation = open_for(loop)
    client.force_login(loop.statewide_facilitator)

    response = client.post(
        reverse("feedback:consultation-summary", args=[consultation.pk]),
        {"summary": "One intake form, drafted with ACCO partners."},
    )
    client.force_login(loop.practitioner)
    page = client.get(consultation.get_absolute_url())

    consultation.refresh_from_db()
    assert response.status_code == 302
    assert consultation.status == ConsultationStatus.CLOSED
    assert "One intake form, drafted with ACCO partners." in page.content.decode()


def test_forum_page_lists_consultations_received_and_sent(client, loop):
    consultation = open_for(loop)
    elsewhere = open_for(loop, forums=[loop.other_cfsn], title="Southern only")
    client.force_login(loop.practitioner)

    received = client.get(loop.cfsn.get_absolute_url()).content.decode()
    sent = client.get(loop.statewide.get_absolute_url()).content.decode()

    assert consultation.get_absolute_url() in received
    assert "1 of 2 forums answered" not in sent
    assert "0 of 2 forums answered" in sent
    assert elsewhere.get_absolute_url() not in sent


def test_calendar_shows_closing_date_of_consultation_to_member(client, loop):
    consultation = open_for(loop)
    client.force_login(loop.practitioner)

    response = client.get(reverse("forums:calendar"), {"year": CLOSES.year, "month": CLOSES.month})

    assert f"Consultation closes: {consultation.title}" in response.content.decode()


def test_calendar_hides_closing_date_from_other_regions(client, loop):
    open_for(loop, forums=[loop.other_cfsn])
    client.force_login(loop.practitioner)

    response = client.get(reverse("forums:calendar"), {"year": CLOSES.year, "month": CLOSES.month})

    assert "Consultation closes" not in response.content.decode()


def test_home_page_task_for_facilitator_once_meeting_started(client, loop):
    consultation = open_for(loop)
    target = consultation.targets.get(forum=loop.cfsn)
    client.force_login(loop.cfsn_facilitator)

    before = client.get(reverse("home"))
    with loop.at(loop.cfsn_meeting):
        during = client.get(reverse("home"))

    url = reverse("feedback:consultation-record-answers", args=[target.pk])
    assert url not in before.content.decode()
    assert url in during.content.decode()
    assert "Consultation awaiting your forum" in during.content.decode()


def test_other_cfsn_member_cannot_open_consultation_page(client, loop):
    consultation = open_for(loop, forums=[loop.other_cfsn])
    client.force_login(loop.practitioner)

    response = client.get(consultation.get_absolute_url())

    assert response.status_code == 403


@pytest.mark.parametrize("extra_forums", [0, 4])
def test_consultation_detail_queries_do_not_grow_with_forums(
    client, loop, extra_forums, django_assert_num_queries
):
    forums = [loop.cfsn, loop.other_cfsn, *(ForumFactory() for _ in range(extra_forums))]
    consultation = open_for(loop, forums=forums)
    target = consultation.targets.get(forum=loop.cfsn)
    question = consultation.questions.first()
    services.save_member_answers(target, answers={question.pk: "Mine."}, by=loop.practitioner)
    client.force_login(loop.statewide_facilitator)

    # Session, user (with their unread notices), consultation, memberships, own targets,
    # questions, targets, answers, questions again for the page; the layout's practice-lead
    # menu and two permission lookups.
    with django_assert_num_queries(10):
        response = client.get(consultation.get_absolute_url())

    assert len(response.context["targets"]) == 2 + extra_forums
