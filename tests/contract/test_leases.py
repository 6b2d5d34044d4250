"""The leader lease's contract, on each adapter: one holder at a time, and a dead one's
lease passes on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.waiting import eventually
from virtualcite.realtime.store.leases import LeaderLease, MemoryLeases, RedisLeases
from virtualcite.realtime.store.redis_client import connect


@pytest.fixture
async def leases(store_kind: str, request: pytest.FixtureRequest) -> AsyncIterator[LeaderLease]:
    if store_kind == "memory":
        yield MemoryLeases()
        return
    client = connect(request.getfixturevalue("redis_url"))
    yield RedisLeases(client)
    await client.aclose()


async def test_one_holder_at_a_time_and_the_holder_renews(leases: LeaderLease) -> None:
    assert await leases.hold("snapshots", "process-a", ttl=30)
    assert not await leases.hold("snapshots", "process-b", ttl=30)
    assert await leases.hold("snapshots", "process-a", ttl=30)
    assert await leases.hold("other-work", "process-b", ttl=30)


async def test_many_processes_asking_at_once_elect_exactly_one(leases: LeaderLease) -> None:
    held = await asyncio.gather(*(leases.hold("snapshots", f"p{n}", ttl=30) for n in range(20)))

    assert sum(held) == 1


async def test_a_lease_its_holder_stopped_renewing_passes_to_another(
    leases: LeaderLease,
) -> None:
    assert await leases.hold("snapshots", "dead-process", ttl=0.3)

    taken = await eventually(lambda: leases.hold("snapshots", "survivor", ttl=30),
                             until=bool, what="the dead holder's lease to lapse")

    assert taken
    assert not await leases.hold("snapshots", "dead-process", ttl=30)


async def test_a_released_lease_is_free_at_once_but_only_its_holder_releases_it(
    leases: LeaderLease,
) -> None:
    assert await leases.hold("snapshots", "process-a", ttl=30)
    await leases.release("snapshots", "process-b")
    assert not await leases.hold("snapshots", "process-b", ttl=30)

    await leases.release("snapshots", "process-a")

    assert await leases.hold("snapshots", "process-b", ttl=30)
