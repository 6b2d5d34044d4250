"""The agenda as an iCalendar feed (RFC 5545), for a visitor's own calendar application.

One event per session, its UID made of the room's id and the session's start, so a calendar
that fetches the feed again updates an event instead of adding a copy. Times carry the Cité's
time zone (TZID, with its VTIMEZONE), so a session is shown at the right hour on either side of
a change of summer time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event

from rooms.selectors import AgendaPole, RoomSession

PRODUCT_ID = "-//Virtual Cite des metiers//Group rooms agenda//EN"
# The right-hand side of every UID: fixed, so an event keeps its UID whatever host served it.
UID_DOMAIN = "rooms.virtualcite"


def session_uid(session: RoomSession) -> str:
    return f"room-{session.room_id}-{session.start.astimezone(UTC):%Y%m%dT%H%M%SZ}@{UID_DOMAIN}"


def agenda_calendar(poles: Iterable[AgendaPole], *, name: str,
                    room_url: Callable[[RoomSession], str], now: datetime) -> bytes:
    """The feed of the agenda's sessions; ``room_url`` gives each room page's absolute URL."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for pole in poles:
        for session in pole.sessions:
            url = room_url(session)
            event = Event()
            event.add("uid", session_uid(session))
            event.add("dtstamp", now.astimezone(UTC))
            event.add("dtstart", session.start)
            event.add("dtend", session.end)
            event.add("summary", session.title)
            event.add("description", "\n\n".join(
                part for part in (session.description, pole.name, url) if part))
            event.add("categories", [pole.name])
            event.add("url", url)
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
