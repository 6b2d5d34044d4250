"""The rooms' pages: the public agenda, its iCalendar feed, and a room's page.

Views only read through selectors and render; the feed's text comes from rooms/calendar.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from rooms.calendar import agenda_calendar
from rooms.selectors import (
    AGENDA_DAYS,
    RoomSession,
    agenda_list,
    agenda_pole_name_get,
    room_info_get,
)


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
    """A room's page: what it is and when it runs (the live room is added to it)."""
    info = room_info_get(slug=slug)
    if info is None:
        raise Http404
    return render(request, "rooms/room.html", {
        "room": info,
        "opens": _moment(info.opens_at),
        "closes": _moment(info.closes_at),
    })


def _moment(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)
