"""The leader lease port: work that one process alone must do, whichever process it is.

Some periodic work must run once across all processes, not once per process: the minute
snapshots of the managers' figures, say. Each process asks `hold` every period; the one that
holds the lease does the work and renews it; if it dies, the lease lapses after `ttl` and
another process takes it on its next ask. A lease is a hint, not a lock on the work: after
a pause longer than `ttl` two processes may both believe they hold it for one period, so
the work it guards must be harmless to do twice (write a minute's snapshot idempotently).
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable

from redis.asyncio import Redis

from virtualcite.realtime.store.redis_client import retrying

_HOLD = """
-- Take the lease if it is free, or renew it if this holder has it.
-- KEYS: the lease. ARGV: holder, TTL in ms. Returns 1 when the holder has the lease.
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""

_RELEASE = """
-- Give the lease back, only if this holder has it.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LeaderLease(ABC):
    """Named leases, each held by at most one holder (a process id) at a time."""

    @abstractmethod
    async def hold(self, name: str, holder: str, ttl: float) -> bool:
        """Take or renew lease `name` for `ttl` seconds; True when `holder` now has it."""

    @abstractmethod
    async def release(self, name: str, holder: str) -> None:
        """Give the lease back (a process shutting down), if `holder` has it."""


class MemoryLeases(LeaderLease):
    """The leases of a one-process deployment (several holders in one process, for tests)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._held: dict[str, tuple[str, float]] = {}  # name -> (holder, expiry)

    async def hold(self, name: str, holder: str, ttl: float) -> bool:
        now = self._clock()
        with self._lock:
            current = self._held.get(name)
            if current is None or current[0] == holder or current[1] <= now:
                self._held[name] = (holder, now + ttl)
                return True
            return False

    async def release(self, name: str, holder: str) -> None:
        with self._lock:
            if self._held.get(name, ("", 0.0))[0] == holder:
                del self._held[name]


class RedisLeases(LeaderLease):
    """Leases shared by every process: `vc:lease:<name>` holds the holder, with a TTL."""

    def __init__(self, redis: Redis, *, prefix: str = "vc:lease:") -> None:
        self._prefix = prefix
        self._hold = redis.register_script(_HOLD)
        self._release = redis.register_script(_RELEASE)

    async def hold(self, name: str, holder: str, ttl: float) -> bool:
        held = await retrying(lambda: self._hold(keys=[self._prefix + name],
                                                 args=[holder, int(ttl * 1000)]))
        return bool(held)

    async def release(self, name: str, holder: str) -> None:
        await retrying(lambda: self._release(keys=[self._prefix + name], args=[holder]))
