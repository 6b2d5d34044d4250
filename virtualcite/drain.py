"""Graceful drain: a stopping process hands its sockets to the others and loses nobody.

On SIGTERM or SIGINT (virtualcite/server.py) the process stops listening, so the load
balancer's next connection goes to a live process (nginx retries the next upstream on a
refused connection), answers `/readyz` with 503 (virtualcite/health.py), and asks each open
websocket to close with 1012 (`CloseCode.SERVICE_RESTART`), in random order, spread over the
drain window so that thousands of pages do not knock on the other processes at the same
instant. A 1012 close is a clean one: every lease is kept whole, and each page comes back
after its own random delay (docs/protocol.md, Reconnecting) to a live process, where its token
or its shift resumes. The process stops once nothing is being served any more, or at the
latest DRAIN_MARGIN_SECONDS after the window (deploy/RUNBOOK.md, Upgrade, has the arithmetic).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Protocol

# The ASGI event a draining server sends a websocket's application: the consumer closes
# itself with 1012 (RealtimeSocket.server_drain), so it knows its close was the server's own.
DRAIN_EVENT = "server.drain"
# At least 50 closes a second: a process with a few sockets does not hold them for the whole
# window, and a reconnection (handshake, `hello`, a resume) costs a live process a few
# milliseconds of CPU (docs/benchmarks.md), so 50 a second is light.
MAX_SPACING_SECONDS = 0.02
# After the window: the close handshakes (autobahn drops a client that does not answer within
# 1 s) and the releases (daphne gives a consumer 10 s, virtualcite/cli.py
# APPLICATION_CLOSE_TIMEOUT_SECONDS). The process stops then, whatever is left.
DRAIN_MARGIN_SECONDS = 10.0
# How often the drain looks at what is left: sockets whose handshake was under way as the
# port closed are told at once, and the process stops soon after the last one ends.
WATCH_SECONDS = 0.1


class Clock(Protocol):
    """What the drain needs of Twisted's reactor (twisted.internet.task.Clock in tests)."""

    def seconds(self) -> float: ...

    def callLater(self, delay: float, callable: Callable[..., object],  # Twisted's name
                  *args: object) -> object: ...


@dataclass
class DrainStatus:
    """What `/readyz` says of the drain (virtualcite/health.py); one per process."""

    draining: bool = False
    window_seconds: float = 0.0
    websockets_left: int = 0


STATUS = DrainStatus()


def close_offsets(count: int, window: float) -> list[float]:
    """When each of `count` sockets is told to close, in seconds from the drain's start:
    evenly over the window, and never more than MAX_SPACING_SECONDS apart."""
    if count == 0:
        return []
    spacing = min(window / count, MAX_SPACING_SECONDS)
    return [index * spacing for index in range(count)]


class Drain:
    """One process's drain, driven by its clock; the server supplies what it acts on.

    `websockets` lists the websockets still open, `tell` asks one to close with 1012, `busy`
    says whether any connection is still being served (an application still running: a
    socket's release, an HTTP response), `stop` ends the process.
    """

    def __init__(self, *, window: float, clock: Clock,
                 websockets: Callable[[], Iterable[Hashable]],
                 tell: Callable[[Hashable], None], busy: Callable[[], bool],
                 stop_listening: Callable[[], None], stop: Callable[[], None],
                 status: DrainStatus | None = None, shuffle: random.Random | None = None) -> None:
        self.window = window
        self.clock = clock
        self.websockets = websockets
        self.tell = tell
        self.busy = busy
        self.stop_listening = stop_listening
        self.stop = stop
        self.status = status if status is not None else STATUS  # the process's, by default
        self.shuffle = shuffle or random.Random()  # nosec B311: an order, not a secret
        self.started_at: float | None = None
        self.known: set[Hashable] = set()  # every socket given a time to close
        self.told: set[Hashable] = set()

    @property
    def started(self) -> bool:
        return self.started_at is not None

    def begin(self) -> None:
        """Fail readiness, stop listening, and give every open websocket its time to close."""
        if self.started_at is not None:
            return
        self.started_at = self.clock.seconds()
        self.status.draining = True
        self.status.window_seconds = self.window
        self.stop_listening()
        order = list(self.websockets())
        self.shuffle.shuffle(order)
        self.status.websockets_left = len(order)
        for offset, socket in zip(close_offsets(len(order), self.window), order, strict=True):
            self.known.add(socket)
            self.clock.callLater(offset, self._tell, socket)
        self._watch()

    def _tell(self, socket: Hashable) -> None:
        if socket not in self.told:
            self.told.add(socket)
            self.tell(socket)

    def _watch(self) -> None:
        assert self.started_at is not None
        open_now = list(self.websockets())
        for socket in open_now:
            if socket not in self.known:  # its handshake was under way as the port closed
                self.known.add(socket)
                self._tell(socket)
        self.status.websockets_left = len(open_now)
        elapsed = self.clock.seconds() - self.started_at
        if not self.busy() or elapsed >= self.window + DRAIN_MARGIN_SECONDS:
            self.stop()
            return
        self.clock.callLater(WATCH_SECONDS, self._watch)
