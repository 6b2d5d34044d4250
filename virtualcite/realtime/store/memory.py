"""The embedded store: the state lives in this process's memory.

It serves the default one-process deployment (`virtualcite serve`) and is the reference the
Redis store is held to by the shared contract suite (tests/contract).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from virtualcite.realtime.store.base import StateStore, StoreFamily
from virtualcite.realtime.store.layout import Layout, Mirror

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

    def __init__(self, state_factory: Callable[[], S]) -> None:
        self._state = state_factory()
        self._mirror = Mirror(Layout(type(self._state), state_factory))
        self._mirror.reset(dict(self._mirror.layout.entries(self._state)))
        self._lock = threading.Lock()

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

    async def close(self) -> None:
        """Nothing to release: the state lives as long as the process."""


class MemoryStoreFamily(StoreFamily[S]):
    """One in-memory store per aggregate key."""

    def __init__(self, state_factory: Callable[[], S]) -> None:
        super().__init__()
        self._factory = state_factory

    def _build(self, key: str) -> StateStore[S]:
        return MemoryStateStore(self._factory)
