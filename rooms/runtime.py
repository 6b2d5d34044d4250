"""The rooms on the realtime runtime: one aggregate per room, its rules' configuration and
the directory, as the rooms' services reach them (chat/runtime.py is the desk's)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from rooms.core.model import DEFAULTS, RoomConfig, RoomState
from rooms.directory import RoomDirectory
from virtualcite.realtime.runner import Change
from virtualcite.realtime.runtime import RealtimeApp, realtime
from virtualcite.realtime.store.base import StateStore
from virtualcite.realtime.store.connections import ConnectionRegistry

ROOMS_APP = "rooms"


class RoomsRuntime:
    """What the rooms' services use of the process's runtime."""

    def __init__(self, app: RealtimeApp[RoomState]) -> None:
        self.app = app
        self.directory = RoomDirectory()
        self.config: RoomConfig = DEFAULTS

    def store(self, slug: str) -> StateStore[RoomState]:
        return self.app.store(slug)

    @property
    def connections(self) -> ConnectionRegistry:
        return self.app.connections

    @property
    def clock(self) -> Callable[[], float]:
        return self.app.runner.clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        """Tests move time forward by giving the rooms another clock."""
        self.app.runner.clock = clock

    def now(self) -> float:
        return self.app.runner.clock()

    async def run(self, slug: str, change: Change[RoomState, Any]) -> Any:
        return await self.app.run(slug, change)


_rooms: RoomsRuntime | None = None


def rooms_runtime() -> RoomsRuntime:
    global _rooms
    app = realtime().app(ROOMS_APP)
    if _rooms is None or _rooms.app is not app:  # a reset runtime builds a new app
        _rooms = RoomsRuntime(app)
    return _rooms


def cite_day(now: float) -> str:
    """The Cité's date at `now` (a removal bars a token until the Cité's midnight)."""
    return timezone.localtime(datetime.fromtimestamp(now, tz=UTC)).date().isoformat()
