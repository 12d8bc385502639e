"""The forums' admin: meetings are scheduled in the portal; what an administrator corrects
here is found by portal search as corrected."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from forums.choices import ForumEventKind, MembershipRole
from forums.models import AgendaItem, ForumEvent, Meeting, Membership
from forums.services.agenda import add_agenda_item, publish_agenda
from search.selectors import MEETINGS, PortalSearch
from tests.factories.feedback import ReferralFactory
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
    ResourceFactory,
)
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def _found(text: str) -> list[str]:
    someone = get_user_model().objects.filter(is_superuser=True).first()
    return [result.title for result in PortalSearch(someone, text).results(MEETINGS)]


def test_meetings_are_not_added_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:forums_meeting_add"))

    assert response.status_code == 403
    assert Meeting.objects.count() == 0


@on_postgresql
def test_meeting_renamed_in_the_admin_is_found_by_its_new_title(admin_client):
    meeting = MeetingFactory(title="Planning day")
    url = reverse("admin:forums_meeting_change", args=[meeting.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(title="Hydrotherapy planning day", materials=[])

    admin_client.post(url, {**data, "forum": meeting.forum_id})

    assert Meeting.objects.get(pk=meeting.pk).title == "Hydrotherapy planning day"
    assert _found("hydrotherapy") == ["Hydrotherapy planning day"]


@on_postgresql
def test_agenda_item_corrected_in_the_admin_is_found_by_its_new_words(admin_client):
    facilitator = MembershipFactory(role="facilitator").user
    meeting = MeetingFactory(forum=facilitator.memberships.get().forum, title="Planning day")
    add_agenda_item(meeting, by=facilitator, title="Respite places")
    publish_agenda(meeting, by=facilitator)
    item = AgendaItem.objects.get(meeting=meeting)
    url = reverse("admin:forums_agendaitem_change", args=[item.pk])

    admin_client.post(
        url,
        {
            "position": item.position,
            "title": "Hydrotherapy places",
            "kind": item.kind,
            "minutes_allotted": item.minutes_allotted,
            "presenter": "",
            "description": "",
        },
    )

    assert AgendaItem.objects.get(pk=item.pk).title == "Hydrotherapy places"
    assert _found("hydrotherapy") == ["Planning day"]


def test_what_only_the_portal_changes_of_a_meeting_or_an_action_is_read_only_here(admin_client):
    action = ActionItemFactory(title="Circulate the pathway")
    meeting = action.meeting

    meeting_form = (
        admin_client.get(reverse("admin:forums_meeting_change", args=[meeting.pk]))
        .context["adminform"]
        .form
    )
    action_form = (
        admin_client.get(reverse("admin:forums_actionitem_change", args=[action.pk]))
        .context["adminform"]
        .form
    )

    assert {"forum", "kind", "place", "online_link", "minutes_published_at"}.isdisjoint(
        meeting_form.fields
    )
    assert "title" in meeting_form.fields
    assert {"title", "forum", "status", "completed_at"}.isdisjoint(action_form.fields)
    assert {"owner", "due_date"} <= set(action_form.fields)


def test_an_agenda_item_bringing_an_issue_is_not_deleted_in_the_admin(admin_client):
    meeting = MeetingFactory()
    carrying = AgendaItemFactory(meeting=meeting, title="Interpreter bookings")
    ReferralFactory(forum=meeting.forum, agenda_item=carrying)
    plain = AgendaItemFactory(meeting=meeting, title="Welcome")

    refused = admin_client.post(
        reverse("admin:forums_agendaitem_delete", args=[carrying.pk]), {"post": "yes"}
    )
    allowed = admin_client.post(
        reverse("admin:forums_agendaitem_delete", args=[plain.pk]), {"post": "yes"}
    )

    assert refused.status_code == 403
    assert allowed.status_code == 302
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Interpreter bookings"]


# --- Memberships, through the portal's services ------------------------------------------


def test_a_member_added_in_the_admin_is_recorded_as_on_the_members_page(admin_client):
    forum = ForumFactory(name="Northern CFSN")
    person = UserFactory(email="alex@example.org", display_name="Alex")

    response = admin_client.post(
        reverse("admin:forums_membership_add"),
        {"user": person.pk, "forum": forum.pk, "role": MembershipRole.FACILITATOR},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=person, forum=forum)
    assert membership.role == MembershipRole.FACILITATOR
    event = ForumEvent.objects.get(forum=forum, kind=ForumEventKind.MEMBERSHIP_CHANGED)
    assert event.note == "Added Alex as facilitator"


def test_the_admin_gives_no_executive_role_outside_the_strategic_forum(admin_client):
    forum = ForumFactory(name="Northern CFSN")
    person = UserFactory()

    response = admin_client.post(
        reverse("admin:forums_membership_add"),
        {"user": person.pk, "forum": forum.pk, "role": MembershipRole.EXECUTIVE},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["role"] == [
        "Executive members belong to the Strategic Leadership Forum: choose another role."
    ]
    assert not Membership.objects.filter(user=person).exists()


def test_a_role_changed_or_a_member_removed_in_the_admin_is_a_forum_event(admin_client):
    membership = MembershipFactory(user=UserFactory(display_name="Alex"))
    forum = membership.forum

    changed = admin_client.post(
        reverse("admin:forums_membership_change", args=[membership.pk]),
        {"role": MembershipRole.CHAIR},
    )
    removed = admin_client.post(
        reverse("admin:forums_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert changed.status_code == 302
    assert removed.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    notes = list(
        ForumEvent.objects.filter(forum=forum, kind=ForumEventKind.MEMBERSHIP_CHANGED)
        .order_by("pk")
        .values_list("note", flat=True)
    )
    assert notes == ["Alex: member -> chair", "Removed Alex"]


def test_a_membership_saved_unchanged_in_the_admin_records_no_change(admin_client):
    membership = MembershipFactory(role=MembershipRole.FACILITATOR)

    saved = admin_client.post(
        reverse("admin:forums_membership_change", args=[membership.pk]),
        {"role": MembershipRole.FACILITATOR},
    )

    assert saved.status_code == 302
    assert not ForumEvent.objects.filter(forum=membership.forum).exists()


def test_an_action_is_handed_in_the_admin_only_to_a_current_member_of_its_forum(admin_client):
    action = ActionItemFactory(title="Circulate the pathway")
    MembershipFactory(user=action.owner, forum=action.forum)
    outsider = UserFactory()
    member = MembershipFactory(forum=action.forum).user
    url = reverse("admin:forums_actionitem_change", args=[action.pk])
    form = {"due_date": action.due_date.isoformat()}

    refused = admin_client.post(url, {**form, "owner": outsider.pk})
    handed = admin_client.post(url, {**form, "owner": member.pk})

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["owner"] == [
        "An action's owner must be a member of the forum."
    ]
    assert handed.status_code == 302
    action.refresh_from_db()
    assert action.owner == member


def _form_data(form, **changes) -> dict:
    """What an admin change form posts as it was drawn, with `changes`."""
    data = {}
    for name, value in form.initial.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            value = [getattr(each, "pk", each) for each in value]
        data[name] = getattr(value, "pk", value)
    return {**data, **changes}


IDENTIFYING = "Call Jo Smith's mother on 0412 345 678"


@pytest.mark.parametrize(
    ("make", "field", "value"),
    [
        (lambda: AgendaItemFactory(), "notes", IDENTIFYING),
        (lambda: AgendaItemFactory(), "description", IDENTIFYING),
        (lambda: AgendaItemFactory(), "presenter", "Sam Lee, 0412 345 678"),
        (lambda: DecisionFactory(), "text", IDENTIFYING),
        (lambda: MeetingFactory(), "title", "Case review: phone 0412 345 678"),
        (lambda: ResourceFactory(), "url", "https://example.org/case?phone=0412+345+678"),
    ],
)
def test_text_changed_in_the_admin_passes_the_privacy_guard_beside_its_field(
    admin_client, make, field, value
):
    row = make()
    name = type(row)._meta.model_name
    url = reverse(f"admin:forums_{name}_change", args=[row.pk])
    form = admin_client.get(url).context["adminform"].form

    response = admin_client.post(url, _form_data(form, **{field: value}))

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors[field]
    assert "0412 345 678" in error
    assert "identifying client information" in error
    assert getattr(type(row).objects.get(pk=row.pk), field) == getattr(row, field)


def test_a_title_kept_as_it_was_in_the_admin_is_not_read_again_by_the_guard(admin_client):
    paper = ResourceFactory(title="Issues register, 1 July 2025 to 30 September 2025")
    url = reverse("admin:forums_resource_change", args=[paper.pk])
    form = admin_client.get(url).context["adminform"].form

    response = admin_client.post(url, _form_data(form, url="https://example.org/register"))

    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.url == "https://example.org/register"


def test_a_resource_given_a_meeting_of_another_forum_in_the_admin_is_refused_beside_it(
    admin_client,
):
    resource = ResourceFactory()
    elsewhere = MeetingFactory()
    url = reverse("admin:forums_resource_change", args=[resource.pk])
    form = admin_client.get(url).context["adminform"].form

    response = admin_client.post(url, _form_data(form, meeting=elsewhere.pk))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["meeting"] == [
        "That meeting belongs to another forum."
    ]
    resource.refresh_from_db()
    assert resource.meeting_id != elsewhere.pk
