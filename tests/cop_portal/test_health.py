import datetime as dt

import pytest
from django.urls import reverse

from tests.factories.members import NotificationFactory, UserFactory

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
REMOTE = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def broker_unreachable(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthz_when_all_parts_reachable_is_200(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "cache", "broker", "notifications"}
    assert body["oldest_unsent_notification_age"] == 0


@pytest.mark.django_db
def test_healthz_when_broker_unreachable_is_503_naming_it(client, broker_unreachable):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"].startswith("unreachable")
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_when_cache_unreachable_is_503_naming_it(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert "cache" in response.json()["failing"]


@pytest.mark.django_db
def test_healthz_broker_unreachable_from_a_remote_anonymous_client_hides_the_error(
    client, broker_unreachable
):
    response = client.get(reverse("healthz"), **REMOTE)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["broker"]
    assert body["checks"] == {
        "database": "ok",
        "cache": "ok",
        "broker": "unavailable",
        "notifications": "ok",
    }
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_broker_unreachable_relayed_by_a_local_proxy_hides_the_error(
    client, broker_unreachable
):
    response = client.get(
        reverse("healthz"), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )

    assert response.json()["checks"]["broker"] == "unavailable"


@pytest.mark.django_db
def test_healthz_broker_unreachable_for_remote_staff_names_the_error(client, broker_unreachable):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("healthz"), **REMOTE)

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("unreachable: OperationalError: ")


@pytest.mark.django_db
def test_healthz_for_a_remote_member_who_is_not_staff_hides_details(client, member):
    client.force_login(member)

    response = client.get(reverse("healthz"), **REMOTE)

    assert response.json()["checks"]["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_unsent_notification_reports_its_age(client, time_machine):
    time_machine.move_to(START, tick=False)
    NotificationFactory()
    NotificationFactory(sent_at=START, next_attempt_at=None)
    time_machine.move_to(START + dt.timedelta(seconds=90), tick=False)

    response = client.get(reverse("healthz"), **REMOTE)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["oldest_unsent_notification_age"] == 90
    assert body["checks"]["notifications"] == "ok"


@pytest.mark.django_db
def test_healthz_unsent_notification_older_than_the_limit_is_degraded(
    client, settings, time_machine
):
    settings.NOTIFICATION_MAX_UNSENT_AGE = 3600
    time_machine.move_to(START, tick=False)
    NotificationFactory()
    NotificationFactory(next_attempt_at=None, last_error="SMTPRecipientsRefused: refused")
    time_machine.move_to(START + dt.timedelta(seconds=3601), tick=False)

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["failing"] == []
    assert body["oldest_unsent_notification_age"] == 3601
    assert body["checks"]["notifications"] == "delayed (1 given up after every attempt failed)"
