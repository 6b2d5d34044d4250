"""Liveness and readiness probes for load balancers, orchestrators and the operator.

A load balancer needs the status code only; which dependency failed, with its host and port,
is for the operator: `/readyz` names it only to a request carrying `Authorization: Bearer
<OPERATOR_TOKEN>` or to a logged-in manager or superuser. Anyone else gets `ok`,
`unavailable` or `draining` and the status code.

A draining process (virtualcite/drain.py) is not ready, whatever its dependencies say, but is
alive: `/healthz` stays 200, so that no liveness probe kills it before its sockets are handed
over.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from virtualcite import drain
from virtualcite.models import Role
from virtualcite.services_check import ServiceUnreachable, check_database, check_redis

NOT_CONFIGURED = "not configured (in-memory)"


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving HTTP; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to take traffic: not draining, and the database and, when configured, Redis
    answer."""
    draining = drain.STATUS.draining
    checks = {
        "database": _outcome(lambda: check_database(connection)),
        "redis": _outcome(lambda: check_redis(settings.REDIS))
        if settings.REDIS else NOT_CONFIGURED,
    }
    failed = any(result not in {"ok", NOT_CONFIGURED} for result in checks.values())
    status = 503 if failed or draining else 200
    if not is_operator(request):
        word = "draining" if draining else "unavailable" if failed else "ok"
        return HttpResponse(word, status=status, content_type="text/plain; charset=utf-8")
    details: dict[str, object] = {
        "status": "draining" if draining else "unavailable" if failed else "ready",
        "checks": checks}
    if draining:
        details["drain"] = {"window_seconds": drain.STATUS.window_seconds,
                            "websockets_left": drain.STATUS.websockets_left}
    return JsonResponse(details, status=status)


def is_operator(request: HttpRequest) -> bool:
    """The operator's probe (its bearer token) or a logged-in manager or superuser."""
    if has_operator_token(request):
        return True
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.groups.filter(name=Role.MANAGER.value).exists())


def has_operator_token(request: HttpRequest) -> bool:
    """Whether the request carries `Authorization: Bearer <OPERATOR_TOKEN>` (one is set)."""
    token = settings.OPERATOR_TOKEN
    header = request.headers.get("Authorization", "")
    return bool(token and header.startswith("Bearer ") and hmac.compare_digest(
        header.removeprefix("Bearer ").strip().encode(), token.encode()))


def _outcome(check: Callable[[], None]) -> str:
    """"ok", or the one-line reason the dependency is unreachable."""
    try:
        check()
    except ServiceUnreachable as error:
        return str(error)
    return "ok"
