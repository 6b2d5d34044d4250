"""Channels' in-memory layer, with its expiry sweep run once a second instead of per receive.

`InMemoryChannelLayer.receive` starts with `_clean_expired`, which walks every channel and
every group membership of the process: each socket's every receive cost O(sockets), and a
lobby update to N sockets O(N²). With 5,000 idle visitor sockets the process spent most of
its time there, and connecting more got slower with each (docs/benchmarks.md, "Idle
sockets"). The sweep only drops messages older than the layer's expiry (60 s) and group
memberships older than a day: once a second is as good for that.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from channels.layers import InMemoryChannelLayer

SWEEP_SECONDS = 1.0


class EmbeddedChannelLayer(InMemoryChannelLayer):  # type: ignore[misc]  # channels: untyped
    """settings.CHANNEL_LAYERS without `REDIS_URL` (see the module)."""

    def __init__(self, *args: Any, clock: Callable[[], float] = time.monotonic,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock
        self._swept_at = float("-inf")

    def _clean_expired(self) -> None:
        now = self._clock()
        if now - self._swept_at >= SWEEP_SECONDS:
            self._swept_at = now
            super()._clean_expired()
