"""The desk's per-process singletons: its store, clock, rules configuration and directory.

Built lazily on first use from the settings (`REDIS_URL` picks the store), so importing the
app never opens a connection. Tests call `reset_runtime()` between event loops.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from chat.core.model import DeskConfig, DeskState
from chat.directory import PoleDirectory
from chat.store import build_desk_store
from chat.store.base import StateStore


def wall_clock() -> float:
    return time.time()


@dataclass
class DeskRuntime:
    store: StateStore[DeskState]
    config: DeskConfig = field(default_factory=DeskConfig)
    directory: PoleDirectory = field(default_factory=PoleDirectory)

    def now(self) -> float:
        return wall_clock()


_runtime: DeskRuntime | None = None


def desk_runtime() -> DeskRuntime:
    global _runtime
    if _runtime is None:
        _runtime = DeskRuntime(store=build_desk_store(settings.REDIS_URL), config=_config())
    return _runtime


def _config() -> DeskConfig:
    """The rules' defaults (docs/routing.md), with "today" starting at the Cité's midnight."""
    offset = timezone.localtime().utcoffset()
    return DeskConfig(day_offset_seconds=offset.total_seconds() if offset else 0.0)


async def reset_runtime() -> None:
    """Forget the singletons (closing the store's connections); the stored state stays."""
    global _runtime
    if _runtime is not None:
        await _runtime.store.close()
    _runtime = None
