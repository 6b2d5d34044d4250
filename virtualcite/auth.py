"""Authentication: the demo staff accounts only open the door in DEBUG."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# django-axes answers a locked-out login with "429 Too Many Requests" (its default code).
LOCKED_OUT_STATUS = 429

# Printed by `virtualcite serve --demo` and in the README; useless once DEBUG is off. Bandit
# B105 (hard-coded password): public by design, the backend below refuses it in production.
DEMO_PASSWORD = "demo"  # nosec B105


class NoDemoLoginInProductionBackend(ModelBackend):
    """Django's backend, refusing accounts created by `virtualcite demo` when DEBUG is off.

    The demo logins are printed on the console and written in the README: on a production
    deployment they must open nothing, even if someone loaded the demo data by mistake.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None,
        password: str | None = None, **kwargs: Any
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not settings.DEBUG and is_demo_account(user):
            return None
        return user


def is_demo_account(user: Any) -> bool:
    profile = getattr(user, "staff_profile", None)
    return bool(profile is not None and profile.is_demo)


def no_client_address(request: HttpRequest) -> None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the login throttle never reads who is asking.

    Attempts are counted by username (settings.py), so axes needs no address, and returning
    none keeps it out of axes' records and log lines altogether.
    """
    return None


def locked_out_response(request: HttpRequest, original_response: HttpResponse | None = None,
                        credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: a page in the visitor's language saying how long."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "frontend/locked_out.html", {"minutes": minutes},
                  status=LOCKED_OUT_STATUS)
