"""The shared store: the state lives in Redis and every process changes it atomically.

How a mutation runs when other processes write too (two round trips); the scripts are in
`redis_scripts`:

1. `ACQUIRE` takes a short writer lock (`SET NX PX` with a random token) and, in the same
   script, returns what the process's cached state lacks: nothing if its version is current,
   else the entries changed since (from the log), or everything if it is too far behind. The
   lock serialises writers across processes, so they queue instead of all computing and then
   all but one failing. Inside a process an `asyncio.Lock` goes first, so at most one
   coroutine per process polls the Redis lock.
2. `change` runs on the cached state; the mirror (`layout.py`) finds the changed entries.
3. `COMMIT` writes them (`HSET`/`HDEL`) only if the version is still the one the change ran
   on and no other writer holds the lock, logs their names, moves the version and releases
   the lock, atomically. This compare-and-set in Lua is what makes decisions atomic: a writer
   whose lock expired mid-operation finds the version moved, writes nothing, and retries on
   the fresh state. It replaces the WATCH/MULTI pair the design suggested: same guarantee,
   fewer round trips.

When nobody else wrote since this process's last write (one process, or a quiet desk), the
next mutation skips step 1: it runs on the cache and goes straight to `COMMIT`, one round
trip. If the cache was stale after all, the commit is refused (and a refusal by `change`
is not trusted), and the mutation runs again the locked way; the store then stays locked
until a lock acquisition shows that nobody else wrote in between.

Why one hash field per entity rather than one JSON blob: at 1,000 visitors and 200
counsellors the blob is about 590 kB, and encoding it for every mutation (and decoding it in
every other process) costs over ten times finding and encoding the few changed entities
(docs/benchmarks.md, "Desk routing"). Why a log of changed names: without it, catching up
with another process meant fetching the whole hash, and parsing 2,400 bulk strings in
redis-py's pure-Python parser took a join from 1.1 ms to 25 ms (p50) when two stores
alternated at that size; with it, 3.7 ms.

Each mutation has a random token: it holds the lock, and it names the commit marker
(`commit:<token>`, holding the version written, short TTL) so that, when the connection drops
around `COMMIT`, the retry can tell whether the write happened instead of applying the
change twice.

Redis restarts: redis-py retries each command with backoff, and `mutate` and `read` retry the
whole operation on `ConnectionError`/`TimeoutError` for `unavailable_after` seconds before
raising `StoreUnavailable` (after which a mutation's outcome is unknown). Nothing is ever
written to disk (deploy/RUNBOOK.md, "Redis: persistence and failover"): the state survives the
loss of the primary through Sentinel, whose promoted replica holds every acknowledged commit
(`replication`); a Redis that comes back empty is detected by the epoch below.

Key layout (the `{namespace}` hash tag keeps every key of a store on one Redis Cluster slot,
as multi-key scripts need): `vc:{ns}:state` (hash of entries), `vc:{ns}:version`,
`vc:{ns}:log` (sorted set of entry names by last change), `vc:{ns}:lock`,
`vc:{ns}:commit:<token>`. Every key has a TTL.
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
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError
from redis.exceptions import TimeoutError as RedisTimeoutError

from virtualcite.realtime.store import redis_scripts as scripts
from virtualcite.realtime.store.base import StateStore, StoreFamily
from virtualcite.realtime.store.errors import StoreBusy
from virtualcite.realtime.store.layout import Changes, Layout, Mirror
from virtualcite.realtime.store.redis_client import DEFAULT_UNAVAILABLE_AFTER, connect, retrying
from virtualcite.realtime.store.replication import ReplicaAcks

S = TypeVar("S")
T = TypeVar("T")

# A week: longer than any closure of the desk (a long weekend, a holiday week), so a desk
# nobody touched meanwhile still holds its blocks; bounded, so a namespace nobody uses any
# more (a renamed deployment) disappears by itself. Refreshed by every write.
DEFAULT_STATE_TTL = 7 * 24 * 3600.0
# A mutation holds the lock for a few milliseconds (docs/benchmarks.md); a second is ample
# margin for a slow moment, and bounds how long a process killed while holding it stalls
# the others.
DEFAULT_LOCK_TTL = 1.0
# Waiting longer than this for the lock means Redis or a writer is stuck: fail and say so.
DEFAULT_LOCK_WAIT = 10.0
# A lost-then-retried mutation checks for its commit marker within the retry budget above.
_COMMIT_MARKER_SLACK = 30.0
# A primary that forgot the commit script twice in a row (two failovers within a commit) is
# not worth a third load: the NoScriptError goes up as any other Redis error.
_SCRIPT_LOADS = 2
# Conflicts only happen when a lock expired mid-mutation; a hundred in a row is a bug.
_MAX_CONFLICTS = 100


@dataclass(slots=True)
class _InDoubt:
    """A commit whose reply was lost with the connection: it may or may not have happened."""

    result: Any
    changes: Changes


@dataclass(slots=True)
class _Waiting:
    """A change waiting for this process's lock, and where its result goes."""

    change: Callable[[Any], Any]
    outcome: asyncio.Future[Any]


