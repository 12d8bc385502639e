"""Who may see and do what with consultations; the selector agrees with the rule."""

import datetime as dt

import pytest
from django.utils import timezone

from feedback.selectors import consultations_visible_to
from feedback.services import consultations as services
from tests.factories.members import UserFactory

from .test_rules import ROLES, user_for


def open_to(loop, forums):
    return services.open_consultation(
        loop.statewide,
        by=loop.statewide_facilitator,
        title="Intake",
        brief="How is intake going?",
        questions=["What works?"],
        closes_on=timezone.localdate() + dt.timedelta(days=30),
        forums=forums,
    )


# Each role: (sees the one sent to Northern, sees the one sent only to Southern)
VISIBLE = {
    "anonymous": (False, False),
    "practitioner": (True, False),
    "outsider": (False, False),
    "cfsn_facilitator": (True, False),
    "statewide_facilitator": (True, True),
    "executive": (True, True),
    "administrator": (True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_consultations_visible_to_agrees_with_view_permission(loop, role):
    user = user_for(loop, role) or UserFactory.build(pk=None)
    if role == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    to_northern = open_to(loop, [loop.cfsn])
    to_southern = open_to(loop, [loop.other_cfsn])

    visible = set(consultations_visible_to(user))

    assert (to_northern in visible, to_southern in visible) == VISIBLE[role]
    assert (
        user.has_perm("feedback.view_consultation", to_northern),
        user.has_perm("feedback.view_consultation", to_southern),
    ) == VISIBLE[role]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("practitioner", False),
        ("outsider", False),
        ("cfsn_facilitator", False),
        ("statewide_facilitator", True),
        ("executive", False),
        ("administrator", True),
    ],
)
def test_open_consultation_permission_from_statewide_by_role(loop, role, allowed):
    assert user_for(loop, role).has_perm("feedback.open_consultation", loop.statewide) is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("statewide_facilitator", False),
        ("executive", True),
        ("administrator", True),
    ],
)
def test_open_consultation_permission_from_strategic_by_role(loop, role, allowed):
    assert user_for(loop, role).has_perm("feedback.open_consultation", loop.strategic) is allowed


def test_open_consultation_permission_from_a_cfsn_is_refused_to_its_facilitator(loop):
    assert not loop.cfsn_facilitator.has_perm("feedback.open_consultation", loop.cfsn)


@pytest.mark.parametrize(
    ("role", "record", "answer_own", "summarise", "all_answers"),
    [
        ("practitioner", False, True, False, False),
        ("outsider", False, False, False, False),
        ("cfsn_facilitator", True, True, False, False),
        ("statewide_facilitator", False, False, True, True),
        ("executive", False, False, False, True),
        # An administrator holds every permission; the page offers own answers only to members.
        ("administrator", True, True, True, True),
    ],
)
def test_consultation_permissions_by_role(loop, role, record, answer_own, summarise, all_answers):
    consultation = open_to(loop, [loop.cfsn])
    target = consultation.targets.get()
    user = user_for(loop, role)

    assert (
        user.has_perm("feedback.record_consultation_answers", target),
        user.has_perm("feedback.answer_consultation", target),
        user.has_perm("feedback.summarise_consultation", consultation),
        user.has_perm("feedback.view_consultation_answers", consultation),
        user.has_perm("feedback.export_consultation", consultation),
    ) == (record, answer_own, summarise, all_answers, all_answers)


def test_member_answers_permission_ends_when_the_meeting_starts(loop):
    target = open_to(loop, [loop.cfsn]).targets.get()

    with loop.at(loop.cfsn_meeting):
        assert not loop.practitioner.has_perm("feedback.answer_consultation", target)
