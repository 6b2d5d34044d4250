"""This process's live sockets, and the loop that keeps their desk leases alive.

One maintenance step per process every MAINTAIN_SECONDS renews every local lease and runs the
desk's tick in a single store mutation, instead of one mutation per socket heartbeat. The
same step hands each local visitor socket its current state, so a notification lost on the
way (channels_redis drops messages to a full channel silently) is put right within a step.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from typing import Protocol

from chat.frames import VisitorState
from chat.store.errors import StoreError

logger = logging.getLogger(__name__)

# A tenth of the 20 s lease (DeskConfig.lease_ttl), so a few slow steps never let a live
# socket's lease lapse; it is also the precision of offer expiry.
MAINTAIN_SECONDS = 2.0


class VisitorScreen(Protocol):
    async def refresh(self, state: VisitorState) -> None:
        """Show `state` if it differs from what the screen shows."""


class LocalPresence:
    """Which visitor tokens and counsellors have a socket open in this process."""

    def __init__(self) -> None:
        self.visitors: defaultdict[str, set[VisitorScreen]] = defaultdict(set)
        self.counsellors: defaultdict[str, int] = defaultdict(int)
        self._task: asyncio.Task[None] | None = None

    def add_visitor(self, token: str, screen: VisitorScreen) -> None:
        self.visitors[token].add(screen)
        self._ensure_running()

    def remove_visitor(self, token: str, screen: VisitorScreen) -> bool:
        """Forget one socket of `token`; True when it was this process's last one."""
        screens = self.visitors.get(token, set())
        screens.discard(screen)
        if not screens:
            self.visitors.pop(token, None)
            return True
        return False

    def add_counsellor(self, counsellor_id: str) -> None:
        self.counsellors[counsellor_id] += 1
        self._ensure_running()

    def remove_counsellor(self, counsellor_id: str) -> None:
        self.counsellors[counsellor_id] -= 1
        if self.counsellors[counsellor_id] <= 0:
            del self.counsellors[counsellor_id]

    def _ensure_running(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._maintain_forever(), name="desk-maintenance")

    async def maintain_once(self) -> None:
        from chat.services import desk_maintain

        states = await desk_maintain(tokens=set(self.visitors),
                                     counsellor_ids=set(self.counsellors))
        for token, state in states.items():
            for screen in list(self.visitors.get(token, ())):
                await screen.refresh(state)

    async def _maintain_forever(self) -> None:
        while True:
            try:
                await self.maintain_once()
            except StoreError:
                # Redis restarting: leases are renewed on the next step; nothing is lost.
                logger.warning("desk maintenance skipped: store unavailable")
            except Exception:
                logger.exception("desk maintenance failed")
            await asyncio.sleep(MAINTAIN_SECONDS)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                await self._task
            self._task = None


presence = LocalPresence()
