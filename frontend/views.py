"""Page views: they only read through selectors and render templates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from frontend.selectors import (
    counsellor_profile_get,
    desk_canned_replies_list,
    desk_poles_list,
    desk_resource_cards_list,
    library_pole_get,
    library_resources_list,
    pole_cards_list,
)
from rooms.selectors import hosted_rooms_list
from virtualcite.models import Role
from virtualcite.realtime.limits import CONNECTION_TTL_SECONDS, HEARTBEAT_SECONDS
from virtualcite.roles import roles_of
from virtualcite.staffing.rota import next_shifts

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
    """The counsellor's desk; any other logged-in staff member is sent to their own page."""
    profile = counsellor_profile_get(user=request.user)
    if profile is None:
        return redirect("staff-home")
    desk_data = {
        "poles": desk_poles_list(),
        "my_poles": [pole.slug for pole in profile.poles.all()],
        "capacity": profile.max_conversations,
        "resources": desk_resource_cards_list(),
        "canned_replies": desk_canned_replies_list(),
    }
    return render(request, "frontend/desk.html", {
        "profile": profile, "desk_data": desk_data, "socket_timing": SOCKET_TIMING,
        "next_shifts": next_shifts(profile, at=timezone.now())})


def library(request: HttpRequest, pole_slug: str) -> HttpResponse:
    """A pole's public documentation: open to everyone, visitors browse it while they wait."""
    pole = library_pole_get(slug=pole_slug)
    if pole is None:
        raise Http404
    return render(request, "frontend/library.html",
                  {"pole": pole, "resources": library_resources_list(pole_slug=pole_slug)})


class StaffLoginView(LoginView):
    """The staff login; after it, each member lands on the page of their role (staff_home)."""

    template_name = "frontend/login.html"
    redirect_authenticated_user = True


class UnprefixedLoginView(StaffLoginView):
    """`/login/` without a language prefix, as docs/protocol.md documents it.

    Every other page redirects an unprefixed URL to its language (`/fr/...`), and a redirect
    loses a POST's form: so this one takes the POST itself. A GET still goes to the page in
    the browser's language, query string kept, where the language links work.
    """

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(reverse("login") + (f"?{query}" if query else ""))


@login_required(login_url="login")
def staff_home(request: HttpRequest) -> HttpResponse:
    """Where a staff member lands: counsellors at their desk, managers and facilitators on a
    page saying what they can do today (a facilitator: the rooms they run, each with its host
    page); an account with no role learns it has none."""
    roles = roles_of(request.user)
    if Role.COUNSELLOR in roles and counsellor_profile_get(user=request.user) is not None:
        return redirect("desk")
    context: dict[str, object] = {"roles": roles, "is_manager": Role.MANAGER in roles,
                                  "is_facilitator": Role.FACILITATOR in roles,
                                  # the role without the profile the desk needs (admin-made)
                                  "is_counsellor": Role.COUNSELLOR in roles}
    if Role.FACILITATOR in roles:
        context["hosted_rooms"] = hosted_rooms_list(user_id=request.user.pk)
    return render(request, "frontend/staff_home.html", context, status=200 if roles else 403)
