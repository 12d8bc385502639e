import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.choices import ActionStatus, ForumEventKind, MeetingStatus, MembershipRole
from forums.exceptions import ForumActionRefused
from forums.models import ActionItem, Decision, ForumEvent, Membership
from forums.selectors.actions import actions_owned_by, open_actions_for_forum
from forums.services.membership import remove_member
from forums.services.minutes import (
    add_action_item,
    publish_minutes,
    record_item_decision,
    record_minutes,
    update_action_status,
)
from members.models import Notification, User
from members.services import deactivate_account
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
)
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    start = timezone.now() - dt.timedelta(hours=3)
    return MeetingFactory(start=start, end=start + dt.timedelta(hours=2))


@pytest.fixture
def facilitator(meeting):
    return MembershipFactory(forum=meeting.forum, role=MembershipRole.FACILITATOR).user


def test_record_minutes_saves_notes_and_one_decision_per_item(meeting, facilitator):
    item = AgendaItemFactory(meeting=meeting)
    other = AgendaItemFactory(meeting=meeting)
    DecisionFactory(agenda_item=other, text="Old decision")

    record_minutes(
        meeting,
        by=facilitator,
        notes={item.pk: "Discussed the referral pathway.", other.pk: ""},
        decisions={item.pk: "Adopt the pathway.", other.pk: ""},
    )

    item.refresh_from_db()
    assert item.notes == "Discussed the referral pathway."
    assert list(Decision.objects.values_list("agenda_item", "text")) == [
        (item.pk, "Adopt the pathway.")
    ]
    assert ForumEvent.objects.filter(kind=ForumEventKind.MINUTES_RECORDED).count() == 1


def test_record_minutes_of_draft_meeting_is_refused(facilitator):
    with pytest.raises(ForumActionRefused, match="draft"):
        record_minutes(
            MeetingFactory(status=MeetingStatus.DRAFT), by=facilitator, notes={}, decisions={}
        )


def test_publish_minutes_stamps_and_notifies_members(
    meeting, facilitator, django_capture_on_commit_callbacks
):
    member = MembershipFactory(forum=meeting.forum).user

    with django_capture_on_commit_callbacks(execute=True):
        publish_minutes(meeting, by=facilitator)

    meeting.refresh_from_db()
    assert meeting.minutes_published_at is not None
    assert Notification.objects.filter(recipient=member, url=meeting.get_absolute_url()).exists()


def test_add_action_item_for_non_member_owner_is_refused(meeting, facilitator):
    with pytest.raises(ForumActionRefused, match="member of the forum"):
        add_action_item(
            meeting,
            by=facilitator,
            title="Write it up",
            owner=UserFactory(),
            due_date=timezone.localdate(),
        )


def test_add_action_item_for_a_member_who_left_the_portal_is_refused(meeting, facilitator):
    owner = MembershipFactory(forum=meeting.forum, user__display_name="Lee Left").user
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    with pytest.raises(ForumActionRefused) as refused:
        add_action_item(
            meeting, by=facilitator, title="Write it up", owner=owner, due_date=timezone.localdate()
        )

    assert str(refused.value) == (
        "That person has left the portal: give the action to a current member."
    )
    assert not ActionItem.objects.exists()


def test_add_action_item_for_a_member_who_left_after_the_form_was_drawn_is_refused(
    meeting, facilitator
):
    owner = MembershipFactory(forum=meeting.forum).user
    deactivate_account(User.objects.get(pk=owner.pk), by=facilitator)

    with pytest.raises(ForumActionRefused, match="has left the portal"):
        add_action_item(
            meeting, by=facilitator, title="Write it up", owner=owner, due_date=timezone.localdate()
        )

    assert owner.is_active is True  # the object the form handed over, read before they left
    assert not ActionItem.objects.exists()


