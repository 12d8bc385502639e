"""The pages people use to read notices, choose their emails and stop them."""

import pytest
from django.test import Client
from django.urls import reverse

from members.choices import Delivery, NotificationKind
from members.models import Notification, NotificationPreference
from members.unsubscribe import unsubscribe_token
from tests.factories.members import (
    NotificationFactory,
    NotificationPreferenceFactory,
    UserFactory,
)

SETTINGS_URL = reverse("members:notification-settings")
EVERY_KIND_IMMEDIATE = dict.fromkeys(NotificationKind.values, Delivery.IMMEDIATE)


def open_url(notification: Notification) -> str:
    return reverse("members:notification-open", kwargs={"pk": notification.pk})


def unsubscribe_url(user_id: int, kind: str | None) -> str:
    return reverse(
        "members:notification-unsubscribe", kwargs={"token": unsubscribe_token(user_id, kind)}
    )


def preferences(user) -> dict[str, str]:
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))


# --- Opening a notice -----------------------------------------------------------------------


def test_notification_open_by_recipient_marks_it_read_and_goes_to_its_object(member_client, member):
    notice = NotificationFactory(recipient=member, url="/feedback/issues/7/")

    response = member_client.get(open_url(notice))

    notice.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/feedback/issues/7/")
    assert notice.read_at is not None


def test_notification_open_twice_keeps_the_first_reading(member_client, member):
    notice = NotificationFactory(recipient=member, url="/forums/")
    member_client.get(open_url(notice))
    notice.refresh_from_db()
    first = notice.read_at

    member_client.get(open_url(notice))

    notice.refresh_from_db()
    assert notice.read_at == first


def test_notification_open_of_someone_elses_notice_is_not_found_and_stays_unread(
    member_client,
):
    notice = NotificationFactory(recipient=UserFactory(), url="/forums/")

    response = member_client.get(open_url(notice))

    notice.refresh_from_db()
    assert response.status_code == 404
    assert notice.read_at is None


@pytest.mark.parametrize(
    "url",
    ["https://elsewhere.example/phish", "//elsewhere.example/phish", "/\\elsewhere.example", ""],
)
def test_notification_open_with_a_link_off_the_portal_goes_to_the_list(member_client, member, url):
    notice = NotificationFactory(recipient=member, url=url)

    response = member_client.get(open_url(notice))

    notice.refresh_from_db()
    assert response["Location"] == reverse("members:notifications")
    assert notice.read_at is not None


def test_notification_list_links_each_notice_through_its_opening(member_client, member):
    linked = NotificationFactory(recipient=member, subject="Agenda: March", url="/forums/")
    NotificationFactory(recipient=member, subject="Welcome", url="")

    page = member_client.get(reverse("members:notifications")).content.decode()

    assert f'<a href="{open_url(linked)}">Agenda: March</a>' in page
    assert "<a href" not in page.split("Welcome")[0].rsplit("<li", 1)[1]
    assert f'href="{SETTINGS_URL}"' in page


# --- Choosing emails ------------------------------------------------------------------------


def test_notification_settings_page_asks_once_per_kind_with_a_legend(member_client, member):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING)

    response = member_client.get(SETTINGS_URL)

    page = response.content.decode()
    assert page.count("<legend") == len(NotificationKind.values) == 7
    assert response.context["form"]["meeting"].initial == "daily"
    assert response.context["form"]["action"].initial == "immediate"


def test_notification_settings_page_saved_records_each_choice(member_client, member):
    choices = {**EVERY_KIND_IMMEDIATE, "meeting": "weekly", "issue_update": "daily"}

    response = member_client.post(SETTINGS_URL, choices)

    assert (response.status_code, response["Location"]) == (302, SETTINGS_URL)
    assert preferences(member) == choices


def test_notification_settings_page_with_an_unknown_choice_saves_nothing(member_client, member):
    response = member_client.post(SETTINGS_URL, {**EVERY_KIND_IMMEDIATE, "meeting": "hourly"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "meeting": ["Select a valid choice. hourly is not one of the available choices."]
    }
    assert preferences(member) == {}


def test_profile_page_links_to_the_email_choices(member_client):
    page = member_client.get(reverse("members:profile")).content.decode()

    assert f'href="{SETTINGS_URL}"' in page


# --- Unsubscribing --------------------------------------------------------------------------


def test_unsubscribe_page_without_signing_in_asks_before_changing_anything(client, member):
    response = client.get(unsubscribe_url(member.pk, "meeting"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Stop emails to " + member.email in " ".join(page.split())
    assert "about meetings: invitations, reminders, agendas and minutes?" in page
    assert preferences(member) == {}


def test_unsubscribe_confirmed_turns_that_kind_off_only(client, member):
    response = client.post(unsubscribe_url(member.pk, "meeting"))

    assert response.status_code == 200
    assert "will get no more emails" in response.content.decode()
    assert preferences(member) == {"meeting": "off"}


def test_unsubscribe_from_everything_turns_every_kind_off(client, member):
    client.post(unsubscribe_url(member.pk, None))

    assert preferences(member) == dict.fromkeys(NotificationKind.values, Delivery.OFF)


def test_unsubscribe_one_click_post_from_a_mail_program_needs_no_csrf_token(member):
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(
        unsubscribe_url(member.pk, "escalation"), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert preferences(member) == {"escalation": "off"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_unsubscribe_with_a_tampered_token_is_refused_and_changes_nothing(client, member, method):
    token = unsubscribe_token(member.pk, "meeting")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    url = reverse("members:notification-unsubscribe", kwargs={"token": tampered})

    response = getattr(client, method)(url)

    assert response.status_code == 400
    assert "This unsubscribe link is not recognised" in response.content.decode()
    assert preferences(member) == {}


def test_unsubscribe_for_a_deactivated_account_is_refused(client, db):
    former = UserFactory(is_active=False)

    response = client.post(unsubscribe_url(former.pk, None))

    assert response.status_code == 400
    assert preferences(former) == {}
