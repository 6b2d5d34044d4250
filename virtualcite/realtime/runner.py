"""The mutation runner: a pure rule applied to one aggregate atomically, its events handed on.

Every change of an app's state goes through `MutationRunner.run`: the rule runs inside the
store's atomic step on the state and the clock, the state's `version` moves, and each
registered `EventHandler` may read what it needs from the same state (`capture`, inside the
step). Once the store has committed, each handler gets the events and what it captured
(`handle`), in the order the handlers were registered. A new consumer of an app's events
(figures, metrics) registers a handler; the runner never changes.

A handler that fails loses only what it does itself (a figure, a frame): the change is
committed, the other handlers still run, and the caller gets the rule's result.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from virtualcite.realtime.metrics import MUTATION_SECONDS
from virtualcite.realtime.store.base import StateStore

logger = logging.getLogger(__name__)

R = TypeVar("R")
S = TypeVar("S", bound="Versioned")
S_contra = TypeVar("S_contra", contravariant=True)

# A change: the state and the clock in, the events and the caller's result out.
Change = Callable[[S, float], tuple[list[Any], R]]


class Versioned(Protocol):
    """A state whose every change moves `version`, which events and replies carry.

    Events of concurrent changes may be published out of order (one handler waits for the
    database, another does not): a client drops what is older than what it shows.
    """

    version: int


class EventHandler(Protocol[S_contra]):
    """What an app does with its events once a change is committed."""

    def capture(self, key: str, state: S_contra, events: Sequence[Any], now: float) -> Any:
        """Read from aggregate `key`'s state, inside the atomic step, what `handle` will need.

        Pure: it may run more than once (a store retries), and must not change the state.
        """

    async def handle(self, key: str, events: Sequence[Any], captured: Any) -> None:
        """Act on aggregate `key`'s committed events (publish them, record figures)."""


class MutationRunner(Generic[S]):
    """Runs changes of one kind of state through its stores, then its handlers."""

    def __init__(self, *, clock: Callable[[], float],
                 handlers: Sequence[EventHandler[S]] = (), name: str = "") -> None:
        self.clock = clock
        self.handlers: list[EventHandler[S]] = list(handlers)
        # The app's name, the one label of the mutation latency (virtualcite/realtime/metrics.py).
        self._latency = MUTATION_SECONDS.labels(app=name or "unnamed")

    def add_handler(self, handler: EventHandler[S]) -> None:
        """Hand every later change's events to `handler` too, after those registered before."""
        self.handlers.append(handler)

    async def run(self, store: StateStore[S], change: Change[S, R], *, key: str) -> R:
        """Apply `change` atomically on `store`'s state (aggregate `key`); returns the change's
        result."""
        now = self.clock()
        handlers = list(self.handlers)

        def apply(state: S) -> tuple[list[Any], R, list[Any]]:
            # Moved before the change, so that its result carries the version after it; from
            # the clock, so that it still grows after a store that came back empty.
            state.version = max(state.version + 1, int(now * 1000))
            events, result = change(state, now)
            captured = [h.capture(key, state, events, now) for h in handlers] if events else []
            return events, result, captured

        started = time.perf_counter()
        try:
            events, result, captured = await store.mutate(apply)
        finally:
            self._latency.observe(time.perf_counter() - started)
        if events:
            for handler, seen in zip(handlers, captured, strict=True):
                try:
                    await handler.handle(key, events, seen)
                except Exception as error:
                    # The type only: an exception about an event could quote a frame.
                    logger.error("an event handler (%s) failed: %s", type(handler).__name__,
                                 type(error).__name__)
        return result
