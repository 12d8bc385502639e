"""A member's own data: download it, leave the portal, and nothing kept longer than needed."""

import datetime as dt
import json

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.choices import NotificationKind
from members.models import Notification
from members.services import deactivate_account, prune_personal_data
from members.tasks import prune_personal_data as prune_task
from tests.factories.feedback import CommentFactory, EndorsementFactory, PracticeIssueFactory
from tests.factories.forums import MembershipFactory
from tests.factories.insights import ExportFactory
from tests.factories.members import NotificationFactory, NotificationPreferenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def download(client) -> dict:
    response = client.get(reverse("members:personal-data-download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cop-portal-my-data-')
    return json.loads(response.content)


def test_download_holds_the_members_issues_comments_endorsements_and_notifications(
    member_client, member
):
    own = PracticeIssueFactory(raised_by=member, title="Intake forms repeat questions")
    open_issue = PracticeIssueFactory(title="Transport to family group conferences")
    CommentFactory(issue=open_issue, author=member, body="Same in the north.")
    EndorsementFactory(issue=open_issue, user=member)
    NotificationFactory(recipient=member, subject="Your issue is on an agenda")
    MembershipFactory(user=member)

    data = download(member_client)

    assert data["profile"]["email"] == member.email
    assert [issue["title"] for issue in data["issues_raised"]] == ["Intake forms repeat questions"]
    assert data["issues_raised"][0]["reference"] == own.reference
    assert [(c["issue_title"], c["comment"]) for c in data["comments"]] == [
        ("Transport to family group conferences", "Same in the north.")
    ]
    assert [e["issue"] for e in data["endorsements"]] == [open_issue.reference]
    assert [n["subject"] for n in data["notifications"]] == ["Your issue is on an agenda"]
    assert len(data["forum_memberships"]) == 1


def test_download_holds_how_the_member_signs_in_without_any_secret(member_client, member):
    EmailAddress.objects.create(user=member, email="alex.home@example.org", verified=False)
    SocialAccount.objects.create(
        user=member, provider="agency", uid="sub-4471", extra_data={"name": "Alex at Agency"}
    )
    Authenticator.objects.create(
        user=member, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )

    data = download(member_client)

    sign_in = data["sign_in"]
    assert "alex.home@example.org" in [a["email"] for a in sign_in["email_addresses"]]
    [account] = sign_in["organisation_accounts"]
    assert (account["provider"], account["account_id"]) == ("agency", "sub-4471")
    assert account["details_from_the_organisation"] == {"name": "Alex at Agency"}
    assert [m["kind"] for m in sign_in["two_factor_methods"]] == ["TOTP Authenticator"]
    assert "JBSWY3DPEHPK3PXP" not in json.dumps(data)


def test_download_names_no_restricted_issue_of_someone_else(member_client, member):
    hidden = PracticeIssueFactory(
        restricted=True,
        title="Hidden restricted matter",
        description="Only the Hume forum may read this.",
    )
    # Endorsed and commented while the member could still see it (they have since left).
    EndorsementFactory(issue=hidden, user=member)
    CommentFactory(issue=hidden, author=member, body="We saw this too.")
    PracticeIssueFactory(title="Someone else's open issue")

    data = download(member_client)

    text = json.dumps(data)
    assert "Hidden restricted matter" not in text
    assert "Only the Hume forum may read this." not in text
    assert "Someone else's open issue" not in text
    assert data["issues_raised"] == []
    assert [(e["issue"], e["issue_title"]) for e in data["endorsements"]] == [
        (hidden.reference, "Withheld: a restricted issue you can no longer see")
    ]
    assert data["comments"][0]["comment"] == "We saw this too."


def test_download_of_someone_else_is_not_possible_anonymously(client):
    response = client.get(reverse("members:personal-data-download"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _signed_in(client, member, password):
    # Deactivating asks for the password again, as turning off a second factor does.
    client.post(reverse("account_login"), {"login": member.email, "password": password})
    client.post(reverse("account_reauthenticate"), {"password": password})
    return client


def test_deactivate_signs_out_and_attributes_issues_to_a_former_member(
    client, member, password, django_capture_on_commit_callbacks
):
    issue = PracticeIssueFactory(raised_by=member)
    NotificationFactory(recipient=member, subject="Owed")
    _signed_in(client, member, password)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:account-deactivate"), {"confirm": "on"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active is False
    assert client.get(reverse("home")).status_code == 302
    owed = Notification.objects.get(recipient=member, subject="Owed")
    assert owed.sent_at is None
    assert owed.next_attempt_at is None
    reader = Client()
    reader.force_login(UserFactory())
    page = reader.get(issue.get_absolute_url()).content.decode()
    assert "a former member" in page
    assert member.display_name not in page
    client.logout()
    client.post(reverse("account_login"), {"login": member.email, "password": password})
    assert client.get(reverse("home")).status_code == 302


def test_an_account_made_active_again_is_not_signed_in_by_its_old_sessions(member, password):
    other_browser, other_member = Client(), Client()
    other_browser.force_login(member)
    other_member.force_login(UserFactory())
    leaving = _signed_in(Client(), member, password)
    leaving.post(reverse("members:account-deactivate"), {"confirm": "on"})

    # An administrator takes the member back (a mistake undone, say).
    type(member).objects.filter(pk=member.pk).update(is_active=True)

    assert other_browser.get(reverse("home")).status_code == 302
    assert leaving.get(reverse("home")).status_code == 302
    assert other_member.get(reverse("home")).status_code == 200


def test_deactivate_without_confirming_keeps_the_account(client, member, password):
    _signed_in(client, member, password)

    response = client.post(reverse("members:account-deactivate"), {})

    assert response.status_code == 200
    assert "Tick the box to confirm that you want to leave." in response.content.decode()
    member.refresh_from_db()
    assert member.is_active is True


def test_deactivate_asks_for_the_password_again(member_client):
    response = member_client.get(reverse("members:account-deactivate"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_former_member_attribution_off_shows_the_name(settings, member):
    settings.FORMER_MEMBER_ATTRIBUTION = False
    deactivate_account(member, by=member)
    member.refresh_from_db()

    assert str(member) == member.display_name


def test_prune_deletes_old_notifications_and_stale_sessions(settings):
    settings.NOTIFICATION_RETENTION_DAYS = 365
    settings.SESSION_RETENTION_DAYS = 30
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=400), tick=False):
        old = NotificationFactory(sent_at=timezone.now(), subject="Old and sent")
        old_owed = NotificationFactory(subject="Old and still owed")
        stale = SessionStore()
        stale["k"] = "v"
        stale.create()
    recent = NotificationFactory(subject="Recent")
    fresh = SessionStore()
    fresh["k"] = "v"
    fresh.create()

    pruned = prune_personal_data(now=now)

    assert pruned.notifications == 1
    assert pruned.sessions == 1
    assert set(Notification.objects.values_list("subject", flat=True)) == {
        old_owed.subject,
        recent.subject,
    }
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh.session_key]
    assert prune_personal_data(now=now).notifications == 0


def test_prune_runs_daily_on_beat_through_its_task():
    NotificationFactory(subject="Recent")

    entry = django_settings.CELERY_BEAT_SCHEDULE["prune-personal-data"]
    result = prune_task.delay().get()

    assert entry["task"] == "members.prune_personal_data"
    assert result == {"notifications": 0, "sessions": 0}
    assert Notification.objects.count() == 1


def test_download_holds_how_notices_are_emailed_and_the_downloads_asked_for(member_client, member):
    NotificationPreferenceFactory(user=member, kind=NotificationKind.MEETING, delivery="daily")
    ExportFactory(requested_by=member, title="Issues register, 1 January to 30 June 2026")

    data = download(member_client)

    assert [(p["kind"], p["email"]) for p in data["notification_preferences"]] == [
        (
            "Meetings: invitations, reminders, agendas and minutes",
            "One email a day with all of them",
        )
    ]
    assert [(d["title"], d["status"]) for d in data["downloads"]] == [
        ("Issues register, 1 January to 30 June 2026", "Waiting to be prepared")
    ]
