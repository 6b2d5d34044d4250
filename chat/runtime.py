"""The desk on the realtime runtime: its store, clock, rules configuration and directory.

The desk is one aggregate (`DESK_KEY`) of the app `desk`, declared in chat/apps.py; this
module is how the desk's services reach it. Nothing here opens a connection before first use.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.utils import timezone

from chat.core.model import DeskConfig, DeskState
from chat.directory import PoleDirectory
from virtualcite.realtime.runner import Change
from virtualcite.realtime.runtime import AppRuntime, RealtimeApp, app_runtime
from virtualcite.realtime.store.base import StateStore

DESK_APP = "desk"
# The Cité's one desk (a network of Cités would run one deployment each).
DESK_KEY = "cite"


class DeskRuntime(AppRuntime[DeskState]):
    """What the desk's services use of the process's runtime, in the desk's terms."""

    def __init__(self, app: RealtimeApp[DeskState]) -> None:
        super().__init__(app)
        self.directory = PoleDirectory()

    @property
    def store(self) -> StateStore[DeskState]:
        return self.app.store(DESK_KEY)

    @property
    def config(self) -> DeskConfig:
        """The rules' configuration now (its "today" follows the Cité's clock changes)."""
        return desk_config(self.now())

    async def run(self, change: Change[DeskState, Any]) -> Any:
        return await self.app.run(DESK_KEY, change)


def desk_runtime() -> DeskRuntime:
    return app_runtime(DESK_APP, DeskRuntime)


def desk_config(now: float) -> DeskConfig:
    """The rules' defaults (docs/routing.md), with "today" starting at the Cité's midnight.

    The offset is the Cité's at `now`, so "today" moves with a change to or from summer time
    (read once per process, it was an hour off until the next restart).
    """
    offset = timezone.localtime(datetime.fromtimestamp(now, tz=UTC)).utcoffset()
    return _config_for(offset.total_seconds() if offset else 0.0)


@lru_cache(maxsize=4)
def _config_for(day_offset_seconds: float) -> DeskConfig:
    return DeskConfig(day_offset_seconds=day_offset_seconds)
