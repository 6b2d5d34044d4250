"""The Redis users on Sentinel follow a failover: the desk's store, whose commits a promoted
replica holds (the store waits for the replica: `replication`), the cache and the check."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache
from prometheus_client import REGISTRY

from chat.core.model import DeskState
from chat.core.queries import queue_of
from chat.core.testing import join
from tests.sentinel_cluster import MASTER_NAME, SentinelCluster
from virtualcite.config import RedisSentinel, load_config
from virtualcite.realtime.store.redis import RedisStateStore
from virtualcite.realtime.store.redis_client import connect
from virtualcite.realtime.store.replication import ReplicaAcks
from virtualcite.redis_target import cache_settings
from virtualcite.services_check import ServiceUnreachable, check_redis

pytestmark = pytest.mark.redis

NOW = 1_000_000.0
POLE = "emploi"


def target_of(cluster: SentinelCluster) -> RedisSentinel:
    return RedisSentinel(tuple(("127.0.0.1", node.port) for node in cluster.sentinels),
                         MASTER_NAME)


def unreplicated() -> float:
    return REGISTRY.get_sample_value("virtualcite_redis_unreplicated_commits_total") or 0.0


class Desk:
    """One process's view of a desk on the cluster: its own client, store and acks."""

    def __init__(self, cluster: SentinelCluster, namespace: str, acks: ReplicaAcks) -> None:
        self.client = connect(target_of(cluster))
        self.store = RedisStateStore(self.client, namespace=namespace, state_factory=DeskState,
                                     acks=acks)

    async def join(self, token: str, now: float) -> None:
        await self.store.mutate(lambda state: join(state, token, POLE, now=now))

    async def queue(self) -> list[str]:
        return [ticket.token for ticket in queue_of(await self.store.read(), POLE)]

    async def close(self) -> None:
        await self.store.close()
        await self.client.aclose()


@pytest.fixture
async def namespace() -> AsyncIterator[str]:
    yield f"desk-{secrets.token_hex(4)}"


async def test_the_store_follows_a_failover_with_its_queue_intact(
    sentinel_cluster: SentinelCluster, namespace: str
) -> None:
    before = unreplicated()
    now = [0.0]
    desk = Desk(sentinel_cluster, namespace, ReplicaAcks(clock=lambda: now[0]))
    try:
        for place, token in enumerate(("first", "second", "third")):
            await desk.join(token, NOW + place)
        assert unreplicated() == before  # each on the replica before mutate returned

        await asyncio.to_thread(sentinel_cluster.kill_primary)
        # Sent before the promotion: the store retries until the new primary takes it.
        await desk.join("after", NOW + 10)

        assert sentinel_cluster.master_port_seen_by_sentinels() == {sentinel_cluster.replica.port}
        assert await desk.queue() == ["first", "second", "third", "after"]
        assert not desk.store.state_was_lost()
        # The new primary has no replica until the lost node comes back: said and counted.
        assert unreplicated() == before + 1

        await asyncio.to_thread(sentinel_cluster.restart_old_primary)
        now[0] += 60  # past the pause after an unacknowledged commit
        await desk.join("back", NOW + 20)
        assert unreplicated() == before + 1
    finally:
        await desk.close()
    # Another process, arriving after the failover, finds the same queue.
    newcomer = Desk(sentinel_cluster, namespace, ReplicaAcks())
    try:
        assert await newcomer.queue() == ["first", "second", "third", "after", "back"]
    finally:
        await newcomer.close()
    assert sentinel_cluster.data_files() == []


async def test_commits_carry_on_on_the_primary_alone_when_no_replica_acknowledges(
    sentinel_cluster: SentinelCluster, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    now = [0.0]
    acks = ReplicaAcks(timeout_ms=50, retry_after=5.0, clock=lambda: now[0])
    desk = Desk(sentinel_cluster, namespace, acks)
    try:
        await desk.join("first", NOW)
        await asyncio.to_thread(sentinel_cluster.replica.stop)
        before = unreplicated()

        with caplog.at_level(logging.INFO, logger="virtualcite.realtime.store.replication"):
            await desk.join("second", NOW + 1)  # waited 50 ms for nobody: counted, said once
            await desk.join("third", NOW + 2)  # within retry_after: no wait at all
            assert not acks.wanted()
            now[0] = 6.0
            assert acks.wanted()
            await desk.join("fourth", NOW + 3)  # probes again, still nobody

        assert await desk.queue() == ["first", "second", "third", "fourth"]
        assert unreplicated() == before + 2
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1
        assert "0 of 1 Redis replica(s) within 50 ms" in warnings[0].getMessage()
    finally:
        await desk.close()


def test_the_cache_and_the_readiness_check_follow_the_primary(
    sentinel_cluster: SentinelCluster
) -> None:
    target = target_of(sentinel_cluster)
    settings = cache_settings(target)
    cache = RedisCache(settings["LOCATION"], {**settings, "OPTIONS": dict(settings["OPTIONS"])})
    cache.set("attempts", 3)
    check_redis(target)

    sentinel_cluster.kill_primary()
    sentinel_cluster.wait_for_promotion()

    assert cache.get("attempts") == 3  # the login throttle's count, on the new primary
    check_redis(target)
    cache.close()


async def test_a_deployment_with_passwords_is_reached_with_them(tmp_path: Path) -> None:
    cluster = SentinelCluster(tmp_path / "protected", password="primary-secret",
                              sentinel_password="sentinel-secret")
    try:
        await asyncio.to_thread(cluster.start)
        config = load_config({"SECRET_KEY": "k" * 60, "VIRTUALCITE_DATA_DIR": str(tmp_path),
                              **cluster.env})
        target = config.redis
        assert isinstance(target, RedisSentinel)
        assert "primary-secret" not in repr(target) and "sentinel-secret" not in repr(target)

        client = connect(target)
        store = RedisStateStore(client, namespace="desk-protected", state_factory=DeskState,
                                acks=ReplicaAcks())
        await store.mutate(lambda state: join(state, "first", POLE, now=NOW))
        assert [ticket.token for ticket in queue_of(await store.read(), POLE)] == ["first"]
        await client.aclose()
        await asyncio.to_thread(check_redis, target)
        settings = cache_settings(target)
        cache = RedisCache(settings["LOCATION"], {**settings,
                                                  "OPTIONS": dict(settings["OPTIONS"])})
        await asyncio.to_thread(cache.set, "attempts", 1)

        for wrong in (replace(target, password="nope"), replace(target, sentinel_password=None)):
            with pytest.raises(ServiceUnreachable, match="REDIS_SENTINELS: cannot reach Redis"):
                await asyncio.to_thread(check_redis, wrong)
    finally:
        await asyncio.to_thread(cluster.stop)


async def test_a_primary_that_forgot_the_commit_script_is_given_it_again(
    sentinel_cluster: SentinelCluster, namespace: str
) -> None:
    before = unreplicated()
    desk = Desk(sentinel_cluster, namespace, ReplicaAcks())
    try:
        await desk.join("first", NOW)
        # As a promoted replica: the script cache is not replicated.
        with sentinel_cluster.primary.client() as primary:
            primary.script_flush()
        await desk.join("second", NOW + 1)
        assert await desk.queue() == ["first", "second"]
        assert unreplicated() == before
    finally:
        await desk.close()
