"""This process's live sockets, and the loop that keeps their desk leases alive.

One maintenance step per process every MAINTAIN_SECONDS renews every local lease and runs the
desk's tick in a single store mutation, instead of one mutation per socket heartbeat. The
same step hands each local visitor socket its current state, so a notification lost on the
way (channels_redis drops messages to a full channel silently) is put right within a step,
and each socket what it must remember to re-form the desk: when the store reports its state
lost (a Redis that came back empty), the step tells every page and puts back every place and
shift its sockets remember (chat/core/reform.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from typing import Any, Protocol

from chat.core.reform import CounsellorMemento, VisitorMemento
from chat.frames import VisitorState
from chat.store.errors import StoreError

logger = logging.getLogger(__name__)

# A tenth of the 20 s lease (DeskConfig.lease_ttl), so a few slow steps never let a live
# socket's lease lapse; it is also the precision of offer expiry.
MAINTAIN_SECONDS = 2.0


class LiveSocket(Protocol):
    """A socket of this process, as the maintenance step sees it."""

    closed: bool

    async def end_of_life(self) -> None:
        """Release what the socket holds (idempotent)."""

    async def desk_lost(self) -> None:
        """Tell the page the desk's state was lost (before it is re-formed)."""

    async def desk_reformed(self) -> None:
        """Tell the page what the re-formed desk holds for it."""


class VisitorScreen(LiveSocket, Protocol):
    memento: VisitorMemento | None

    async def refresh(self, state: VisitorState) -> None:
        """Show `state` if it differs from what the screen shows."""


class CounsellorDesk(LiveSocket, Protocol):
    memento: CounsellorMemento | None


class LocalPresence:
    """Which visitor tokens and counsellors have a socket open in this process.

    Each entry is the socket itself, not a count: the maintenance step renews the lease of a
    token or a counsellor only while one of its sockets is open, and reads who is present at
    the moment the change is applied (not before waiting for the store), so a socket that
    closed meanwhile is never renewed after its disconnection was recorded. A socket found
    closed but still registered (its release failed) is released by the step.
    """

    def __init__(self) -> None:
        self.visitors: defaultdict[str, set[VisitorScreen]] = defaultdict(set)
        self.counsellors: defaultdict[str, set[CounsellorDesk]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None

    def add_visitor(self, token: str, screen: VisitorScreen) -> None:
        self.visitors[token].add(screen)
        self._ensure_running()

    def remove_visitor(self, token: str, screen: VisitorScreen) -> bool:
        """Forget one socket of `token`; True when it was this process's last one."""
        return _remove(self.visitors, token, screen)

    def add_counsellor(self, counsellor_id: str, socket: CounsellorDesk) -> None:
        self.counsellors[counsellor_id].add(socket)
        self._ensure_running()

    def remove_counsellor(self, counsellor_id: str, socket: CounsellorDesk) -> bool:
        """Forget one socket of a counsellor; True when it was this process's last one."""
        return _remove(self.counsellors, counsellor_id, socket)

    def live_tokens(self) -> set[str]:
        return {token for token, screens in self.visitors.items()
                if any(not screen.closed for screen in screens)}

    def live_counsellors(self) -> set[str]:
        return {cid for cid, sockets in self.counsellors.items()
                if any(not socket.closed for socket in sockets)}

    async def _release_closed(self) -> None:
        sockets: list[LiveSocket] = [s for screens in self.visitors.values() for s in screens]
        sockets += [s for held in self.counsellors.values() for s in held]
        closed = [socket for socket in sockets if socket.closed]
        for socket in closed:
            await socket.end_of_life()

    def _ensure_running(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._maintain_forever(), name="desk-maintenance")

    async def maintain_once(self) -> None:
        from chat.runtime import desk_runtime
        from chat.services import desk_maintain

        store = desk_runtime().store
        await self._release_closed()
        if store.state_was_lost():  # found by another request since the last step
            await self.reform()
        view = await desk_maintain(tokens=self.live_tokens,
                                   counsellor_ids=self.live_counsellors)
        if store.state_was_lost():  # found by this step: its view is of the empty state
            await self.reform()
            return
        for token, state in view.screens.items():
            for screen in list(self.visitors.get(token, ())):
                screen.memento = view.visitors.get(token)
                await screen.refresh(state)
        for counsellor_id, memento in view.counsellors.items():
            for desk in list(self.counsellors.get(counsellor_id, ())):
                desk.memento = memento

    async def reform(self) -> None:
        """The desk's state was lost: tell every page, then put back what the sockets know."""
        from chat.services import desk_reform

        logger.warning("the desk's state was lost; re-forming it from this process's sockets")
        screens = [s for held in self.visitors.values() for s in held if not s.closed]
        desks = [d for held in self.counsellors.values() for d in held if not d.closed]
        visitors = {s.memento.token: s.memento for s in screens if s.memento is not None}
        counsellors = {d.memento.counsellor_id: d.memento for d in desks
                       if d.memento is not None}
        for socket in [*screens, *desks]:
            await socket.desk_lost()
        await desk_reform(visitors=sorted(visitors.values(), key=lambda m: m.token),
                          counsellors=sorted(counsellors.values(),
                                             key=lambda m: m.counsellor_id))
        for socket in [*screens, *desks]:
            await socket.desk_reformed()

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


def _remove(registry: defaultdict[str, set[Any]], key: str, socket: object) -> bool:
    sockets = registry.get(key)
    if sockets is None:
        return False
    sockets.discard(socket)
    if sockets:
        return False
    del registry[key]
    return True


presence = LocalPresence()
