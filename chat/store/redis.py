"""The shared store: the state lives in Redis and every process changes it atomically.

How a mutation runs when other processes write too (two round trips if the cache is current):

1. `_ACQUIRE` takes a short writer lock (`SET NX PX` with a random token) and returns the
   state's version. The lock serialises writers across processes, so they queue instead of
   all computing and then all but one failing. Inside a process an `asyncio.Lock` goes
   first, so at most one coroutine per process polls the Redis lock.
2. If the version moved, the state hash is fetched (`GET` + `HGETALL` in one `MULTI`) and only
   the entries whose bytes changed are decoded into the process's cached state.
3. `change` runs on the cached state; the mirror (`chat.store.layout`) finds the changed entries.
4. `_COMMIT` writes them (`HSET`/`HDEL`) only if the version is still the one read in step 1
   and no other writer holds the lock, sets the version to this mutation's id and releases
   the lock, atomically. This compare-and-set in Lua is what makes decisions atomic: a writer
   whose lock expired mid-operation finds the version moved, writes nothing, and retries on
   the fresh state. It replaces the WATCH/MULTI pair the design suggested: same guarantee,
   two fewer round trips per mutation.

When nobody else wrote since this process's last write (one process, or a quiet desk), the
next mutation skips steps 1-2: it runs on the cache and goes straight to `_COMMIT`, one round
trip. If the cache was stale after all, the commit is refused (and a refusal by `change`
is not trusted), and the mutation runs again the locked way; the store then stays locked
until a lock acquisition shows that nobody else wrote in between.

Why one hash field per entity rather than one JSON blob: at 1,000 visitors and 200
counsellors the blob is about 590 kB, and encoding it for every mutation (and decoding it in
every other process) costs over ten times finding and encoding the few changed entities
(docs/benchmarks.md, "Desk routing").

Version ids are random (the mutation id), not a counter: a Redis that lost its data and
counted again could otherwise hand a process a version number it already caches with other
contents. The same id marks the commit (`commit:<id>`, short TTL) so that, when the connection
drops during `_COMMIT`, the retry can tell whether the write happened instead of applying the
change twice.

Redis restarts: redis-py retries each command with backoff, and `mutate` and `read` retry the
whole operation on `ConnectionError`/`TimeoutError` for `unavailable_after` seconds before
raising `StoreUnavailable`. The state survives a restart only if Redis persists it (RDB or
AOF): run it so in production.

Key layout (the `{namespace}` hash tag keeps every key of a store on one Redis Cluster slot,
as multi-key scripts need): `vc:{ns}:state` (hash of entries), `vc:{ns}:version`,
`vc:{ns}:lock`, `vc:{ns}:commit:<id>`, `vc:{ns}:conn:<key>` (sorted set of connection ids
scored by expiry). Every key has a TTL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import secrets
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from chat.store.base import StateStore
from chat.store.errors import StoreBusy, StoreUnavailable
from chat.store.layout import Changes, Layout, Mirror

S = TypeVar("S")
T = TypeVar("T")

# A week: longer than any closure of the desk (a long weekend, a holiday week), so a desk
# nobody touched meanwhile still holds its blocks; bounded, so a namespace nobody uses any
# more (a renamed deployment) disappears by itself. Refreshed by every write.
DEFAULT_STATE_TTL = 7 * 24 * 3600.0
# A mutation holds the lock for about a millisecond (docs/benchmarks.md); a second is ample
# margin for a slow moment, and bounds how long a process killed while holding it stalls
# the others.
DEFAULT_LOCK_TTL = 1.0
# Waiting longer than this for the lock means Redis or a writer is stuck: fail and say so.
DEFAULT_LOCK_WAIT = 10.0
# Covers a Redis restart (a second or two) and a Sentinel failover (about ten seconds).
DEFAULT_UNAVAILABLE_AFTER = 15.0
# A lost-then-retried mutation checks for its commit marker within the retry budget above.
_COMMIT_MARKER_SLACK = 30.0
# Conflicts only happen when a lock expired mid-mutation; a hundred in a row is a bug.
_MAX_CONFLICTS = 100

_ACQUIRE = """
-- Take the writer lock, or keep it when a retry of the same mutation already holds it.
-- KEYS: lock, version, commit marker of this mutation. ARGV: token, lock TTL in ms.
-- Returns {1, version, committed} when held, {0} when another writer holds it.
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return {0}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, redis.call('GET', KEYS[2]) or '', redis.call('EXISTS', KEYS[3])}
"""

_RELEASE = """
-- Release the writer lock only if this mutation still holds it.
-- KEYS: lock. ARGV: token.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 1
"""

_COMMIT = """
-- Write a mutation's changed entries if no other write happened since it read the state
-- and no other writer holds the lock.
-- KEYS: state hash, version, lock, commit marker.
-- ARGV: expected version, new version (the mutation's token), state TTL ms, marker TTL ms,
--       number of removed names, the removed names, then name/value pairs to set.
-- Returns 1 when written, else 0.
-- The marker exists only if this very mutation committed: when redis-py resends the call
-- after a lost reply, the resend must not be mistaken for a conflict and applied again.
if redis.call('EXISTS', KEYS[4]) == 1 then
  return 1
end
local current = redis.call('GET', KEYS[2]) or ''
if current ~= ARGV[1] then
  return 0
end
-- A writer holding the lock may be computing on this very version: leave it the turn.
local holder = redis.call('GET', KEYS[3])
if holder and holder ~= ARGV[2] then
  return 0
end
local removed = tonumber(ARGV[5])
local first_pair = 6 + removed
-- Chunks of 1000: Lua's unpack has a stack limit of a few thousand values.
for i = 6, first_pair - 1, 1000 do
  redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(i + 999, first_pair - 1)))
