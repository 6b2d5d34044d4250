"""Authentication: the demo staff accounts only open the door in DEBUG."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

DEMO_PASSWORD = "demo"  # printed by `virtualcite serve --demo`; useless once DEBUG is off


class NoDemoLoginInProductionBackend(ModelBackend):
    """Django's backend, refusing accounts created by `virtualcite demo` when DEBUG is off.

    The demo logins are printed on the console and written in the README: on a production
    deployment they must open nothing, even if someone loaded the demo data by mistake.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None,
        password: str | None = None, **kwargs: Any
    ) -> AbstractBaseUser | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not settings.DEBUG and is_demo_account(user):
            return None
        return user


def is_demo_account(user: Any) -> bool:
    profile = getattr(user, "staff_profile", None)
    return bool(profile is not None and profile.is_demo)
