"""The rooms on the realtime runtime: one aggregate per room, its rules' configuration and
the directory, as the rooms' services reach them (chat/runtime.py is the desk's)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from rooms.core.model import DEFAULTS, RoomConfig, RoomState
from rooms.directory import RoomDirectory
from virtualcite.realtime.runner import Change
from virtualcite.realtime.runtime import AppRuntime, RealtimeApp, app_runtime
from virtualcite.realtime.store.base import StateStore

ROOMS_APP = "rooms"


class RoomsRuntime(AppRuntime[RoomState]):
    """What the rooms' services use of the process's runtime."""

    def __init__(self, app: RealtimeApp[RoomState]) -> None:
        super().__init__(app)
        self.directory = RoomDirectory()
        self.config: RoomConfig = DEFAULTS

    def store(self, slug: str) -> StateStore[RoomState]:
        return self.app.store(slug)

    async def run(self, slug: str, change: Change[RoomState, Any]) -> Any:
        return await self.app.run(slug, change)


def rooms_runtime() -> RoomsRuntime:
    return app_runtime(ROOMS_APP, RoomsRuntime)


def cite_day(now: float) -> str:
    """The Cité's date at `now` (a removal bars a token until the Cité's midnight)."""
    return timezone.localtime(datetime.fromtimestamp(now, tz=UTC)).date().isoformat()
