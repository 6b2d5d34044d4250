"""The rooms as their live side needs them, read from the database and cached briefly.

A join, a facilitator's check or a pinned card must not put queries on the rooms' hot path, so
every active room is read at once, in a constant number of queries, and kept for a few
seconds: a session's start or a manager's edit shows within that delay (as chat/directory.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, tzinfo

from channels.db import database_sync_to_async
from django.db.models import Prefetch
from django.utils import timezone, translation

from rooms.models import Room
from rooms.schedule import current_or_next
from virtualcite.library import ResourceCard
from virtualcite.models import Resource
from virtualcite.resource_cards import card_of
from virtualcite.roles import facilitator_profiles

# Short enough that a session's opening or an admin edit is seen almost at once.
CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class RoomInfo:
    slug: str
    title: str
    description: str
    pole: str  # the pole's slug
    language: str  # the language the room is run in
    capacity: int
    facilitator_ids: tuple[str, ...]  # str(user pk) of the facilitators who hold the role
    resources: tuple[ResourceCard, ...]  # the pinned resources, published only
    steps: tuple[str, ...]  # the exercise's step titles, in order
    step_texts: tuple[tuple[str, str], ...]  # (title, instructions) of each step, in order
    opens_at: float | None  # epoch seconds: the running session's start, else the next one's
    closes_at: float | None  # that session's end
    is_open: bool  # a scheduled session runs now (the facilitator's open/close is apart)


class RoomDirectory:
    """A process-wide cache of the active rooms, in display order."""

    def __init__(self) -> None:
        self._rooms: dict[str, RoomInfo] = {}
        self._loaded_at = float("-inf")

    async def _current(self) -> dict[str, RoomInfo]:
        if time.monotonic() - self._loaded_at > CACHE_SECONDS:
            loaded = await database_sync_to_async(room_infos_list)()
            self._rooms = {room.slug: room for room in loaded}
            self._loaded_at = time.monotonic()
        return self._rooms

    async def room(self, slug: str) -> RoomInfo | None:
        """An active room, or None."""
        return (await self._current()).get(slug)

    async def rooms(self) -> list[RoomInfo]:
        return list((await self._current()).values())

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")


def room_infos_list(*, at: datetime | None = None, slug: str | None = None) -> list[RoomInfo]:
    """The active rooms (or the one of ``slug``) with their sessions at ``at``, in five
    queries whatever their number."""
    zone = timezone.get_default_timezone()
    moment = timezone.localtime(at, zone)
    rooms = (Room.objects.active().select_related("pole").prefetch_related(
        "schedules", "steps",
        Prefetch("resources", queryset=Resource.objects.filter(published=True)),
        Prefetch("facilitators", queryset=facilitator_profiles().only("id", "user_id")),
    ))
    if slug is not None:
        rooms = rooms.filter(slug=slug)
    return [_info(room, moment, zone) for room in rooms]


def _info(room: Room, moment: datetime, zone: tzinfo) -> RoomInfo:
    session = current_or_next(room.schedule_entries(), at=moment, zone=zone)
    steps = tuple((step.title, step.instructions) for step in room.steps.all())
    # A card's kind is said in the room's language, whatever language loaded the directory.
    with translation.override(room.language):
        cards = tuple(card_of(resource) for resource in room.resources.all())
    return RoomInfo(
        slug=room.slug, title=room.title, description=room.description, pole=room.pole.slug,
        language=room.language, capacity=room.capacity,
        facilitator_ids=tuple(sorted(str(profile.user_id)
                                     for profile in room.facilitators.all())),
        resources=cards, steps=tuple(title for title, _ in steps), step_texts=steps,
        opens_at=session.start.timestamp() if session else None,
        closes_at=session.end.timestamp() if session else None,
        is_open=session is not None and session.is_running(moment),
    )
