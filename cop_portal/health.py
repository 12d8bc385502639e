"""/healthz: is every part the portal needs reachable?"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


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


@never_cache
@require_GET
def healthz(request):
    parts: dict[str, str] = {}
    failing: list[str] = []
    for name, check in CHECKS.items():
        try:
            parts[name] = check()
        except Exception as exc:
            parts[name] = f"unreachable: {exc.__class__.__name__}: {exc}"
            failing.append(name)
    body = {"status": "ok" if not failing else "unavailable", "checks": parts, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)
