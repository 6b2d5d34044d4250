"""The managers' pages: a login, then the manager role (a superuser counts as one).

Anonymous users go to the login page and come back; a logged-in user without the role gets
403, never a redirect loop to a login they already passed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from virtualcite.models import Role
from virtualcite.roles import roles_of

View = Callable[..., HttpResponse]


def manager_required(view: View) -> View:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if Role.MANAGER not in roles_of(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(guarded, login_url="login")
