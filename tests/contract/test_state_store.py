"""The contract every state store keeps, run against each adapter and on every sample state
(the store's own small one and each app's, tests/contract/samples.py)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
import redis

from tests.contract.conftest import StoreFactory
from tests.contract.samples import Sample
from tests.redis_server import RedisServer
from virtualcite.realtime.store.base import StateStore

NOW = 1_000_000.0


async def test_a_new_store_holds_the_factory_state(
    store: StateStore[Any], sample: Sample
) -> None:
    assert await store.read() == sample.factory()


async def test_mutate_returns_the_change_result_and_keeps_the_change(
    store: StateStore[Any], sample: Sample
) -> None:
    expected = sample.add(sample.factory(), "a", NOW)

    events = await store.mutate(lambda state: sample.add(state, "a", NOW))

    assert events == expected
    assert sample.keys(await store.read()) == ["a"]


async def test_successive_mutations_see_each_other(
    store: StateStore[Any], sample: Sample
) -> None:
    await store.mutate(lambda state: sample.add(state, "a", NOW))
    await store.mutate(lambda state: sample.add(state, "b", NOW + 1))
    await store.mutate(lambda state: sample.drop(state, "a", NOW + 2))

    assert sample.keys(await store.read()) == ["b"]


def _tamper(entity: Any) -> None:
    """Change every list and number of an entity in place."""
    for field in dataclasses.fields(entity):
        value = getattr(entity, field.name)
        if isinstance(value, list):
            value.append("tampered")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            setattr(entity, field.name, value + 7)


async def test_a_reader_mutating_its_snapshot_cannot_corrupt_the_state(
    store: StateStore[Any], sample: Sample
) -> None:
    await store.mutate(lambda state: sample.add(state, "a", NOW))
    committed = dataclasses.asdict(sample.entity(await store.read(), "a"))
    snapshot = await store.read()
    _tamper(sample.entity(snapshot, "a"))
    for field in dataclasses.fields(snapshot):
        value = getattr(snapshot, field.name)
        if isinstance(value, dict):
            value.clear()

    seen_by_next_change = await store.mutate(
        lambda state: (sample.keys(state), dataclasses.asdict(sample.entity(state, "a"))))
    assert seen_by_next_change == (["a"], committed)


async def test_a_snapshot_is_not_changed_by_later_mutations(
    store: StateStore[Any], sample: Sample
) -> None:
    await store.mutate(lambda state: sample.add(state, "a", NOW))
    before = await store.read()
    await store.mutate(lambda state: sample.drop(state, "a", NOW + 1))

    assert sample.keys(before) == ["a"]
    assert sample.keys(await store.read()) == []


async def test_a_change_that_raises_writes_nothing_even_if_it_mutated_first(
    store: StateStore[Any], sample: Sample
) -> None:
    await store.mutate(lambda state: sample.add(state, "a", NOW))
    before = await store.read()

    def half_done(state: Any) -> None:
        sample.add(state, "b", NOW + 1)
        _tamper(sample.entity(state, "a"))
        sample.drop(state, "a", NOW + 1)
        raise RuntimeError("a bug halfway through")

    with pytest.raises(RuntimeError, match="halfway"):
        await store.mutate(half_done)

    assert await store.read() == before
    # And the next mutation starts from the untouched state, not from the half-done one.
    await store.mutate(lambda state: sample.add(state, "c", NOW + 2))
    state = await store.read()
    assert sorted(sample.keys(state)) == ["a", "c"]
    assert sample.entity(state, "a") == sample.entity(before, "a")


async def test_the_state_survives_a_new_store_on_the_same_namespace(
    make_store: StoreFactory, store_kind: str, sample: Sample
) -> None:
    if store_kind == "memory":
        pytest.skip("the memory store lives and dies with its process, by design")
    first = make_store()
    await first.mutate(lambda state: sample.add(state, "a", NOW))
    await first.close()

    second = make_store()
    assert sample.keys(await second.read()) == ["a"]
    await second.mutate(lambda state: sample.add(state, "b", NOW + 1))
    assert sorted(sample.keys(await second.read())) == ["a", "b"]


async def test_concurrent_mutations_lose_no_update(
    make_store: StoreFactory, sample: Sample
) -> None:
    # Two Redis stores on one namespace stand for two processes.
    stores = [make_store(), make_store()]

    async def add(number: int) -> None:
        await stores[number % 2].mutate(
            lambda state: sample.add(state, f"k{number}", NOW + number / 1000))

    await asyncio.gather(*(add(number) for number in range(200)))

    assert sorted(sample.keys(await stores[1].read())) == sorted(f"k{n}" for n in range(200))


async def test_concurrent_changes_each_get_their_own_outcome_in_order(
    make_store: StoreFactory, sample: Sample
) -> None:
    # Changes that arrive together (a burst of joins) may commit together: each still sees
    # the ones before it, gets its own result, and one that raises leaves no trace.
    store = make_store()
    await store.mutate(lambda state: sample.add(state, "seed", NOW))
    seen: dict[int, list[str]] = {}

    def change(number: int) -> Any:
        def run(state: Any) -> Any:
            seen[number] = sorted(sample.keys(state))
            sample.add(state, f"k{number}", NOW + number)
            if number % 3 == 1:
                raise LookupError(f"refused {number}")
            return number
        return run

    outcomes = await asyncio.gather(*(store.mutate(change(n)) for n in range(9)),
                                    return_exceptions=True)

    for number, outcome in enumerate(outcomes):
        if number % 3 == 1:
            assert isinstance(outcome, LookupError) and str(outcome) == f"refused {number}"
        else:
            assert outcome == number
    kept = [f"k{n}" for n in range(9) if n % 3 != 1]
    assert sorted(sample.keys(await store.read())) == sorted(["seed", *kept])
    # Each change saw exactly the ones before it that were kept.
    for number in range(9):
        assert seen[number] == sorted(["seed", *(f"k{n}" for n in range(number) if n % 3 != 1)])


async def test_every_redis_key_has_a_ttl(
    store: StateStore[Any], store_kind: str, sample: Sample, request: pytest.FixtureRequest
) -> None:
    if store_kind == "memory":
        pytest.skip("the memory store keeps nothing in Redis")
    await store.mutate(lambda state: sample.add(state, "a", NOW))
    await store.mutate(lambda state: sample.add(state, "b", NOW))
    await store.mutate(lambda state: sample.drop(state, "a", NOW + 1))

    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    try:
        keys = client.keys("*")
        assert len(keys) >= 3  # state, version, log, commit markers
        assert {key: client.ttl(key) > 0 for key in keys} == {key: True for key in keys}
    finally:
        client.close()


async def test_a_redis_restart_keeps_the_state_and_mutations_go_on(
    make_store: StoreFactory, store_kind: str, sample: Sample, request: pytest.FixtureRequest
) -> None:
    if store_kind == "memory":
        pytest.skip("the memory store has no server to restart")
    server: RedisServer = request.getfixturevalue("redis_server")
    store = make_store()
    await store.mutate(lambda state: sample.add(state, "a", NOW))

    server.restart()

    await store.mutate(lambda state: sample.add(state, "b", NOW + 1))
    assert sorted(sample.keys(await store.read())) == ["a", "b"]
    # A process started after the restart sees the same state.
    assert sorted(sample.keys(await make_store().read())) == ["a", "b"]