def _outcome_read(outcome: asyncio.Future[Any]) -> None:
    """Mark an outcome nobody awaits any more as read (asyncio would log it otherwise)."""
    if not outcome.cancelled():
        outcome.exception()


class _Batch:
    """Changes run as one: each on the state the ones before it left, each its own outcome.

    A change that raises must leave no trace while the others stay: the state goes back to
    the last commit and the changes before it run again (changes are re-runnable: a store
    already runs them again after a conflict). The batch itself never raises, so a
    refusal commits nothing of its own but lets the others commit.
    """

    def __init__(self, batch: list[_Waiting], mirror: Mirror[Any]) -> None:
        self.batch, self.mirror = batch, mirror
        self.outcomes: list[tuple[bool, Any]] = []

    def run(self, state: Any) -> None:
        self.outcomes = []
        for index, entry in enumerate(self.batch):
            try:
                self.outcomes.append((True, entry.change(state)))
            except Exception as error:
                self.mirror.revert(state, self.mirror.diff(state))
                for earlier in range(index):
                    if self.outcomes[earlier][0]:
                        self.outcomes[earlier] = (True, self.batch[earlier].change(state))
                self.outcomes.append((False, error))

    def settle(self) -> None:
        """Hand each change its outcome, in the batch's order."""
        for entry, (ok, value) in zip(self.batch, self.outcomes, strict=True):
            if ok:
                entry.outcome.set_result(value)
            else:
                entry.outcome.set_exception(value)


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
        redis: str | Redis,
        *,
        namespace: str,
        state_factory: Callable[[], S],
        state_ttl: float = DEFAULT_STATE_TTL,
        lock_ttl: float = DEFAULT_LOCK_TTL,
        lock_wait: float = DEFAULT_LOCK_WAIT,
        unavailable_after: float = DEFAULT_UNAVAILABLE_AFTER,
        acks: ReplicaAcks | None = None,
    ) -> None:
        # A URL gives the store a client of its own, closed with it; a client is shared (one
        # pool for every store of a process, virtualcite/realtime/runtime.py) and not closed.
        self._owns_client = isinstance(redis, str)
        self._redis = connect(redis) if isinstance(redis, str) else redis
        prefix = f"vc:{{{namespace}}}:"
        self._state_key = prefix + "state"
        self._version_key = prefix + "version"
        self._lock_key = prefix + "lock"
        self._log_key = prefix + "log"
        self._commit_prefix = prefix + "commit:"
        self._state_ttl_ms = int(state_ttl * 1000)
        self._lock_ttl_ms = int(lock_ttl * 1000)
        self._marker_ttl_ms = int((unavailable_after + _COMMIT_MARKER_SLACK) * 1000)
        self._lock_wait = lock_wait
        self._unavailable_after = unavailable_after
        # With Sentinel: each commit waits for a replica (`replication`); None, it does not.
        self._acks = acks
        self._read = self._redis.register_script(scripts.READ)
        self._acquire = self._redis.register_script(scripts.ACQUIRE)
        self._release = self._redis.register_script(scripts.RELEASE)
        self._commit = self._redis.register_script(scripts.COMMIT)

        self._factory = state_factory
        self._state = state_factory()
        self._mirror = Mirror(Layout(type(self._state), state_factory))
        # The stored version the cache holds: None before the first load (or after a lost
        # commit or a failed reload), b"" when nothing is stored.
        self._version: bytes | None = None
        # The epoch (redis_scripts) of the last version this process saw, kept through
        # forced reloads: another epoch, or nothing stored, means the state was lost.
        self._epoch: bytes | None = None
        self._lost = False
        # Whether to try the next mutation on the cache without the lock (see module doc).
        self._optimistic = True
        self._local = asyncio.Lock()
        self._waiting: list[_Waiting] = []  # changes queued for `_local` (see `mutate`)
        self._committer: asyncio.Future[None] | None = None

    async def mutate(self, change: Callable[[S], T]) -> T:
        """Run `change` atomically; changes that queued meanwhile commit together.

        While one mutation holds this process's lock, the ones that arrive wait; then one
        task (`_commit_waiting`) takes every waiting change and runs them one after the
        other, in arrival order, as one mutation: one lock, one catch-up and one `COMMIT`
        for the batch instead of a round trip or two each (a burst of joins on two processes
        queued for the lock one by one: docs/benchmarks.md, "Routing under a burst"). Each
        change still sees the changes before it and gets its own result or exception; a
        change that raises is undone alone (`_Batch`). A caller cancelled before its change
        was taken drops it; after, the change runs with its batch (as a change cancelled
        mid-commit may have committed).
        """
        entry = _Waiting(change, asyncio.get_running_loop().create_future())
        self._waiting.append(entry)
        if self._committer is None or self._committer.done():
            self._committer = asyncio.ensure_future(self._commit_waiting())
        try:
            # Shielded: a caller cancelled (its socket closed) must not cancel the batch
            # that carries the changes of others.
            return typing.cast(T, await asyncio.shield(entry.outcome))
        except asyncio.CancelledError:
            if entry in self._waiting:  # not taken into a batch yet: it never runs
                self._waiting.remove(entry)
            else:  # it runs with its batch; nobody reads its outcome
                entry.outcome.add_done_callback(_outcome_read)
            raise

    async def _commit_waiting(self) -> None:
        """The one task per store that runs the waiting changes, a batch at a time."""
        while self._waiting:
            async with self._local:
                batch, self._waiting = self._waiting, []
                await self._run_batch(batch)

    async def _run_batch(self, batch: list[_Waiting]) -> None:
        runner = _Batch(batch, self._mirror)
        try:
            if len(batch) == 1:
                only = batch[0]
                only.outcome.set_result(await self._mutate(only.change))
                return
            await self._mutate(runner.run)
        except Exception as error:
            for entry in batch:
                if not entry.outcome.done():
                    entry.outcome.set_exception(error)
            return
        except BaseException:  # the loop is closing: nobody will get an outcome
            for entry in batch:
                entry.outcome.cancel()
            raise
        runner.settle()

    async def _mutate(self, change: Callable[[S], T]) -> T:
        """One mutation, holding this process's lock (the one before batching, unchanged)."""
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
                self._absorb(
                    await self._read(
                        keys=[self._state_key, self._version_key, self._log_key],
                        args=[self._version or b"", scripts.LOG_WINDOW],
                    )
                )

            await self._retrying(refresh)
            return self._mirror.snapshot()

    async def _attempt(self, change: Callable[[S], T], token: str, in_doubt: list[_InDoubt]) -> T:
        """One try of a mutation; `in_doubt` carries a commit whose outcome was lost."""
        if self._optimistic and self._version and not in_doubt:
            try:
                return (await self._apply(change, token, in_doubt, locked=False))[0]
            except _Conflict:
                self._optimistic = False
        committed, fetched = await self._take_lock(token)
        released = False
        try:
            if in_doubt:
                doubt = in_doubt.pop()
                if committed is not None:
                    self._settle(doubt.changes, committed)
                    return typing.cast(T, doubt.result)
                self._mirror.revert(self._state, doubt.changes)
            # Nobody else wrote since this process's last write: the next try can skip the lock.
            self._optimistic = fetched[0] == self._version
            self._absorb(fetched)
            result, released = await self._apply(change, token, in_doubt, locked=True)
            return result
        finally:
            # A commit released the lock in the same script; otherwise it is still held.
            if not released and not in_doubt:
                await self._release_quietly(token)

    async def _apply(
        self, change: Callable[[S], T], token: str, in_doubt: list[_InDoubt], *, locked: bool
    ) -> tuple[T, bool]:
        """Run `change` on the cache and commit it; return its result and whether it wrote.

        Without the lock the cache may be stale, so a refusal proves nothing: it becomes a
        `_Conflict` and the caller runs the change again, locked, on the current state.
        """
        version = self._version or b""
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
            return result, False
        args: list[Any] = [version, token, self._state_ttl_ms, self._marker_ttl_ms]
        args += [scripts.LOG_WINDOW, len(changes.removed), *changes.removed]
        for name, value in changes.changed.items():
            args += [name, json.dumps(value, separators=(",", ":"))]
        in_doubt.append(_InDoubt(result, changes))
        keys = [self._state_key, self._version_key, self._lock_key, self._marker(token),
                self._log_key]
        if self._acks is not None and self._acks.wanted():
            written = await self._commit_replicated(self._acks, keys, args)
        else:
            written = await self._commit(keys=keys, args=args)
        in_doubt.pop()
        if written is None:
            self._mirror.revert(self._state, changes)
            raise _Conflict
        self._settle(changes, written)
        return result, True

    async def _commit_replicated(self, acks: ReplicaAcks, keys: list[str],
                                 args: list[Any]) -> bytes | None:
        """`COMMIT`, then `WAIT` on the same connection (one pipeline, one round trip).

        The script goes by its hash alone: a pipeline given the script object would first ask
        whether Redis knows it, a round trip more per commit. A primary that does not know it
        (just promoted: the script cache is not replicated) gets it loaded, then the pair again.
        """
        loads = 0
        while True:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.evalsha(self._commit.sha, len(keys), *keys, *args)
                pipe.wait(acks.replicas, acks.timeout_ms)
                written, acknowledged = await pipe.execute(raise_on_error=False)
            if isinstance(written, NoScriptError) and loads < _SCRIPT_LOADS:
                loads += 1
                await self._redis.script_load(scripts.COMMIT)
                continue
            if isinstance(written, Exception):
                raise written
            if isinstance(acknowledged, Exception):
                raise acknowledged
            if written is not None:
                acks.record(int(acknowledged))
            return typing.cast(bytes | None, written)

    async def _take_lock(self, token: str) -> tuple[bytes | None, list[Any]]:
        """Wait for the writer lock; return the version `token` committed (if it did) and
        what the cache needs to catch up (see `redis_scripts`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._lock_wait
        # Short first sleeps: a mutation holds the lock for about a millisecond.
        delay = 0.0005
        while True:
            reply = await self._acquire(
                keys=[
                    self._lock_key,
                    self._marker(token),
                    self._state_key,
                    self._version_key,
                    self._log_key,
                ],
                args=[token, self._lock_ttl_ms, self._version or b"", scripts.LOG_WINDOW],
            )
            if reply[0] == 1:
                return reply[1], reply[2]
            if loop.time() > deadline:
                raise StoreBusy(f"the writer lock stayed taken for {self._lock_wait} s")
            # Bandit B311 (random): retry jitter, not a secret.
            await asyncio.sleep(delay * (0.5 + random.random()))  # nosec B311
            delay = min(delay * 2, 0.01)

    async def _release_quietly(self, token: str) -> None:
        """Release the lock; if Redis is gone, its TTL releases it instead."""
        with contextlib.suppress(RedisConnectionError, RedisTimeoutError):
            await self._release(keys=[self._lock_key], args=[token])

    def _absorb(self, fetched: list[Any]) -> None:
        """Bring the cache up to date with a `fetch` reply (see `redis_scripts`)."""
        version, kind = bytes(fetched[0]), fetched[1]
        if kind == b"same":
            return
        if kind == b"none":
            # Nothing stored: a new namespace, or Redis lost the state (expired, or restarted
            # without persistence). The factory's state it is, all of it still to be written.
            self._state = self._factory()
            self._mirror.reset({})
        elif kind == b"full":
            flat = fetched[2]
            entries = {flat[i].decode(): json.loads(flat[i + 1]) for i in range(0, len(flat), 2)}
            self._state = self._mirror.layout.build(entries)
            self._mirror.reset(entries)
        else:
            changes = Changes()
            for name, value in zip(fetched[2], fetched[3], strict=True):
                if value is None:
                    changes.removed.append(name.decode())
                else:
                    changes.changed[name.decode()] = json.loads(value)
            try:
                self._mirror.layout.apply(self._state, changes)
                self._mirror.commit(changes)
            except BaseException:
                # Half applied: only a full reload can be trusted now.
                self._version = None
                raise
        self._version = version
        self._note_epoch(version, fetched=True)

    def _settle(self, changes: Changes, version: bytes) -> None:
        """Record a committed mutation in the cache."""
        self._mirror.commit(changes)
        self._version = version
        self._note_epoch(version, fetched=False)

    def _note_epoch(self, version: bytes, *, fetched: bool) -> None:
        """Follow the epoch; a fetched state of another epoch (or none) was a lost state.

        A commit of this process may start a new epoch itself, after it fetched nothing.
        """
        epoch = version.rsplit(b":", 1)[0] if version else None
        if fetched and self._epoch is not None and epoch != self._epoch:
            self._lost = True
        if epoch is not None:
            self._epoch = epoch

    def state_was_lost(self) -> bool:
        lost, self._lost = self._lost, False
        return lost

    async def _retrying(self, operation: Callable[[], Awaitable[T]]) -> T:
        return await retrying(operation, unavailable_after=self._unavailable_after)

    def _marker(self, token: str) -> str:
        return self._commit_prefix + token

    async def close(self) -> None:
        if self._owns_client:
            await self._redis.aclose()


class RedisStoreFamily(StoreFamily[S]):
    """One Redis store per aggregate key, all on one shared client (`vc:{<kind>:<key>}:...`).

    Each aggregate has its own keys and its own writer lock, and keeps its keys on one
    Redis Cluster slot (the hash tag is the whole namespace).
    """

    def __init__(self, redis: Redis, *, kind: str, state_factory: Callable[[], S],
                 acks: ReplicaAcks | None = None, **options: float) -> None:
        super().__init__()
        self._redis = redis
        self._kind = kind
        self._factory = state_factory
        self._acks = acks
        self._options = options

    def _build(self, key: str) -> StateStore[S]:
        return RedisStateStore(self._redis, namespace=f"{self._kind}:{key}",
                               state_factory=self._factory, acks=self._acks, **self._options)
