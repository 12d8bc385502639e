import pytest
from django.urls import reverse
from django.utils import timezone

from members import services
from members.choices import Sector
from members.context_processors import portal
from tests.factories.members import (
    NotificationFactory,
    OrganisationFactory,
    PracticeAreaFactory,
    RegionFactory,
)


@pytest.mark.django_db
def test_home_when_anonymous_redirects_to_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_home_greets_member_with_organisation_and_region(member_client, member):
    member.organisation.sector = Sector.ACCO
    member.organisation.save()

    html = member_client.get(reverse("home")).content.decode()

    assert f"Welcome, {member.display_name}" in html
    assert member.organisation.name in html
    assert "Aboriginal community-controlled" in html
    assert member.region.name in html


@pytest.mark.django_db
def test_profile_edit_saves_every_field(member_client, member):
    org = OrganisationFactory(name="Safe Homes Alliance")
    region = RegionFactory(name="Far North", slug="far-north")
    areas = [PracticeAreaFactory(name="Housing"), PracticeAreaFactory(name="Disability")]

    response = member_client.post(
        reverse("members:profile-edit"),
        {
            "display_name": "Sam Carer",
            "job_title": "Team leader",
            "organisation": org.pk,
            "region": region.pk,
            "practice_areas": [a.pk for a in areas],
        },
        follow=True,
    )

    member.refresh_from_db()
    assert (member.display_name, member.job_title) == ("Sam Carer", "Team leader")
    assert (member.organisation, member.region) == (org, region)
    assert set(member.practice_areas.all()) == set(areas)
    html = response.content.decode()
    assert "Your profile has been saved." in html
    assert "Disability, Housing" in html


@pytest.mark.django_db
def test_profile_edit_with_blank_name_shows_error_and_keeps_input(member_client, member):
    response = member_client.post(
        reverse("members:profile-edit"),
        {"display_name": "   ", "job_title": "Senior case worker", "region": member.region.pk},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the name other members should see." in html
    assert 'value="Senior case worker"' in html
    member.refresh_from_db()
    assert member.job_title == "Practitioner"


@pytest.mark.django_db
def test_notifications_list_shows_unread_count_and_marks_read(member_client, member):
    NotificationFactory.create_batch(2, recipient=member)
    NotificationFactory()  # somebody else's

    page = member_client.get(reverse("members:notifications")).content.decode()
    assert page.count('class="badge text-bg-primary me-1">New') == 2
    assert '2<span class="visually-hidden"> unread</span>' in page

    member_client.post(reverse("members:notifications-read"))

    assert member.notifications.filter(read_at__isnull=True).count() == 0
    page = member_client.get(reverse("members:notifications")).content.decode()
    assert '<span class="visually-hidden"> unread</span>' not in page


@pytest.mark.django_db
def test_menu_unread_count_for_a_person_signed_in_during_the_request_is_counted(rf, member):
    NotificationFactory.create_batch(3, recipient=member)
    NotificationFactory(recipient=member, read_at=timezone.now())
    request = rf.get("/")
    request.user = member  # not loaded by the backend, so it carries no count yet

    assert portal(request)["unread_notifications"] == 3


@pytest.mark.django_db(transaction=True)
def test_notify_emails_once_after_commit(member, mailoutbox):
    notification = services.notify(member, subject="Agenda published", url="/x/")

    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[CoP Portal] Agenda published"
    assert mailoutbox[0].to == [member.email]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_notifications_list_queries_do_not_grow(
    member_client, member, size, django_assert_max_num_queries
):
    NotificationFactory.create_batch(size, recipient=member)

    with django_assert_max_num_queries(9):
        response = member_client.get(reverse("members:notifications"))

    assert response.status_code == 200
