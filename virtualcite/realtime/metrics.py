"""The realtime layer's Prometheus metrics, counted where things happen (served at /metrics).

Every label here takes its values from a fixed vocabulary: a route's name (never its URL,
which holds a room's slug), a refusal's documented code, an app's name, an exception's class.
None may ever carry a token, a handle, a pseudonym, a client address or any text.

Each process counts its own (`virtualcite/metrics_view.py`): Prometheus scrapes every process.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time

from prometheus_client import Counter, Gauge, Histogram

SOCKETS = Gauge("virtualcite_websocket_connections",
                "Websockets open on this process, by route.", ["route"])
FRAMES_RECEIVED = Counter("virtualcite_frames_received",
                          "Frames received from clients, by route.", ["route"])
FRAMES_REJECTED = Counter("virtualcite_frames_rejected",
                          "Client frames answered by an error frame, by route and error code.",
                          ["route", "code"])
# From a fraction of a millisecond (one process, in memory) to the Redis store's lock wait.
MUTATION_SECONDS = Histogram("virtualcite_store_mutation_seconds",
                             "Time of one atomic change of an app's state, by app.", ["app"],
                             buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                      0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
REDIS_ERRORS = Counter("virtualcite_redis_errors",
                       "Redis commands that failed (each retry counts), by error class.",
                       ["error"])
REDIS_UNREPLICATED = Counter("virtualcite_redis_unreplicated_commits",
                             "Store commits no Redis replica acknowledged in time (Sentinel "
                             "only): a failover now could lose them.")
LOOP_LAG = Gauge("virtualcite_event_loop_lag_seconds",
                 "How late the event loop last ran a timer (LAG_PERIOD apart).")

# Often enough to see a stall within a scrape interval (15 s), rare enough to cost nothing.
LAG_PERIOD = 1.0


class LoopLag:
    """A small task that sleeps LAG_PERIOD and records how late it woke up.

    Started by the first scrape of /metrics (nobody reads it before), then runs for the
    process's life.
    """

    def __init__(self, period: float = LAG_PERIOD) -> None:
        self.period = period
        self._task: asyncio.Task[None] | None = None

    def ensure_running(self) -> None:
        """Start on this event loop unless already running there (tests change loops)."""
        loop = asyncio.get_running_loop()
        if self._task is not None and not self._task.done() and self._task.get_loop() is loop:
            return
        # An empty context: the task must not carry the connection id of the socket that
        # happened to start it into its own log lines.
        self._task = loop.create_task(self._run(), context=contextvars.Context())

    async def _run(self) -> None:
        while True:
            started = time.monotonic()
            await asyncio.sleep(self.period)
            LOOP_LAG.set(max(0.0, time.monotonic() - started - self.period))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


loop_lag = LoopLag()
