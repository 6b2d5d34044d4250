"""Page views: they only read through selectors and render templates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chat.limits import CONNECTION_TTL_SECONDS, HEARTBEAT_SECONDS
from frontend.selectors import (
    counsellor_profile_get,
    desk_poles_list,
    desk_resource_cards_list,
    library_pole_get,
    library_resources_list,
    pole_cards_list,
)

# What the page's socket needs from chat/limits.py (frontend/static/frontend/js/socket.js), as
# strings of milliseconds: a float would be rendered "10,0" on French pages.
SOCKET_TIMING = {"heartbeat_ms": str(round(HEARTBEAT_SECONDS * 1000)),
                 "stale_ms": str(round(CONNECTION_TTL_SECONDS * 1000))}


def home(request: HttpRequest) -> HttpResponse:
    """The lobby and the visitor's desk: the pole list works without JavaScript; the module
    adds live status, the queue and the chat in the same page."""
    return render(request, "frontend/home.html",
                  {"poles": pole_cards_list(), "socket_timing": SOCKET_TIMING})


@login_required(login_url="login")
def desk(request: HttpRequest) -> HttpResponse:
    """The counsellor's desk; any other logged-in staff member gets 403."""
    profile = counsellor_profile_get(user=request.user)
    if profile is None:
        raise PermissionDenied
    desk_data = {
        "poles": desk_poles_list(),
        "my_poles": [pole.slug for pole in profile.poles.all()],
        "capacity": profile.max_conversations,
        "resources": desk_resource_cards_list(),
    }
    return render(request, "frontend/desk.html", {"profile": profile, "desk_data": desk_data,
                                                  "socket_timing": SOCKET_TIMING})


def library(request: HttpRequest, pole_slug: str) -> HttpResponse:
    """A pole's public documentation: open to everyone, visitors browse it while they wait."""
    pole = library_pole_get(slug=pole_slug)
    if pole is None:
        raise Http404
    return render(request, "frontend/library.html",
                  {"pole": pole, "resources": library_resources_list(pole_slug=pole_slug)})