def test_action_form_offers_only_members_still_in_the_portal(client, meeting, facilitator):
    current = MembershipFactory(forum=meeting.forum, user__display_name="Cam Current").user
    left = MembershipFactory(forum=meeting.forum, user__display_name="Lee Left").user
    left.is_active = False
    left.save(update_fields=["is_active"])
    client.force_login(facilitator)

    response = client.get(reverse("forums:action-create", kwargs={"pk": meeting.pk}))

    owners = set(response.context["form"].fields["owner"].queryset)
    assert current in owners
    assert left not in owners
    assert "Lee Left" not in response.content.decode()


def test_add_action_item_notifies_owner(meeting, facilitator):
    owner = MembershipFactory(forum=meeting.forum).user

    action = add_action_item(
        meeting, by=facilitator, title="Write it up", owner=owner, due_date=timezone.localdate()
    )

    assert (action.forum, action.status) == (meeting.forum, ActionStatus.OPEN)
    assert Notification.objects.filter(recipient=owner, subject="New action: Write it up").exists()


def test_update_action_status_done_sets_completed_at_and_reopen_clears_it(member):
    action = ActionItemFactory(owner=member)

    update_action_status(action, by=member, status=ActionStatus.DONE)
    action.refresh_from_db()
    done_at = action.completed_at
    update_action_status(action, by=member, status=ActionStatus.OPEN)
    action.refresh_from_db()

    assert done_at is not None
    assert action.completed_at is None


def test_open_actions_for_forum_leaves_out_done_and_other_forums():
    action = ActionItemFactory()
    ActionItemFactory(meeting=action.meeting, status=ActionStatus.DONE)
    ActionItemFactory()

    assert list(open_actions_for_forum(action.forum)) == [action]


def test_actions_owned_by_splits_open_and_done(member):
    open_action = ActionItemFactory(owner=member)
    done = ActionItemFactory(owner=member, status=ActionStatus.DONE)

    actions = actions_owned_by(member)

    assert (actions.open, actions.done) == ([open_action], [done])


# --- views ---------------------------------------------------------------------------


def test_minutes_edit_view_saves_notes_and_decision(client, meeting, facilitator):
    item = AgendaItemFactory(meeting=meeting, title="Referrals")
    client.force_login(facilitator)
    url = reverse("forums:minutes-edit", kwargs={"pk": meeting.pk})

    html = client.get(url).content.decode()
    response = client.post(
        url, {f"notes_{item.pk}": "Went well.", f"decision_{item.pk}": "Keep going."}
    )

    assert "Minutes for &#x27;Referrals&#x27;" in html
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.notes, Decision.objects.get().text) == ("Went well.", "Keep going.")


def _as_drawn(response) -> dict[str, str]:
    """What the minutes form posts when saved untouched: each text and what it read."""
    form = response.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_saving_the_minutes_keeps_a_decision_recorded_since_the_form_was_opened(
    client, meeting, facilitator
):
    outcome, other = AgendaItemFactory(meeting=meeting), AgendaItemFactory(meeting=meeting)
    client.force_login(facilitator)
    url = reverse("forums:minutes-edit", kwargs={"pk": meeting.pk})
    data = _as_drawn(client.get(url))
    record_item_decision(outcome, by=facilitator, text="Escalated to the State-wide Forum.")
    later = AgendaItemFactory(meeting=meeting)
    DecisionFactory(agenda_item=later, text="Added after the form was drawn.")

    data[f"notes_{other.pk}"] = "Discussed the pathway."
    response = client.post(url, data)

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.notes == "Discussed the pathway."
    assert dict(Decision.objects.values_list("agenda_item", "text")) == {
        outcome.pk: "Escalated to the State-wide Forum.",
        later.pk: "Added after the form was drawn.",
    }


def test_saving_the_minutes_keeps_a_change_of_line_breaks_alone(client, meeting, facilitator):
    item = AgendaItemFactory(meeting=meeting, notes="Point one. Point two.")
    client.force_login(facilitator)
    url = reverse("forums:minutes-edit", kwargs={"pk": meeting.pk})
    data = _as_drawn(client.get(url))

    data[f"notes_{item.pk}"] = "Point one.\r\n\r\nPoint two."
    response = client.post(url, data)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.notes == "Point one.\n\nPoint two."


