"""/healthz: is every part the portal needs reachable, and are its emails going out?

Anyone may ask, so the answer names parts and says "ok" or "unavailable"; why a part failed
(exception text can hold host names and paths) is shown only to staff and to the machine itself.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from members.outbox import given_up_count, oldest_unsent_age

LOOPBACK = {"127.0.0.1", "::1"}


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("value written to the cache could not be read back")
    cache.delete(key)
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok (tasks run in-process)"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


def _may_see_details(request: HttpRequest) -> bool:
    # A request relayed by a proxy on this machine also arrives from loopback; only a request
    # that names no forwarded client is the machine asking itself.
    from_this_machine = (
        request.META.get("REMOTE_ADDR") in LOOPBACK and "HTTP_X_FORWARDED_FOR" not in request.META
    )
    user = getattr(request, "user", None)
    return from_this_machine or bool(user and user.is_active and user.is_staff)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 "ok", 200 "degraded" (emails owed for too long), or 503 "unavailable"."""
    details = _may_see_details(request)
    parts: dict[str, str] = {}
    failing: list[str] = []

    def failed(name: str, exc: Exception) -> None:
        parts[name] = f"unreachable: {exc.__class__.__name__}: {exc}" if details else "unavailable"
        failing.append(name)

    for name, check in CHECKS.items():
        try:
            outcome = check()
        except Exception as exc:
            failed(name, exc)
        else:
            parts[name] = outcome if details else "ok"
    body: dict = {"status": "ok", "checks": parts, "failing": failing}
    try:
        age = oldest_unsent_age()
        given_up = given_up_count()
    except Exception as exc:
        failed("notifications", exc)
    else:
        delayed = age > settings.NOTIFICATION_MAX_UNSENT_AGE
        parts["notifications"] = "delayed" if delayed else "ok"
        if details:
            parts["notifications"] += f" ({given_up} given up after every attempt failed)"
        body["oldest_unsent_notification_age"] = age
        if delayed:
            body["status"] = "degraded"
    if failing:
        body["status"] = "unavailable"
    return JsonResponse(body, status=503 if failing else 200)