end
for i = first_pair, #ARGV, 1000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[4], '1', 'PX', ARGV[4])
if redis.call('GET', KEYS[3]) == ARGV[2] then
  redis.call('DEL', KEYS[3])
end
return 1
"""

_CONNECTION_ADD = """
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

_CONNECTION_REFRESH = """
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


@dataclass(slots=True)
class _InDoubt:
    """A commit whose reply was lost with the connection: it may or may not have happened."""

    result: Any
    changes: Changes
    raw: dict[str, bytes]


class _Conflict(Exception):
    """Another write happened between reading the version and committing."""


class RedisStateStore(StateStore[S]):
    """One state shared by every process through Redis; see the module docstring.

    Each process caches the decoded state and its version, and reloads (only what changed)
    when another process moved the version. Use one store per event loop: its in-process
    lock is an `asyncio.Lock`.
    """

    def __init__(
        self,
        url: str,
        *,
        namespace: str,
        state_factory: Callable[[], S],
        state_ttl: float = DEFAULT_STATE_TTL,
        lock_ttl: float = DEFAULT_LOCK_TTL,
        lock_wait: float = DEFAULT_LOCK_WAIT,
        unavailable_after: float = DEFAULT_UNAVAILABLE_AFTER,
    ) -> None:
        self._redis = Redis.from_url(
            url,
            # Each command is retried briefly by redis-py; `_retrying` covers longer outages.
            retry=Retry(ExponentialWithJitterBackoff(base=0.01, cap=0.5), 3),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
            socket_connect_timeout=2,
            socket_timeout=5,
        )
        prefix = f"vc:{{{namespace}}}:"
        self._state_key = prefix + "state"
        self._version_key = prefix + "version"
        self._lock_key = prefix + "lock"
        self._commit_prefix = prefix + "commit:"
        self._connection_prefix = prefix + "conn:"
        self._state_ttl_ms = int(state_ttl * 1000)
        self._lock_ttl_ms = int(lock_ttl * 1000)
        self._marker_ttl_ms = int((unavailable_after + _COMMIT_MARKER_SLACK) * 1000)
        self._lock_wait = lock_wait
        self._unavailable_after = unavailable_after
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._release = self._redis.register_script(_RELEASE)
        self._commit = self._redis.register_script(_COMMIT)
        self._connection_add = self._redis.register_script(_CONNECTION_ADD)
        self._connection_refresh = self._redis.register_script(_CONNECTION_REFRESH)

        self._factory = state_factory
        self._state = state_factory()
        self._mirror = Mirror(Layout(type(self._state), state_factory))
        self._raw: dict[str, bytes] = {}  # entry name -> bytes as stored, to spot changes
        # The stored version the cache holds: None before the first load (or after a lost
        # commit), b"" when nothing is stored.
        self._version: bytes | None = None
        # Whether to try the next mutation on the cache without the lock (see module doc).
        self._optimistic = True
        self._local = asyncio.Lock()

    async def mutate(self, change: Callable[[S], T]) -> T:
        async with self._local:
            token = secrets.token_hex(16)
            in_doubt: list[_InDoubt] = []
            conflicts = 0
            try:
                while True:
                    try:
                        return await self._retrying(
                            lambda: self._attempt(change, token, in_doubt)
                        )
                    except _Conflict:
                        conflicts += 1
                        if conflicts >= _MAX_CONFLICTS:
                            raise StoreBusy(f"{conflicts} write conflicts in a row") from None
            finally:
                if in_doubt:
                    # Gave up without learning whether the last commit happened: drop it from
                    # the cache and force a reload, so Redis decides what the state is.
                    self._mirror.revert(self._state, in_doubt.pop().changes)
                    self._version = None

    async def read(self) -> S:
        async with self._local:

            async def refresh() -> None:
                version = await self._redis.get(self._version_key)
                await self._sync(typing.cast(bytes, version or b""))

            await self._retrying(refresh)
            return self._mirror.snapshot()

    async def _attempt(self, change: Callable[[S], T], token: str, in_doubt: list[_InDoubt]) -> T:
        """One try of a mutation; `in_doubt` carries a commit whose outcome was lost."""
        if self._optimistic and self._version and not in_doubt:
            try:
                return await self._apply(change, token, self._version, in_doubt, locked=False)
            except _Conflict:
                self._optimistic = False
        version, committed = await self._take_lock(token)
        # Nobody else wrote since this process's last write: the next try can skip the lock.
        self._optimistic = version == self._version
        released = False
        try:
            if in_doubt:
                doubt = in_doubt.pop()
                if committed:
                    self._settle(doubt.changes, doubt.raw, token)
                    return typing.cast(T, doubt.result)
                self._mirror.revert(self._state, doubt.changes)
            await self._sync(version)
            result = await self._apply(change, token, version, in_doubt, locked=True)
            # A commit released the lock in the same script; a change that wrote nothing
            # still holds it.
            released = self._version == token.encode()
            return result
        finally:
            if not released and not in_doubt:
                await self._release_quietly(token)

    async def _apply(
        self,
        change: Callable[[S], T],
        token: str,
        version: bytes,
        in_doubt: list[_InDoubt],
        *,
        locked: bool,
    ) -> T:
        """Run `change` on the cache (at `version`) and commit it; `_Conflict` if stale.

        Without the lock the cache may be stale, so a refusal proves nothing: it becomes a
        `_Conflict` and the caller runs the change again, locked, on the current state.
        """
        try:
            result = change(self._state)
        except BaseException as error:
            self._mirror.revert(self._state, self._mirror.diff(self._state))
            if not locked and isinstance(error, Exception):
                raise _Conflict from error
            raise
        changes = self._mirror.diff(self._state)
        if not changes:
            # Nothing to write; unlocked, the result only holds if the cache was current.
            if not locked and (await self._redis.get(self._version_key) or b"") != version:
                raise _Conflict
            return result
        raw = {
            name: json.dumps(value, separators=(",", ":")).encode()
            for name, value in changes.changed.items()
        }
        args: list[Any] = [version, token, self._state_ttl_ms, self._marker_ttl_ms]
        args.append(len(changes.removed))
        args.extend(changes.removed)
        for pair in raw.items():
            args.extend(pair)
        in_doubt.append(_InDoubt(result, changes, raw))
        written = await self._commit(
            keys=[self._state_key, self._version_key, self._lock_key, self._marker(token)],
            args=args,
        )
        in_doubt.pop()
        if not written:
            self._mirror.revert(self._state, changes)
            raise _Conflict
        self._settle(changes, raw, token)
        return result

    async def _take_lock(self, token: str) -> tuple[bytes, bool]:
        """Wait for the writer lock; return the state's version and whether `token` committed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._lock_wait
        # Short first sleeps: a mutation holds the lock for about a millisecond.
        delay = 0.0005
        while True:
            reply = await self._acquire(
                keys=[self._lock_key, self._version_key, self._marker(token)],
                args=[token, self._lock_ttl_ms],
            )
            if reply[0] == 1:
                return bytes(reply[1]), reply[2] == 1
            if loop.time() > deadline:
                raise StoreBusy(f"the writer lock stayed taken for {self._lock_wait} s")
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.01)

    async def _release_quietly(self, token: str) -> None:
        """Release the lock; if Redis is gone, its TTL releases it instead."""
        with contextlib.suppress(RedisConnectionError, RedisTimeoutError):
            await self._release(keys=[self._lock_key], args=[token])

    async def _sync(self, version: bytes) -> None:
        """Bring the cached state to the stored one if `version` is not the cached version."""
        if version == self._version:
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(self._version_key)
            pipe.hgetall(self._state_key)
            stored_version, stored = await pipe.execute()
        stored_version = stored_version or b""
        fetched = {name.decode(): raw for name, raw in stored.items()}
        if not stored_version:
            # Nothing stored: a new namespace, or Redis lost the state (expired, or restarted
            # without persistence). The factory's state it is, all of it still to be written.
            self._state = self._factory()
            self._mirror.reset({})
            self._raw = {}
        elif not self._version:
            # First load of a stored state: exactly the stored entries.
            entries = {name: json.loads(raw) for name, raw in fetched.items()}
            self._state = self._mirror.layout.build(entries)
            self._mirror.reset(entries)
            self._raw = fetched
        else:
            # Another process wrote: decode only the entries whose bytes changed.
            changes = Changes()
            for name, raw in fetched.items():
                if self._raw.get(name) != raw:
                    changes.changed[name] = json.loads(raw)
            changes.removed = [name for name in self._raw if name not in fetched]
            try:
                self._mirror.layout.apply(self._state, changes)
                self._mirror.commit(changes)
            except BaseException:
                # Half applied: only a full reload can be trusted now.
                self._version = None
                raise
            self._raw = fetched
        self._version = stored_version

    def _settle(self, changes: Changes, raw: dict[str, bytes], token: str) -> None:
        """Record a committed mutation in the cache."""
        self._mirror.commit(changes)
        self._raw.update(raw)
        for name in changes.removed:
            self._raw.pop(name, None)
        self._version = token.encode()

    async def _retrying(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run `operation`, retrying while Redis is unreachable, up to `unavailable_after` s."""
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + self._unavailable_after
        delay = 0.05
        while True:
            try:
                return await operation()
            except (RedisConnectionError, RedisTimeoutError) as error:
                if loop.time() > give_up_at:
                    raise StoreUnavailable(
                        f"Redis unreachable for {self._unavailable_after} s: {error}"
                    ) from error
                await asyncio.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 1.0)

    def _marker(self, token: str) -> str:
        return self._commit_prefix + token

    async def connection_add(self, key: str, connection_id: str, ttl: float) -> int:
        count = await self._retrying(
            lambda: self._connection_add(
                keys=[self._connection_prefix + key], args=[connection_id, int(ttl * 1000)]
            )
        )
        return int(count)

    async def connection_refresh(self, key: str, connection_id: str, ttl: float) -> None:
        await self._retrying(
            lambda: self._connection_refresh(
                keys=[self._connection_prefix + key], args=[connection_id, int(ttl * 1000)]
            )
        )

    async def connection_remove(self, key: str, connection_id: str) -> None:
        await self._retrying(
            lambda: self._redis.zrem(self._connection_prefix + key, connection_id)
        )

    async def close(self) -> None:
        await self._redis.aclose()
