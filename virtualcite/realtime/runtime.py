"""The process's realtime runtime: the backends `settings.REDIS` picks, and the apps on them.

Built lazily on first use from the settings, so that importing an app never opens a
connection. An app (the desk, the rooms) declares itself once with `register(AppSpec(...))`
from its AppConfig: its kind of state and the handlers of its events. The runtime then gives
it a `RealtimeApp`: its stores (one per aggregate), its runner, and the shared connection
registry and leader lease. Tests call `reset_runtime()` between event loops.
"""

from __future__ import annotations

import time
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.conf import settings

from virtualcite.config import RedisSentinel, RedisTarget
from virtualcite.realtime.runner import Change, EventHandler, MutationRunner, Versioned
from virtualcite.realtime.store.base import StateStore, StoreFamily
from virtualcite.realtime.store.connections import (
    ConnectionRegistry,
    MemoryConnections,
    RedisConnections,
)
from virtualcite.realtime.store.leases import LeaderLease, MemoryLeases, RedisLeases
from virtualcite.realtime.store.memory import MemoryStoreFamily
from virtualcite.realtime.store.redis import RedisStoreFamily
from virtualcite.realtime.store.redis_client import connect
from virtualcite.realtime.store.replication import ReplicaAcks

S = TypeVar("S", bound=Versioned)
R = TypeVar("R")


def wall_clock() -> float:
    return time.time()


@dataclass(frozen=True)
class AppSpec(Generic[S]):
    """What an app tells the runtime: its kind of state and the handlers of its events.

    `handlers` run in this order after every committed change (record before publish, so a
    client told of an end finds its figure written).
    """

    name: str
    state_factory: Callable[[], S]
    handlers: Sequence[Callable[[], EventHandler[S]]] = field(default_factory=tuple)


_specs: dict[str, AppSpec[Any]] = {}


def register(spec: AppSpec[Any]) -> None:
    """Declare an app; idempotent (AppConfig.ready may run more than once in tests)."""
    _specs[spec.name] = spec


class RealtimeApp(Generic[S]):
    """One app's stores and runner in this process."""

    def __init__(self, spec: AppSpec[S], family: StoreFamily[S], clock: Callable[[], float],
                 connections: ConnectionRegistry, leases: LeaderLease) -> None:
        self.name = spec.name
        self.family = family
        self.runner = MutationRunner[S](clock=clock, name=spec.name,
                                        handlers=[make() for make in spec.handlers])
        self.connections = connections
        self.leases = leases

    def store(self, key: str) -> StateStore[S]:
        return self.family.store(key)

    async def run(self, key: str, change: Change[S, R]) -> R:
        """Apply `change` to aggregate `key` and hand its events to the app's handlers."""
        return await self.runner.run(self.family.store(key), change, key=key)


class Runtime:
    """The backends of this process (memory, or one shared Redis client) and its apps."""

    def __init__(self, redis: str | RedisTarget | None, *,
                 clock: Callable[[], float] = wall_clock) -> None:
        self.clock = clock
        self._redis = connect(redis) if redis else None
        # Through Sentinel a replica may be promoted: commits wait until one holds them.
        self._acks = ReplicaAcks() if isinstance(redis, RedisSentinel) else None
        self.connections: ConnectionRegistry = (
            RedisConnections(self._redis) if self._redis else MemoryConnections())
        self.leases: LeaderLease = RedisLeases(self._redis) if self._redis else MemoryLeases()
        self._apps: dict[str, RealtimeApp[Any]] = {}

    def app(self, name: str) -> RealtimeApp[Any]:
        """The registered app `name`, built on first use."""
        app = self._apps.get(name)
        if app is None:
            spec = _specs[name]
            family: StoreFamily[Any] = (
                RedisStoreFamily(self._redis, kind=name, state_factory=spec.state_factory,
                                 acks=self._acks)
                if self._redis else MemoryStoreFamily(spec.state_factory))
            app = self._apps[name] = RealtimeApp(spec, family, self.clock, self.connections,
                                                 self.leases)
        return app

    async def close(self) -> None:
        """Close every store and the Redis client; what Redis holds stays."""
        for app in self._apps.values():
            await app.family.close()
        self._apps.clear()
        if self._redis is not None:
            await self._redis.aclose()


class AppRuntime(Generic[S]):
    """Base of an app's own view of its runtime (chat/runtime.py, rooms/runtime.py): what its
    services use, in its own terms."""

    def __init__(self, app: RealtimeApp[S]) -> None:
        self.app = app

    @property
    def connections(self) -> ConnectionRegistry:
        return self.app.connections

    @property
    def clock(self) -> Callable[[], float]:
        return self.app.runner.clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        """Tests move time forward by giving the app another clock."""
        self.app.runner.clock = clock

    def now(self) -> float:
        return self.app.runner.clock()


A = TypeVar("A", bound=AppRuntime[Any])
_app_runtimes: dict[str, AppRuntime[Any]] = {}


def app_runtime(name: str, build: Callable[[RealtimeApp[Any]], A]) -> A:
    """App `name`'s own runtime, built by `build` for the process's current runtime."""
    app = realtime().app(name)
    current = _app_runtimes.get(name)
    if current is None or current.app is not app:  # a reset runtime builds a new app
        current = _app_runtimes[name] = build(app)
    return typing.cast(A, current)


_runtime: Runtime | None = None


def realtime() -> Runtime:
    global _runtime
    if _runtime is None:
        _runtime = Runtime(settings.REDIS)
    return _runtime


async def reset_runtime() -> None:
    """Forget the process's runtime (closing its connections); the stored state stays."""
    global _runtime
    if _runtime is not None:
        await _runtime.close()
    _runtime = None
