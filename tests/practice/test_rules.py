import pytest

from forums.choices import MembershipRole
from practice.choices import GuidanceStatus
from tests.factories.forums import (
    ForumFactory,
    MembershipFactory,
    StatewideForumFactory,
    StrategicForumFactory,
)
from tests.factories.members import UserFactory
from tests.factories.practice import GuidanceItemFactory, PracticeLeadFactory

pytestmark = pytest.mark.django_db

PERMISSIONS = (
    "practice.view_guidanceitem",
    "practice.add_guidanceitem",
    "practice.change_guidanceitem",
    "practice.review_guidanceitem",
    "practice.supersede_guidanceitem",
)


def _person(role: str, item):
    if role == "owner":
        return item.owner
    if role == "administrator":
        return UserFactory(is_superuser=True)
    if role == "practice_lead":
        return PracticeLeadFactory().user
    if role == "statewide_facilitator":
        forum = StatewideForumFactory()
        return MembershipFactory(forum=forum, role=MembershipRole.FACILITATOR).user
    if role == "strategic_chair":
        forum = StrategicForumFactory()
        return MembershipFactory(forum=forum, role=MembershipRole.CHAIR).user
    if role == "strategic_executive":
        forum = StrategicForumFactory()
        return MembershipFactory(forum=forum, role=MembershipRole.EXECUTIVE).user
    if role == "statewide_member":
        return MembershipFactory(forum=StatewideForumFactory()).user
    if role == "cfsn_facilitator":
        return MembershipFactory(forum=ForumFactory(), role=MembershipRole.FACILITATOR).user
    return UserFactory()


# view, add, change, review, supersede of a current item someone else owns (the owner row:
# their own item).
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("member", (True, False, False, False, False)),
        ("owner", (True, False, True, True, False)),
        ("cfsn_facilitator", (True, False, False, False, False)),
        ("statewide_member", (True, False, False, False, False)),
        ("statewide_facilitator", (True, True, True, True, True)),
        ("strategic_chair", (True, True, True, True, True)),
        ("strategic_executive", (True, True, True, True, True)),
        ("practice_lead", (True, True, True, True, True)),
        ("administrator", (True, True, True, True, True)),
    ],
)
def test_guidance_permissions_by_role_on_current_item(role, expected):
    item = GuidanceItemFactory()
    person = _person(role, item)

    assert tuple(person.has_perm(name, item) for name in PERMISSIONS) == expected


@pytest.mark.parametrize("role", ["owner", "practice_lead"])
def test_guidance_permissions_on_superseded_item_allow_only_reading(role):
    item = GuidanceItemFactory(
        status=GuidanceStatus.SUPERSEDED, superseded_by=GuidanceItemFactory()
    )
    person = _person(role, item)

    assert [person.has_perm(name, item) for name in PERMISSIONS] == [
        True,
        role != "owner",
        False,
        False,
        False,
    ]


def test_guidance_view_permission_for_anonymous_is_refused():
    from django.contrib.auth.models import AnonymousUser

    assert AnonymousUser().has_perm("practice.view_guidanceitem", GuidanceItemFactory()) is False
