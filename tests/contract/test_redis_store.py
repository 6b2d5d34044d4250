"""What only the Redis store has to get right: locks, lost commits, outages, old data.

The shared behaviour is in test_state_store.py; these tests reach into Redis (or into the
store's commit step) to create the failures that two real processes would meet.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis

from chat.core import desk
from chat.core.events import VisitorQueued
from chat.core.model import DeskState
from chat.core.testing import join, of_kind
from tests.redis_server import RedisServer
from tests.waiting import eventually, wait_for
from virtualcite.realtime.store import redis_scripts as scripts
from virtualcite.realtime.store.errors import StateCorrupt, StoreBusy, StoreUnavailable
from virtualcite.realtime.store.redis import RedisStateStore

pytestmark = pytest.mark.redis

NOW = 1_000_000.0
Make = Callable[..., RedisStateStore[DeskState]]


@pytest.fixture
def namespace() -> str:
    return f"test-{secrets.token_hex(4)}"


@pytest.fixture
def client(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


@pytest.fixture
async def make(redis_url: str, namespace: str) -> AsyncIterator[Make]:
    created: list[RedisStateStore[DeskState]] = []

    def make(**options: float) -> RedisStateStore[DeskState]:
        store = RedisStateStore(
            redis_url, namespace=namespace, state_factory=DeskState, **options
        )
        created.append(store)
        return store

    yield make
    for store in created:
        await store.close()


def tokens(state: DeskState) -> list[str]:
    return sorted(state.tickets)


async def warm(store: RedisStateStore[DeskState]) -> None:
    """Two writes of its own: the second's lock showed nobody else wrote, so the store's
    next mutation skips the lock and runs on its cache (the path these tests aim at)."""
    await store.mutate(lambda state: join(state, "x", "emploi", now=NOW))
    await store.mutate(lambda state: join(state, "y", "emploi", now=NOW))
    assert store._optimistic


async def test_a_lock_left_by_a_dead_process_expires(
    make: Make, client: redis.Redis, namespace: str
) -> None:
    lock = f"vc:{{{namespace}}}:lock"
    client.set(lock, "a-killed-process", px=300)
    store = make()
    holders: list[bytes | None] = []

    def join_a(state: DeskState) -> None:
        holders.append(client.get(lock))  # who holds the lock while the change runs
        join(state, "a", "emploi", now=NOW)

    await store.mutate(join_a)

    assert holders and b"a-killed-process" not in holders  # it waited for the lock to expire
    assert tokens(await store.read()) == ["a"]


async def test_a_change_whose_caller_is_cancelled_while_waiting_never_runs(
    make: Make, client: redis.Redis, namespace: str
) -> None:
    # A socket that closes while its join waits behind others: its join is dropped, the
    # others' still commit, each once.
    lock = f"vc:{{{namespace}}}:lock"
    client.set(lock, "another-process", px=300)  # every change waits behind it
    store = make()
    first = asyncio.ensure_future(store.mutate(lambda state: join(state, "a", "emploi",
                                                                  now=NOW)))

    def queued() -> Awaitable[int]:
        return asyncio.sleep(0, len(store._waiting))

    await eventually(queued, lambda n: n == 0, what="a's change taken, waiting for the lock")
    waiting = [asyncio.ensure_future(store.mutate(
        lambda state, t=token: join(state, t, "emploi", now=NOW))) for token in "bcd"]
    await eventually(queued, lambda n: n == 3, what="b, c and d to queue behind it")
    waiting[1].cancel()

    await first
    await asyncio.gather(waiting[0], waiting[2])
    with pytest.raises(asyncio.CancelledError):
        await waiting[1]
    assert sorted(tokens(await store.read())) == ["a", "b", "d"]


async def test_a_lock_held_too_long_gives_store_busy(
    make: Make, client: redis.Redis, namespace: str
) -> None:
    client.set(f"vc:{{{namespace}}}:lock", "a-stuck-process", px=10_000)
    store = make(lock_wait=0.2)

    with pytest.raises(StoreBusy):
        await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))

    client.delete(f"vc:{{{namespace}}}:lock")
    assert tokens(await store.read()) == []


async def test_a_writer_whose_lock_expired_mid_change_cannot_clobber(
    make: Make, redis_url: str, namespace: str, client: redis.Redis
) -> None:
    lock = f"vc:{{{namespace}}}:lock"
    slow = make(lock_ttl=0.05)
    runs: list[list[str]] = []

    def other_process_joins_b() -> None:
        async def run() -> None:
            other = RedisStateStore(redis_url, namespace=namespace, state_factory=DeskState)
            await other.mutate(lambda state: join(state, "b", "emploi", now=NOW))
            await other.close()

        asyncio.run(run())

    def slow_join_of_a(state: DeskState) -> None:
        runs.append(tokens(state))
        if len(runs) == 1:
            # This change outlives its lock: another process takes the lock and commits.
            wait_for(lambda: not client.exists(lock), what="the slow change's lock to expire")
            thread = threading.Thread(target=other_process_joins_b)
            thread.start()
            thread.join(timeout=10)
        join(state, "a", "emploi", now=NOW + 1)

    await slow.mutate(slow_join_of_a)

    assert runs == [[], ["b"]]  # the first commit was refused, the retry saw b's join
    assert tokens(await slow.read()) == ["a", "b"]
    assert tokens(await make().read()) == ["a", "b"]


@pytest.mark.parametrize("path", ["locked", "optimistic"])
async def test_a_commit_whose_reply_was_lost_is_not_applied_twice(
    make: Make, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    store = make()
    if path == "optimistic":
        await warm(store)
    real_commit = store._commit
    lost: list[object] = []

    async def commit_then_lose_the_reply(**kwargs: object) -> object:
        written = await real_commit(**kwargs)  # type: ignore[arg-type]
        if not lost:
            lost.append(written)
            raise redis.exceptions.ConnectionError("connection lost after the write")
        return written

    monkeypatch.setattr(store, "_commit", commit_then_lose_the_reply)
    runs: list[int] = []

    def record_a_service(state: DeskState) -> int:
        runs.append(1)
        state.served.setdefault("emploi", []).append(NOW)
        return len(runs)

    assert await store.mutate(record_a_service) == 1

    assert len(lost) == 1 and lost[0] is not None  # the lost call did write
    assert len(runs) == 1
    assert (await store.read()).served == {"emploi": [NOW]}
    assert (await make().read()).served == {"emploi": [NOW]}


async def test_a_commit_resent_after_another_write_is_not_applied_twice(
    make: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, other = make(), make()
    real_commit = store._commit

    async def commit_resent_after_another_write(**kwargs: object) -> object:
        await real_commit(**kwargs)  # type: ignore[arg-type]
        # The reply was lost; before redis-py resends, another process takes its turn.
        await other.mutate(lambda state: join(state, "b", "emploi", now=NOW))
        return await real_commit(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "_commit", commit_resent_after_another_write)
    runs: list[int] = []

    def record_a_service(state: DeskState) -> None:
        runs.append(1)
        state.served.setdefault("emploi", []).append(NOW)

    await store.mutate(record_a_service)

    assert len(runs) == 1
    state = await other.read()
    assert (state.served, tokens(state)) == ({"emploi": [NOW]}, ["b"])
    assert tokens(await store.read()) == ["b"]


async def test_a_refusal_on_a_stale_cache_is_checked_on_the_current_state(make: Make) -> None:
    first, second = make(), make()
    await warm(first)
    await second.mutate(lambda state: join(state, "a", "emploi", now=NOW + 1))

    # `first` last saw its own write, so it tries on its cache, where "a" does not exist.
    await first.mutate(lambda state: desk.visitor_leave(state, token="a", now=NOW + 2))

    assert tokens(await second.read()) == ["x", "y"]


async def test_a_write_on_a_stale_cache_is_redone_on_the_current_state(make: Make) -> None:
    first, second = make(), make()
    await warm(first)
    await second.mutate(lambda state: join(state, "b", "emploi", now=NOW + 1))

    events = await first.mutate(lambda state: join(state, "c", "emploi", now=NOW + 2))

    assert of_kind(events, VisitorQueued) == [VisitorQueued(token="c", pole="emploi", position=4)]
    assert tokens(await second.read()) == ["b", "c", "x", "y"]


async def test_a_change_that_writes_nothing_still_sees_the_current_state(make: Make) -> None:
    first, second = make(), make()
    await warm(first)
    await second.mutate(lambda state: join(state, "b", "emploi", now=NOW + 1))

    assert await first.mutate(tokens) == ["b", "x", "y"]


async def test_redis_down_for_too_long_gives_store_unavailable_then_recovers(
    make: Make, redis_server: RedisServer
) -> None:
    store = make(unavailable_after=0.5)
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    redis_server.stop(save=True)
    try:
        with pytest.raises(StoreUnavailable):
            await store.mutate(lambda state: join(state, "b", "emploi", now=NOW))
        with pytest.raises(StoreUnavailable):
            await store.read()
    finally:
        redis_server.start()

    assert tokens(await store.read()) == ["a"]
    await store.mutate(lambda state: join(state, "c", "emploi", now=NOW))
    assert tokens(await store.read()) == ["a", "c"]


async def test_a_state_written_by_an_older_release_loads_with_defaults(
    make: Make, client: redis.Redis, namespace: str
) -> None:
    old_ticket = {  # no queued_at, position, requeued...: fields added since
        "token": "a",
        "pole": "emploi",
        "pseudonym": "visitor-a",
        "arrived_at": NOW,
        "status": "waiting",
        "lease_expires_at": NOW + 20,
        "a_field_since_removed": 1,
    }
    client.hset(
        f"vc:{{{namespace}}}:state",
        mapping={"tickets:a": json.dumps(old_ticket), "a_field_since_removed": "3"},
    )
    client.set(f"vc:{{{namespace}}}:version", "written-by-an-older-release")

    state = await make().read()

    ticket = state.tickets["a"]
    assert (ticket.arrived_at, ticket.position, ticket.requeued) == (NOW, 0, False)
    assert state.counsellors == {}


async def test_a_process_sees_what_another_process_changed(make: Make) -> None:
    first, second = make(), make()
    await first.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    assert tokens(await second.read()) == ["a"]

    await second.mutate(lambda state: join(state, "b", "emploi", now=NOW + 1))
    await second.mutate(lambda state: desk.visitor_leave(state, token="a", now=NOW + 2))

    assert tokens(await first.read()) == ["b"]
    events = await first.mutate(lambda state: join(state, "c", "emploi", now=NOW + 3))
    assert of_kind(events, VisitorQueued) == [VisitorQueued(token="c", pole="emploi", position=2)]


async def test_a_corrupt_entry_is_reported_and_a_fixed_one_is_reloaded(
    make: Make, client: redis.Redis, namespace: str
) -> None:
    store = make()
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    await store.mutate(lambda state: join(state, "b", "emploi", now=NOW))
    state_key, version_key = f"vc:{{{namespace}}}:state", f"vc:{{{namespace}}}:version"

    client.hset(state_key, "tickets:a", json.dumps({"token": "a"}))  # required fields missing
    client.set(version_key, "a-bad-deployment")
    with pytest.raises(StateCorrupt):
        await store.read()

    client.hdel(state_key, "tickets:a")
    client.set(version_key, "an-operator-fixed-it")
    assert tokens(await store.read()) == ["b"]
    assert await store.mutate(tokens) == ["b"]


async def test_a_process_far_behind_reloads_everything(
    make: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scripts, "LOG_WINDOW", 2)
    first, second = make(), make()
    await first.mutate(lambda state: join(state, "a", "emploi", now=NOW))

    def block(token: str) -> Callable[[DeskState], None]:
        def change(state: DeskState) -> None:  # one entry per commit: easy to lose track of
            state.blocked[token] = NOW + 3600

        return change

    for token in "bcde":
        await second.mutate(block(token))

    assert sorted((await first.read()).blocked) == ["b", "c", "d", "e"]
    await first.mutate(block("f"))
    assert sorted((await second.read()).blocked) == ["b", "c", "d", "e", "f"]


async def test_a_process_is_not_fooled_when_redis_lost_the_state_and_began_again(
    make: Make, client: redis.Redis
) -> None:
    first, second = make(), make()
    await first.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    await first.mutate(lambda state: join(state, "b", "emploi", now=NOW))
    client.flushall()  # as a restart without persistence would
    await second.mutate(lambda state: join(state, "c", "emploi", now=NOW))
    await second.mutate(lambda state: join(state, "d", "emploi", now=NOW))

    # Same sequence number as the cache of `first`, another history: it must reload.
    assert tokens(await first.read()) == ["c", "d"]


async def test_a_state_lost_by_redis_is_reported_once_to_every_process(
    make: Make, client: redis.Redis
) -> None:
    first, second = make(), make()
    await warm(first)  # on the fast path, so the loss is found by a refused commit
    assert tokens(await second.read()) == ["x", "y"]
    assert not first.state_was_lost() and not second.state_was_lost()
    client.flushall()  # Redis came back empty
    await first.mutate(lambda state: join(state, "z", "emploi", now=NOW))
    assert first.state_was_lost()
    assert not first.state_was_lost()  # told once
    assert tokens(await second.read()) == ["z"]  # another history: the second one learns too
    assert second.state_was_lost()
    await first.mutate(lambda state: join(state, "w", "emploi", now=NOW))
    assert tokens(await second.read()) == ["w", "z"]
    assert not first.state_was_lost() and not second.state_was_lost()


async def test_a_new_namespace_is_not_a_lost_state(make: Make) -> None:
    store = make()
    await store.mutate(lambda state: join(state, "x", "emploi", now=NOW))
    assert not store.state_was_lost()
