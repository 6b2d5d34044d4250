"""The store port: how an app keeps one aggregate's state (the desk, one room).

A pure core mutates a plain dataclass in place; a store makes that read-modify-write atomic,
whether the state lives in this process (`memory`) or is shared by many processes (`redis`).
The port is generic over the state type, so every app with a pure core reuses it with its own
state class, and the same contract suite holds every adapter to it (tests/contract).
A `StoreFamily` hands out one store per aggregate, each with its own lock: two rooms never
wait for each other.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Generic, TypeVar

S = TypeVar("S")
T = TypeVar("T")


class StateStore(ABC, Generic[S]):
    """An atomic home for one state object."""

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
    async def close(self) -> None:
        """Release the store's resources (connections); the stored state stays."""


class StoreFamily(ABC, Generic[S]):
    """The stores of one kind of aggregate (`desk`, `room`), one per key, built on demand."""

    def __init__(self) -> None:
        self._stores: dict[str, StateStore[S]] = {}

    def store(self, key: str) -> StateStore[S]:
        """The store of aggregate `key`; the same object for the same key, in this process."""
        store = self._stores.get(key)
        if store is None:
            store = self._stores[key] = self._build(key)
        return store

    def keys(self) -> list[str]:
        """The aggregates this process has used, in the order it first used them."""
        return list(self._stores)

    @abstractmethod
    def _build(self, key: str) -> StateStore[S]:
        """A new store for aggregate `key`."""

    async def close(self) -> None:
        for store in self._stores.values():
            await store.close()
        self._stores.clear()
