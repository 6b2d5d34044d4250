"""The embedded store: the state lives in this process's memory.

It serves the default one-process deployment (`virtualcite serve`) and is the reference the
Redis store is held to by the shared contract suite.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from chat.store.base import StateStore
from chat.store.layout import Layout, Mirror

S = TypeVar("S")
T = TypeVar("T")


class MemoryStateStore(StateStore[S]):
    """One state object in memory, changed one mutation at a time.

    Mutations are serialised by a `threading.Lock` rather than an `asyncio.Lock`: `change` is
    synchronous, so the critical section never awaits, and a thread lock also holds if a sync
    caller reaches the store through `async_to_sync` on another event loop.

    A failed `change` leaves the state as it was even if it had half-mutated it: a mirror of
    the encoded entries finds what it touched and puts the committed values back. The same
    mirror gives `read` a decoded copy, evolved entity by entity, so readers never hold the
    working state. Its price is comparing every entity with its committed copy on each
    mutation (0.5 to 1 ms at 1,000 visitors and 200 counsellors, depending on the machine's
    load, see docs/benchmarks.md); a deep copy per mutation would cost some thirty times more.
    """

    def __init__(
        self, state_factory: Callable[[], S], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._state = state_factory()
        self._mirror = Mirror(Layout(type(self._state), state_factory))
        self._mirror.reset(dict(self._mirror.layout.entries(self._state)))
        self._lock = threading.Lock()
        self._clock = clock
        self._connections: dict[str, dict[str, float]] = {}  # key -> connection id -> expiry
        # Keys whose connections all expired without a remove (a crashed client) are swept
        # when the registry doubles in size, so the sweep's cost is amortised over the adds.
        self._sweep_above = 1024

    async def mutate(self, change: Callable[[S], T]) -> T:
        with self._lock:
            try:
                result = change(self._state)
            except BaseException:
                self._mirror.revert(self._state, self._mirror.diff(self._state))
                raise
            self._mirror.commit(self._mirror.diff(self._state))
            return result

    async def read(self) -> S:
        with self._lock:
            return self._mirror.snapshot()

    async def connection_add(self, key: str, connection_id: str, ttl: float) -> int:
        now = self._clock()
        with self._lock:
            live = {
                cid: expiry
                for cid, expiry in self._connections.get(key, {}).items()
                if expiry > now
            }
            live[connection_id] = now + ttl
            self._connections[key] = live
            if len(self._connections) > self._sweep_above:
                self._sweep(now)
            return len(live)

    def _sweep(self, now: float) -> None:
        self._connections = {
            key: connections
            for key, connections in self._connections.items()
            if any(expiry > now for expiry in connections.values())
        }
        self._sweep_above = max(1024, 2 * len(self._connections))

    async def connection_refresh(self, key: str, connection_id: str, ttl: float) -> None:
        with self._lock:
            connections = self._connections.get(key, {})
            # Only a registered connection is extended: a late heartbeat must not revive
            # a connection that was removed or has already expired.
            if connections.get(connection_id, 0.0) > self._clock():
                connections[connection_id] = self._clock() + ttl

    async def connection_remove(self, key: str, connection_id: str) -> None:
        with self._lock:
            connections = self._connections.get(key)
            if connections is not None:
                connections.pop(connection_id, None)
                if not connections:
                    del self._connections[key]

    async def close(self) -> None:
        """Nothing to release: the state lives as long as the process."""
