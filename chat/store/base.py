"""The store port: how the desk (and later the rooms) keep their state.

The pure core mutates a plain dataclass in place; a store makes that read-modify-write atomic,
whether the state lives in this process (`memory`) or is shared by many processes (`redis`).
The port is generic over the state type so that every feature with a pure core (the desk
today, group rooms tomorrow) reuses it with its own state class and the same contract suite.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Generic, TypeVar

S = TypeVar("S")
T = TypeVar("T")


class StateStore(ABC, Generic[S]):
    """An atomic home for one state object, plus a registry of live connections per key."""

    @abstractmethod
    async def mutate(self, change: Callable[[S], T]) -> T:
        """Run `change` on the current state atomically and return what it returns.

        `change` mutates the state in place and returns a result (typically the core's
        events). It may run more than once (a store retries after a conflict or a lost
        connection), so it must not have side effects outside the state: deliver the events
        it returns only after `mutate` returns. If it raises, nothing is written and the
        exception propagates.
        """

    @abstractmethod
    async def read(self) -> S:
        """Return a snapshot of the state for selectors.

        The snapshot is shared with other readers until the next change, and the next
        snapshot is built from it (decoding the whole desk for every read would cost
        milliseconds): the caller must not mutate it. A caller that does cannot corrupt the
        stored state, but may corrupt what later reads return.
        """

    def state_was_lost(self) -> bool:
        """True once after the store found that its state was lost since it last looked.

        A shared store can come back empty (a Redis restarted without persistence) or
        holding another history; the state then starts again from the factory, and the
        caller, told once, re-forms what it still knows (chat/core/reform.py). A store that
        lives in the process never loses its state.
        """
        return False

    @abstractmethod
    async def connection_add(self, key: str, connection_id: str, ttl: float) -> int:
        """Register a live connection under `key` for `ttl` seconds; return how many `key` has.

        Expired connections (a process that died without removing them) are not counted,
        which is why every connection must be refreshed before its `ttl` runs out.
        """

    @abstractmethod
    async def connection_refresh(self, key: str, connection_id: str, ttl: float) -> None:
        """Extend a connection's life by `ttl` seconds from now (called by its heartbeat)."""

    @abstractmethod
    async def connection_remove(self, key: str, connection_id: str) -> None:
        """Forget a connection (called when it closes); unknown ids are ignored."""

    @abstractmethod
    async def close(self) -> None:
        """Release the store's resources (connections); the stored state stays."""
