"""The poles as the desk needs them, read from the database and cached briefly per process.

The core decides with `PolePolicy` (open now? capacity?); screens need names and colours.
Reading the database on every join would put a query on the desk's hot path, so the
directory is cached for a few seconds: an opening or a manager's edit shows within that delay.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from channels.db import database_sync_to_async
from django.utils import timezone

from chat.core.model import PolePolicy
from virtualcite.models import (
    DEFAULT_TARGET_SERVICE_LEVEL,
    DEFAULT_TARGET_WAIT_SECONDS,
    Pole,
    localised,
)

# Short enough that an opening hour or an admin edit is seen almost at once.
CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class PoleInfo:
    slug: str
    name_fr: str
    name_en: str
    colour: str
    capacity: int
    is_open: bool
    opens_at: float | None
    # The service level it aims at (virtualcite/models.py).
    target_wait_seconds: int = DEFAULT_TARGET_WAIT_SECONDS
    target_service_level: int = DEFAULT_TARGET_SERVICE_LEVEL

    def name(self, language: str) -> str:
        return localised(self.name_fr, self.name_en, language=language)

    def policy(self) -> PolePolicy:
        return PolePolicy(slug=self.slug, capacity=self.capacity, is_open=self.is_open,
                          opens_at=self.opens_at)


class PoleDirectory:
    """A process-wide cache of the active poles, in display order."""

    def __init__(self) -> None:
        self._poles: tuple[PoleInfo, ...] = ()
        self._loaded_at = float("-inf")

    async def poles(self) -> tuple[PoleInfo, ...]:
        if time.monotonic() - self._loaded_at > CACHE_SECONDS:
            self._poles = await database_sync_to_async(_load_poles)()
            self._loaded_at = time.monotonic()
        return self._poles

    async def policies(self) -> dict[str, PolePolicy]:
        return {pole.slug: pole.policy() for pole in await self.poles()}

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")


def _load_poles() -> tuple[PoleInfo, ...]:
    now = timezone.localtime()
    infos = []
    for pole in Pole.objects.active().with_hours(start=now.date()):
        is_open = pole.is_open(now)
        opens = None if is_open else pole.next_opening(now)
        infos.append(PoleInfo(
            slug=pole.slug, name_fr=pole.name, name_en=pole.name_en, colour=pole.colour,
            capacity=pole.queue_capacity, is_open=is_open,
            opens_at=opens.timestamp() if opens else None,
            target_wait_seconds=pole.target_wait_seconds,
            target_service_level=pole.target_service_level,
        ))
    return tuple(infos)
