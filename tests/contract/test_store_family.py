"""A family of stores, one per aggregate (a room): separate states, and a lock each."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis

from tests.contract.samples import TALLY, Tally
from virtualcite.realtime.runtime import AppSpec, Runtime, register
from virtualcite.realtime.store.base import StoreFamily
from virtualcite.realtime.store.errors import StoreBusy
from virtualcite.realtime.store.memory import MemoryStoreFamily
from virtualcite.realtime.store.redis import RedisStoreFamily
from virtualcite.realtime.store.redis_client import connect

NOW = 1_000_000.0


@pytest.fixture
async def family(store_kind: str, request: pytest.FixtureRequest
                 ) -> AsyncIterator[StoreFamily[Tally]]:
    if store_kind == "memory":
        yield MemoryStoreFamily(Tally)
        return
    client = connect(request.getfixturevalue("redis_url"))
    built = RedisStoreFamily(client, kind="tally", state_factory=Tally, lock_wait=0.5)
    yield built
    await built.close()
    await client.aclose()


async def test_each_aggregate_has_its_own_state(family: StoreFamily[Tally]) -> None:
    await family.store("room-1").mutate(lambda state: TALLY.add(state, "a", NOW))
    await family.store("room-2").mutate(lambda state: TALLY.add(state, "b", NOW))

    assert family.store("room-1") is family.store("room-1")
    assert list((await family.store("room-1").read()).entries) == ["a"]
    assert list((await family.store("room-2").read()).entries) == ["b"]
    assert family.keys() == ["room-1", "room-2"]


async def test_a_stuck_aggregate_does_not_hold_up_another(
    family: StoreFamily[Tally], store_kind: str, request: pytest.FixtureRequest
) -> None:
    if store_kind == "memory":
        pytest.skip("memory stores take their lock only for the length of a change")
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    try:
        # A process killed while changing room 1 left its lock for ten seconds.
        client.set("vc:{tally:room-1}:lock", "a-dead-process", px=10_000)

        await family.store("room-2").mutate(lambda state: TALLY.add(state, "b", NOW))
        with pytest.raises(StoreBusy):
            await family.store("room-1").mutate(lambda state: TALLY.add(state, "a", NOW))
    finally:
        client.close()
    assert list((await family.store("room-2").read()).entries) == ["b"]


async def test_the_runtime_picks_the_backends_from_the_redis_url(
    store_kind: str, request: pytest.FixtureRequest
) -> None:
    register(AppSpec(name="tally", state_factory=Tally))
    url = request.getfixturevalue("redis_url") if store_kind == "redis" else None
    runtime = Runtime(url)
    try:
        app: Any = runtime.app("tally")
        expected = RedisStoreFamily if store_kind == "redis" else MemoryStoreFamily
        assert type(app.family) is expected
        await app.run("room-1", lambda state, now: (TALLY.add(state, "a", now), None))
        state = await app.store("room-1").read()
        assert list(state.entries) == ["a"] and state.version > 0
    finally:
        await runtime.close()
