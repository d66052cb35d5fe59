"""`/healthz` for load balancers and container probes: is the database reachable, does
the cache store and return a value. 200 when both answer, 503 naming the one that did
not. No login, no session, nothing cached; the failure itself goes to the log only."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def check_cache() -> None:
    key = f"healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return the value just stored")
    finally:
        cache.delete(key)


CHECKS = {"database": check_database, "cache": check_cache}


@never_cache
@require_safe
def healthz(request):
    report = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("health check failed: %s", name)
            report[name] = "error"
        else:
            report[name] = "ok"
    healthy = all(state == "ok" for state in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