def test_saving_over_a_text_changed_meanwhile_says_so_keeps_both_then_saves_again(
    client, meeting, facilitator
):
    item = AgendaItemFactory(meeting=meeting, notes="First draft.")
    client.force_login(facilitator)
    url = reverse("forums:minutes-edit", kwargs={"pk": meeting.pk})
    data = _as_drawn(client.get(url))
    record_minutes(meeting, by=facilitator, notes={item.pk: "A colleague's notes."}, decisions={})

    data[f"notes_{item.pk}"] = "My notes."
    refused = client.post(url, data)
    item.refresh_from_db()
    kept = item.notes
    again = client.post(url, _as_drawn(refused))

    assert refused.status_code == 200
    assert refused.context["form"].errors[f"notes_{item.pk}"] == [
        "Someone else changed this meanwhile. It now reads: A colleague's notes."
    ]
    assert refused.context["form"][f"notes_{item.pk}"].value() == "My notes."
    assert kept == "A colleague's notes."
    assert again.status_code == 302
    item.refresh_from_db()
    assert item.notes == "My notes."


def test_minutes_and_actions_of_a_meeting_not_yet_started_are_refused(client, facilitator):
    forum = Membership.objects.get(user=facilitator).forum
    start = timezone.now() + dt.timedelta(days=7)
    coming = MeetingFactory(forum=forum, start=start, end=start + dt.timedelta(hours=2))
    item = AgendaItemFactory(meeting=coming, title="Referrals")
    owner = MembershipFactory(forum=forum).user
    client.force_login(facilitator)

    minutes = client.post(
        reverse("forums:minutes-edit", kwargs={"pk": coming.pk}),
        {f"notes_{item.pk}": "Written early.", f"decision_{item.pk}": "Decided early."},
    )
    action = client.post(
        reverse("forums:action-create", kwargs={"pk": coming.pk}),
        {"title": "Do it early", "owner": owner.pk, "due_date": "2031-01-01"},
    )

    assert "Minutes can be recorded once the meeting has started." in minutes.content.decode()
    assert "Actions are given at a meeting once it has started." in action.content.decode()
    item.refresh_from_db()
    assert (item.notes, Decision.objects.count(), ActionItem.objects.count()) == ("", 0, 0)


