import pytest
from django.urls import reverse
from playwright.sync_api import expect

from members.choices import NotificationKind
from members.models import Notification, NotificationPreference
from members.unsubscribe import unsubscribe_token
from tests.factories.members import PASSWORD, NotificationFactory, UserFactory

from .conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser

WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_email_choices_page_saves_a_daily_digest_for_meetings(
    page, transactional_db, axe_source, width, height
):
    member = UserFactory()
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, member.email, PASSWORD)
    page.goto(reverse("members:notifications"))

    page.get_by_role("link", name="Email choices").click()
    assert axe_violations(page, axe_source) == []
    assert page.evaluate(WIDER_THAN_THE_SCREEN) is False
    meetings = page.get_by_role("group", name="Meetings: invitations")
    meetings.get_by_label("One email a day with all of them").check()
    page.get_by_role("button", name="Save email choices").click()

    expect(page.get_by_text("Your email choices have been saved.")).to_be_visible()
    expect(meetings.get_by_label("One email a day with all of them")).to_be_checked()
    assert NotificationPreference.objects.get(user=member, kind="meeting").delivery == "daily"


def test_notice_opened_from_the_list_is_read_and_shows_its_page(page, transactional_db):
    member = UserFactory()
    notice = NotificationFactory(recipient=member, subject="Your profile", url="/profile/")
    sign_in(page, member.email, PASSWORD)
    page.goto(reverse("members:notifications"))

    page.get_by_role("link", name="Your profile").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    assert Notification.objects.get(pk=notice.pk).read_at is not None


def test_unsubscribe_link_opened_without_signing_in_stops_those_emails(
    page, transactional_db, axe_source
):
    member = UserFactory()
    token = unsubscribe_token(member.pk, NotificationKind.ESCALATION)

    page.goto(reverse("members:notification-unsubscribe", kwargs={"token": token}))
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Stop these emails").click()

    expect(page.get_by_role("status")).to_contain_text("will get no more emails")
    assert axe_violations(page, axe_source) == []
    assert NotificationPreference.objects.get(user=member).delivery == "off"
