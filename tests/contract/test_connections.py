"""The connection registry's contract, on each adapter (memory and Redis)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis

from tests.redis_server import RedisServer
from tests.waiting import eventually
from virtualcite.realtime.store.connections import (
    ConnectionRegistry,
    MemoryConnections,
    RedisConnections,
)
from virtualcite.realtime.store.redis_client import connect


@pytest.fixture
async def registry(store_kind: str, request: pytest.FixtureRequest
                   ) -> AsyncIterator[ConnectionRegistry]:
    if store_kind == "memory":
        yield MemoryConnections()
        return
    client = connect(request.getfixturevalue("redis_url"))
    yield RedisConnections(client)
    await client.aclose()


async def test_connections_are_counted_per_key(registry: ConnectionRegistry) -> None:
    assert await registry.add("visitor-a", "socket-1", ttl=30) == 1
    assert await registry.add("visitor-a", "socket-2", ttl=30) == 2
    assert await registry.add("visitor-a", "socket-2", ttl=30) == 2
    assert await registry.add("visitor-b", "socket-3", ttl=30) == 1

    await registry.remove("visitor-a", "socket-1")
    await registry.remove("visitor-a", "never-added")
    assert await registry.add("visitor-a", "socket-4", ttl=30) == 2


async def test_expired_connections_are_not_counted(registry: ConnectionRegistry) -> None:
    await registry.add("visitor-a", "crashed", ttl=0.3)
    await registry.add("visitor-a", "alive", ttl=30)

    # Adding the same id again counts it once, so the probe watches without adding up.
    count = await eventually(
        lambda: registry.add("visitor-a", "probe", ttl=30),
        until=lambda live: live < 3,
        what="the crashed connection to expire",
    )

    assert count == 2  # "alive" and the probe


async def test_a_refresh_extends_a_connection_past_its_first_ttl(
    registry: ConnectionRegistry,
) -> None:
    # "early" and "refreshed" get the same short TTL, "early" first: if "early" still counts
    # after the refresh, "refreshed" was alive when refreshed. A machine stalled long enough to
    # let both run out before the refresh tries again with a longer TTL instead of failing.
    for attempt, ttl in enumerate((0.3, 1.5, 6.0)):
        key = f"visitor-{attempt}"
        await registry.add(key, "early", ttl=ttl)
        await registry.add(key, "refreshed", ttl=ttl)
        await registry.refresh(key, "refreshed", ttl=30)
        if await registry.add(key, "probe", ttl=30) == 3:
            break
    else:
        pytest.fail("every TTL ran out before the refresh")

    count = await eventually(
        lambda: registry.add(key, "probe", ttl=30),
        until=lambda live: live < 3,
        what="the connection that was not refreshed to expire",
    )

    assert count == 2  # "refreshed" and the probe


async def test_a_refresh_does_not_revive_a_removed_connection(
    registry: ConnectionRegistry,
) -> None:
    await registry.add("visitor-a", "closed", ttl=30)
    await registry.remove("visitor-a", "closed")
    await registry.refresh("visitor-a", "closed", ttl=30)

    assert await registry.add("visitor-a", "new", ttl=30) == 1


async def test_redis_keys_of_the_registry_expire_and_survive_a_restart(
    registry: ConnectionRegistry, store_kind: str, request: pytest.FixtureRequest
) -> None:
    if store_kind == "memory":
        pytest.skip("the memory registry keeps nothing in Redis")
    await registry.add("visitor-b", "socket-1", ttl=30)
    await registry.refresh("visitor-b", "socket-1", ttl=60)
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    try:
        keys = client.keys("*")
        assert keys and all(client.ttl(key) > 0 for key in keys)
    finally:
        client.close()

    server: RedisServer = request.getfixturevalue("redis_server")
    server.restart()

    assert await registry.add("visitor-b", "socket-2", ttl=30) == 2
