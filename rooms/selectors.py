"""Reads for the pages: the agenda of sessions, each pole's next rooms, one room."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import takewhile

from django.utils import timezone
from django.utils.translation import get_language_info

from rooms.directory import RoomInfo, room_infos_list
from rooms.models import Room
from rooms.schedule import sessions
from virtualcite.models import Pole, Resource

# The agenda's horizon: two weeks ahead, as the Cité's printed programme does.
AGENDA_DAYS = 14
# The lobby names a few rooms per pole; the agenda has them all.
LOBBY_ROOMS_PER_POLE = 3


@dataclass(frozen=True)
class RoomSession:
    """One session of a room, as a page lists it."""

    room_id: int
    slug: str
    title: str
    description: str
    language: str
    capacity: int
    start: datetime
    end: datetime
    is_open: bool  # running at the time of the page

    @property
    def language_name(self) -> str:
        return str(get_language_info(self.language)["name_translated"])


@dataclass(frozen=True)
class AgendaPole:
    slug: str
    name: str
    colour: str
    sessions: list[RoomSession] = field(default_factory=list)


def _room_sessions(*, at: datetime | None, days: int,
                   pole_slug: str | None = None) -> list[tuple[Room, list[RoomSession]]]:
    """Each active room with its sessions from ``at`` to ``days`` ahead, in two queries."""
    zone = timezone.get_default_timezone()
    moment = timezone.localtime(at, zone)
    until = moment + timedelta(days=days)
    rooms = Room.objects.active().select_related("pole").prefetch_related("schedules")
    if pole_slug is not None:
        rooms = rooms.filter(pole__slug=pole_slug)
    found = []
    for room in rooms:
        upcoming = takewhile(lambda session: session.start < until,
                             sessions(room.schedule_entries(), after=moment, zone=zone,
                                      days=days))
        found.append((room, [
            RoomSession(room_id=room.pk, slug=room.slug, title=room.title,
                        description=room.description, language=room.language,
                        capacity=room.capacity, start=session.start, end=session.end,
                        is_open=session.is_running(moment))
            for session in upcoming]))
    return found


def agenda_list(*, at: datetime | None = None, pole_slug: str | None = None,
                days: int = AGENDA_DAYS) -> list[AgendaPole]:
    """The sessions of the next ``days`` (the ones running included), by pole in display
    order, each pole's in time order; poles with none are left out."""
    poles: dict[str, AgendaPole] = {}
    order: dict[str, tuple[int, str]] = {}
    for room, room_sessions in _room_sessions(at=at, days=days, pole_slug=pole_slug):
        if not room_sessions:
            continue
        pole = room.pole
        if pole.slug not in poles:
            poles[pole.slug] = AgendaPole(slug=pole.slug, name=pole.display_name,
                                          colour=pole.colour)
            order[pole.slug] = (pole.order, pole.name)
        poles[pole.slug].sessions.extend(room_sessions)
    for listed in poles.values():
        listed.sessions.sort(key=lambda session: (session.start.timestamp(), session.title))
    return sorted(poles.values(), key=lambda listed: order[listed.slug])


def next_rooms_by_pole(*, at: datetime | None = None, per_pole: int = LOBBY_ROOMS_PER_POLE,
                       days: int = AGENDA_DAYS) -> dict[str, list[RoomSession]]:
    """Per pole slug, its rooms' next sessions (a room once, at its running or next session),
    soonest first, at most ``per_pole``."""
    by_pole: dict[str, list[RoomSession]] = {}
    for room, room_sessions in _room_sessions(at=at, days=days):
        if room_sessions:
            by_pole.setdefault(room.pole.slug, []).append(room_sessions[0])
    return {slug: sorted(found, key=lambda session: session.start.timestamp())[:per_pole]
            for slug, found in by_pole.items()}


def room_info_get(*, slug: str, at: datetime | None = None) -> RoomInfo | None:
    """An active room as its page shows it, or None."""
    return next(iter(room_infos_list(at=at, slug=slug)), None)


def agenda_pole_name_get(*, slug: str) -> str | None:
    """The name of an active pole, for its own agenda feed; None when there is no such pole."""
    pole = Pole.objects.active().filter(slug=slug).first()
    return None if pole is None else pole.display_name


@dataclass(frozen=True)
class HostedRoom:
    """A room a facilitator runs, as their staff page lists it."""

    slug: str
    title: str
    language: str
    is_open: bool  # a scheduled session runs now
    start: datetime | None  # the running or next session
    end: datetime | None


def hosted_rooms_list(*, user_id: int | None,
                      at: datetime | None = None) -> list[HostedRoom]:
    """The active rooms this user may host (the host socket's own test, `rooms.hosts`)."""
    def moment(epoch: float | None) -> datetime | None:
        return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)

    if user_id is None:
        return []
    return [HostedRoom(slug=info.slug, title=info.title, language=info.language,
                       is_open=info.is_open, start=moment(info.opens_at),
                       end=moment(info.closes_at))
            for info in room_infos_list(at=at) if str(user_id) in info.facilitator_ids]


def host_resources_list(*, pole_slug: str) -> list[dict[str, object]]:
    """The published resources a facilitator may pin or post, the room's pole first (the
    server looks each card up by id): a workshop often points to another pole's library."""
    resources = (Resource.objects.filter(published=True, pole__active=True)
                 .select_related("pole").order_by("pole__order", "title"))
    listed = [{"id": resource.pk, "title": resource.title, "kind": resource.get_kind_display(),
               "pole": resource.pole.display_name, "own_pole": resource.pole.slug == pole_slug}
              for resource in resources]
    return sorted(listed, key=lambda resource: not resource["own_pole"])
