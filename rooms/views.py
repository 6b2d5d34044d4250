"""The rooms' pages: the public agenda, its iCalendar feed, a room's page (the participant's)
and its host page (the facilitator's).

Views only read through selectors and render; the feed's text comes from rooms/calendar.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from frontend.views import SOCKET_TIMING
from rooms.calendar import agenda_calendar
from rooms.hosts import host_card
from rooms.selectors import (
    AGENDA_DAYS,
    RoomSession,
    agenda_list,
    agenda_pole_name_get,
    host_resources_list,
    room_info_get,
)

# The slow modes a facilitator picks from (seconds; 0: off), within the frame's 0-600 s.
SLOW_MODE_CHOICES = (0, 10, 30, 60, 120, 300)


def agenda(request: HttpRequest) -> HttpResponse:
    """Every room's sessions of the next two weeks, by pole."""
    poles = agenda_list()
    return render(request, "rooms/agenda.html", {"poles": poles, "days": AGENDA_DAYS})


def agenda_ics(request: HttpRequest) -> HttpResponse:
    """The agenda as an iCalendar feed; ``?pole=<slug>`` keeps one pole's rooms."""
    pole_slug = request.GET.get("pole") or None
    name = gettext("Group rooms of the Virtual Cité des métiers")
    if pole_slug is not None:
        pole_name = agenda_pole_name_get(slug=pole_slug)
        if pole_name is None:
            raise Http404
        name = f"{name}: {pole_name}"

    def room_url(session: RoomSession) -> str:
        # A room is run in one language: its page in that language.
        with translation.override(session.language):
            path = reverse("rooms:room", kwargs={"slug": session.slug})
        return request.build_absolute_uri(path)

    body = agenda_calendar(agenda_list(pole_slug=pole_slug), name=name, room_url=room_url,
                           now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response


def room(request: HttpRequest, slug: str) -> HttpResponse:
    """A room's page: what it is and when it runs, readable without JavaScript; the module
    adds the live room (rooms/consumers/participant.py) in the same page."""
    info = room_info_get(slug=slug)
    if info is None:
        raise Http404
    return render(request, "rooms/room.html", {
        "room": info,
        "opens": _moment(info.opens_at),
        "closes": _moment(info.closes_at),
        "socket_timing": SOCKET_TIMING,
    })


@login_required(login_url="login")
def host(request: HttpRequest, slug: str) -> HttpResponse:
    """The facilitator's page of a room; only a facilitator listed on it may open it (the
    host socket checks the same, rooms/hosts.py)."""
    info = room_info_get(slug=slug)
    if info is None:
        raise Http404
    card = host_card(user_id=request.user.pk, room=info)
    if card is None:
        return render(request, "rooms/host_forbidden.html", {"room": info}, status=403)
    host_data = {
        "resources": host_resources_list(pole_slug=info.pole),
        # Pinned in the admin: shown from the start, not unpinned during a session.
        "room_pins": [card.id for card in info.resources],
    }
    return render(request, "rooms/host.html", {
        "room": info, "me": card, "host_data": host_data, "socket_timing": SOCKET_TIMING,
        "slow_modes": [(seconds, _slow_mode_label(seconds)) for seconds in SLOW_MODE_CHOICES],
        "opens": _moment(info.opens_at), "closes": _moment(info.closes_at),
    })


def _slow_mode_label(seconds: int) -> str:
    if seconds == 0:
        return gettext("off")
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = seconds // 60
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _moment(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)
