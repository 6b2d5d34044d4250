"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from virtualcite.services_check import ServiceUnreachable, check_database, check_redis


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving HTTP; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to take traffic: the database and, when configured, Redis answer."""
    checks: dict[str, str] = {}
    failed = False
    for name, check in (("database", lambda: check_database(connection)),
                        ("redis", lambda: check_redis(settings.REDIS_URL))):
        if name == "redis" and not settings.REDIS_URL:
            checks[name] = "not configured (in-memory)"
            continue
        try:
            check()
            checks[name] = "ok"
        except ServiceUnreachable as error:
            checks[name] = str(error)
            failed = True
    return JsonResponse({"status": "unavailable" if failed else "ready", "checks": checks},
                        status=503 if failed else 200)
