"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import hypothesis_profiles
from tests.process_state import reset_process_state
from tests.redis_server import RedisServer
from tests.sentinel_cluster import SentinelCluster

# Before any test module is imported, so that every Hypothesis setting inherits the profile.
hypothesis_profiles.load()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A private redis-server for the whole session; fault tests may stop and restart it."""
    server = RedisServer(Path(tmp_path_factory.mktemp("redis")))
    server.start()
    yield server
    server.stop(save=False)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The URL of the private Redis, emptied before each test so tests stay apart."""
    import redis

    if redis_server.process is None:
        redis_server.start()
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    yield redis_server.url


@pytest.fixture
def sentinel_cluster(tmp_path: Path) -> Iterator[SentinelCluster]:
    """A primary, a replica and three sentinels of the test's own; it may kill the primary."""
    cluster = SentinelCluster(tmp_path / "sentinel-cluster")
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(autouse=True)
def fresh_process_state() -> Iterator[None]:
    """Every test starts, and leaves, the process's desk singletons as a new process has them."""
    reset_process_state()
    yield
    reset_process_state()
