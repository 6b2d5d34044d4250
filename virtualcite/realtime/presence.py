"""This process's live sockets per key, and the loop that keeps their leases alive.

An app's state holds leases (a visitor's place, a counsellor's shift, a room seat) that only
live while a socket renews them. Rather than one store mutation per socket heartbeat, each
process runs one maintenance step per app every `period`: the app's callback renews the
leases of the keys it has live sockets for (`SocketRegistry.live_keys`, read inside the
atomic step) and expires the others. If the process dies, renewals stop and the step of any
surviving process expires them.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

from virtualcite.realtime.store.errors import StoreError

logger = logging.getLogger(__name__)


class LiveSocket(Protocol):
    """A socket of this process, as a registry sees it."""

    closed: bool

    async def end_of_life(self) -> None:
        """Release what the socket holds (idempotent)."""


T = TypeVar("T", bound=LiveSocket)


class SocketRegistry(Generic[T]):
    """Which sockets of this process hold which key (a token, a counsellor id).

    Each entry is the socket itself, not a count: a key is live only while one of its
    sockets is open, and a socket found closed but still registered (its release failed)
    is released by `release_closed`.
    """

    def __init__(self) -> None:
        self._sockets: defaultdict[str, set[T]] = defaultdict(set)

    def add(self, key: str, socket: T) -> None:
        self._sockets[key].add(socket)

    def remove(self, key: str, socket: T) -> bool:
        """Forget one socket of `key`; True when it was this process's last one."""
        sockets = self._sockets.get(key)
        if sockets is None:
            return False
        sockets.discard(socket)
        if sockets:
            return False
        del self._sockets[key]
        return True

    def __contains__(self, key: object) -> bool:
        return key in self._sockets

    def live_keys(self) -> set[str]:
        return {key for key, sockets in self._sockets.items()
                if any(not socket.closed for socket in sockets)}

    def of(self, key: str) -> list[T]:
        return list(self._sockets.get(key, ()))

    def open_sockets(self) -> list[T]:
        return [socket for held in self._sockets.values() for socket in held
                if not socket.closed]

    async def release_closed(self) -> None:
        for socket in [s for held in self._sockets.values() for s in held if s.closed]:
            await socket.end_of_life()

    def clear(self) -> None:
        """Forget every socket (tests, between event loops: no socket outlives its loop)."""
        self._sockets.clear()


class LeaseKeeper:
    """Runs one app's maintenance step every `period` seconds in this process.

    Started by the first socket that needs it (`ensure_running`), on that socket's event
    loop; a failing step is logged and the next one runs on time: a store that is briefly
    unavailable only delays renewals, which the leases' length allows for.
    """

    def __init__(self, step: Callable[[], Awaitable[object]], *, period: float, name: str) -> None:
        self.step = step
        self.period = period
        self.name = name
        self._task: asyncio.Task[None] | None = None

    def ensure_running(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            # An empty context: the work of every socket must not log under the connection id
            # of the one that happened to start it (virtualcite/logs.py).
            self._task = loop.create_task(self._forever(), name=self.name,
                                          context=contextvars.Context())

    async def _forever(self) -> None:
        while True:
            try:
                await self.step()
            except StoreError:
                # Redis restarting: leases are renewed on the next step; nothing is lost.
                logger.warning("%s skipped: store unavailable", self.name)
            except Exception:
                logger.exception("%s failed", self.name)
            await asyncio.sleep(self.period)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                await self._task
            self._task = None
