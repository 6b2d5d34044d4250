"""The connection registry port: how many sockets hold one key (a visitor's token), anywhere.

A key may be open in a few tabs, on any process; the registry counts them so that a route
can refuse one tab too many. Each entry expires unless refreshed (a process that died never
removes its entries), so a count is never held up for ever by sockets that no longer exist.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable

from redis.asyncio import Redis

from virtualcite.realtime.store.redis_client import retrying

_ADD = """
-- Register a connection, drop the expired ones, and count the live ones.
-- Expiries use the Redis clock so that processes on hosts with skewed clocks agree.
-- KEYS: the key's sorted set. ARGV: connection id, TTL in ms.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return redis.call('ZCARD', KEYS[1])
"""

_REFRESH = """
-- Extend a live connection (never revive a removed or expired one).
-- KEYS: the key's sorted set. ARGV: connection id, TTL in ms.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if expiry and tonumber(expiry) > now then
  redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[1])
  if redis.call('PTTL', KEYS[1]) < ttl then
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
end
return 1
"""


class ConnectionRegistry(ABC):
    """Live connections per key, each expiring `ttl` seconds after its last refresh."""

    @abstractmethod
    async def add(self, key: str, connection_id: str, ttl: float) -> int:
        """Register a live connection under `key` for `ttl` seconds; return how many `key` has.

        Expired connections (a process that died without removing them) are not counted,
        which is why every connection must be refreshed before its `ttl` runs out.
        """

    @abstractmethod
    async def refresh(self, key: str, connection_id: str, ttl: float) -> None:
        """Extend a live connection's life by `ttl` seconds from now (never revive one)."""

    @abstractmethod
    async def remove(self, key: str, connection_id: str) -> None:
        """Forget a connection (called when it closes); unknown ids are ignored."""


class MemoryConnections(ConnectionRegistry):
    """The registry of a one-process deployment."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._connections: dict[str, dict[str, float]] = {}  # key -> connection id -> expiry
        # Keys whose connections all expired without a remove (a crashed client) are swept
        # when the registry doubles in size, so the sweep's cost is amortised over the adds.
        self._sweep_above = 1024

    async def add(self, key: str, connection_id: str, ttl: float) -> int:
        now = self._clock()
        with self._lock:
            live = {cid: expiry for cid, expiry in self._connections.get(key, {}).items()
                    if expiry > now}
            live[connection_id] = now + ttl
            self._connections[key] = live
            if len(self._connections) > self._sweep_above:
                self._sweep(now)
            return len(live)

    def _sweep(self, now: float) -> None:
        self._connections = {key: connections for key, connections in self._connections.items()
                             if any(expiry > now for expiry in connections.values())}
        self._sweep_above = max(1024, 2 * len(self._connections))

    async def refresh(self, key: str, connection_id: str, ttl: float) -> None:
        with self._lock:
            connections = self._connections.get(key, {})
            # Only a registered connection is extended: a late heartbeat must not revive
            # a connection that was removed or has already expired.
            if connections.get(connection_id, 0.0) > self._clock():
                connections[connection_id] = self._clock() + ttl

    async def remove(self, key: str, connection_id: str) -> None:
        with self._lock:
            connections = self._connections.get(key)
            if connections is not None:
                connections.pop(connection_id, None)
                if not connections:
                    del self._connections[key]


class RedisConnections(ConnectionRegistry):
    """The registry shared by every process: `vc:conn:<key>`, a sorted set scored by expiry."""

    def __init__(self, redis: Redis, *, prefix: str = "vc:conn:") -> None:
        self._redis = redis
        self._prefix = prefix
        self._add = redis.register_script(_ADD)
        self._refresh = redis.register_script(_REFRESH)

    async def add(self, key: str, connection_id: str, ttl: float) -> int:
        count = await retrying(lambda: self._add(
            keys=[self._prefix + key], args=[connection_id, int(ttl * 1000)]))
        return int(count)

    async def refresh(self, key: str, connection_id: str, ttl: float) -> None:
        await retrying(lambda: self._refresh(
            keys=[self._prefix + key], args=[connection_id, int(ttl * 1000)]))

    async def remove(self, key: str, connection_id: str) -> None:
        await retrying(lambda: self._redis.zrem(self._prefix + key, connection_id))
