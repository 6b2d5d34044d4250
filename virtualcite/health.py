"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from virtualcite.services_check import ServiceUnreachable, check_database, check_redis


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving HTTP; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to take traffic: the database and, when configured, Redis answer."""
    checks = {
        "database": _outcome(lambda: check_database(connection)),
        "redis": _outcome(lambda: check_redis(settings.REDIS_URL))
        if settings.REDIS_URL else "not configured (in-memory)",
    }
    failed = any(result not in {"ok", "not configured (in-memory)"} for result in checks.values())
    return JsonResponse({"status": "unavailable" if failed else "ready", "checks": checks},
                        status=503 if failed else 200)


def _outcome(check: Callable[[], None]) -> str:
    """"ok", or the one-line reason the dependency is unreachable."""
    try:
        check()
    except ServiceUnreachable as error:
        return str(error)
    return "ok"