def test_action_create_view_bad_date_reshows_form_with_input_kept(client, meeting, facilitator):
    owner = MembershipFactory(forum=meeting.forum).user
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:action-create", kwargs={"pk": meeting.pk}),
        {"title": "Draft the letter", "owner": owner.pk, "due_date": "not a date"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["due_date"]
    assert 'value="Draft the letter"' in response.content.decode()
    assert ActionItem.objects.count() == 0


def test_action_create_view_refuses_owner_outside_forum(client, meeting, facilitator):
    client.force_login(facilitator)

    response = client.post(
        reverse("forums:action-create", kwargs={"pk": meeting.pk}),
        {"title": "Draft", "owner": UserFactory().pk, "due_date": "2031-01-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["owner"]


def _owned_by(member, **values) -> ActionItem:
    """An action given to a member of its forum, as the portal gives them."""
    action = ActionItemFactory(owner=member, **values)
    MembershipFactory(forum=action.forum, user=member)
    return action


def test_action_update_view_by_owner_marks_done_and_returns_to_next(client, member):
    action = _owned_by(member)
    client.force_login(member)

    response = client.post(
        reverse("forums:action-update", kwargs={"pk": action.pk}),
        {"status": "done", "next": reverse("forums:my-actions")},
    )

    assert response.url == reverse("forums:my-actions")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


@pytest.mark.parametrize("wanted", ["https://evil.example/", "abc", "23:59", "forums:my-actions"])
def test_action_update_view_ignores_a_next_that_is_not_a_path_here(client, member, wanted):
    action = _owned_by(member)
    client.force_login(member)

    response = client.post(
        reverse("forums:action-update", kwargs={"pk": action.pk}),
        {"status": "in_progress", "next": wanted},
    )

    assert response.status_code == 302
    assert response.url == reverse("forums:my-actions")


def test_an_owner_who_left_the_forum_can_no_longer_update_its_action(client, member):
    action = _owned_by(member, title="Map the referral pathways")
    facilitator = MembershipFactory(forum=action.forum, role=MembershipRole.FACILITATOR).user
    remove_member(Membership.objects.get(forum=action.forum, user=member), by=facilitator)
    client.force_login(member)

    response = client.post(
        reverse("forums:action-update", kwargs={"pk": action.pk}), {"status": "done"}
    )
    html = client.get(reverse("forums:my-actions")).content.decode()

    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert "Map the referral pathways" in html
    assert 'name="status"' not in html
    assert "You are no longer a member of this forum" in html
    assert facilitator.has_perm("forums.update_action", action)


def test_action_update_view_an_action_following_a_response_is_refused_beside_its_status(client):
    action = ActionItemFactory(title="Fund a shared intake form", follows_progress=True)
    client.force_login(UserFactory(is_superuser=True))

    response = client.post(
        reverse("forums:action-update", kwargs={"pk": action.pk}), {"status": "done"}
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["status"]
    assert "follows the progress its owner reports on the practice issue" in error
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_my_actions_marks_overdue_with_class_and_word(client, member):
    ActionItemFactory(
        owner=member, title="Late one", due_date=timezone.localdate() - dt.timedelta(1)
    )
    client.force_login(member)

    html = client.get(reverse("forums:my-actions")).content.decode()

    assert 'class="overdue"' in html
    assert "Overdue" in html
    assert "Late one" in html


@pytest.mark.parametrize("size", [1, 8])
def test_my_actions_query_count_is_fixed_whatever_the_rows(
    client, member, django_assert_max_num_queries, size
):
    for _ in range(size):
        _owned_by(member)
        _owned_by(member, status=ActionStatus.DONE)
    client.force_login(member)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("forums:my-actions"))

    assert response.content.decode().count('name="status"') == 2 * size


def test_minutes_edit_view_with_a_client_phone_number_is_refused_and_kept(
    client, meeting, facilitator
):
    item = AgendaItemFactory(meeting=meeting, title="Referrals")
    client.force_login(facilitator)
    text = "Mum can be reached on 0412 345 678."

    response = client.post(
        reverse("forums:minutes-edit", kwargs={"pk": meeting.pk}),
        {f"notes_{item.pk}": text, f"decision_{item.pk}": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "identifying client information: a phone number “0412 345 678” on line 1" in html
    assert text in html
    item.refresh_from_db()
    assert item.notes == ""


def test_minutes_edit_view_refuses_notes_over_the_limit_and_keeps_them(
    client, meeting, facilitator
):
    item = AgendaItemFactory(meeting=meeting, title="Referrals")
    client.force_login(facilitator)
    notes = "Went well. " * 2_000

    response = client.post(
        reverse("forums:minutes-edit", kwargs={"pk": meeting.pk}),
        {f"notes_{item.pk}": notes, f"decision_{item.pk}": ""},
    )

    assert response.context["form"].errors[f"notes_{item.pk}"] == [
        "Ensure this value has at most 20000 characters (it has 21999)."
    ]
    assert 'maxlength="20000"' in response.content.decode()
    item.refresh_from_db()
    assert item.notes == ""


def test_action_create_view_title_with_line_break_is_stored_on_one_line(
    client, meeting, facilitator
):
    owner = MembershipFactory(forum=meeting.forum).user
    client.force_login(facilitator)

    client.post(
        reverse("forums:action-create", kwargs={"pk": meeting.pk}),
        {"title": "Draft\r\nthe letter", "owner": owner.pk, "due_date": "2031-01-01"},
    )

    assert ActionItem.objects.get().title == "Draft the letter"
