import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_when_all_parts_reachable_is_200(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "cache", "broker"}


@pytest.mark.django_db
def test_healthz_when_broker_unreachable_is_503_naming_it(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

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
