"""Pole figures for every lobby socket, at most once a second per process.

Every desk change (a join, an offer, a shift starting) changes the figures of its poles, and
every visitor in the lobby or in a queue watches them. Sending them after each change costs
(changes x watchers) frames: with a thousand people waiting and a few changes a second, more
frames than the chat itself. So each process keeps the latest figures of each changed pole
and sends them together: at once if nothing was sent in the last LOBBY_INTERVAL_SECONDS,
otherwise when that interval ends. Positions and offers are not figures: they still go out
at once, to the one socket concerned.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from channels.layers import get_channel_layer

from chat.identity import LOBBY_GROUP
from chat.limits import LOBBY_INTERVAL_SECONDS
from chat.messages import DeskLoads

logger = logging.getLogger(__name__)


class LobbyFigures:
    """This process's pending pole figures and when they may next be sent.

    The clock and the wait are injected (as attributes, so a test can swap them on the
    process's instance): a test of the batching then decides when an interval ends instead of
    hoping that a burst fits in one second of a loaded machine.
    """

    def __init__(
        self,
        interval: float = LOBBY_INTERVAL_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self.reset()

    def reset(self) -> None:
        """Forget pending figures and the last sending (a fresh process; tests between loops)."""
        self._pending: dict[str, dict[str, Any]] = {}
        self._sent_at = -float("inf")
        self._flush: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def changed(self, loads: list[dict[str, Any]]) -> None:
        """Figures of some poles changed: send them now, or with the next batch."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests): a task of the old one is dead
            self._loop, self._flush = loop, None
        for figures in loads:
            self._pending[figures["pole"]] = figures
        if self._flush is not None:
            return
        wait = self._sent_at + self.interval - self.clock()
        if wait <= 0:
            await self._send()
        else:
            # For every lobby socket: not under the log id of the one whose change started it.
            self._flush = loop.create_task(self._send_later(wait), name="lobby-figures",
                                           context=contextvars.Context())

    async def _send_later(self, wait: float) -> None:
        await self.sleep(wait)
        self._flush = None
        try:
            await self._send()
        except Exception:  # the next change sends the figures again
            logger.warning("pole figures could not be sent", exc_info=True)

    async def _send(self) -> None:
        loads, self._pending = list(self._pending.values()), {}
        self._sent_at = self.clock()
        if loads:
            await get_channel_layer().group_send(LOBBY_GROUP,
                                                 DeskLoads(loads=loads).to_layer())


lobby_figures = LobbyFigures()
