"""The clients of the one configured Redis (a URL, or a primary found through Sentinel).

Every Redis user builds its client here from `settings.REDIS`: the channel layer, the cache,
the reachability check (and, async, the stores: `realtime/store/redis_client.py`). So a
deployment switches from one Redis to Sentinel by configuration alone, and no caller forks.
"""

from __future__ import annotations

import typing
from typing import Any

import redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.sentinel import Sentinel, SentinelConnectionPool

from virtualcite.config import RedisSentinel, RedisTarget, RedisUrl

# A sentinel that does not answer within this is skipped for the next one: short, since each
# client asks the sentinels where the primary is whenever it opens a connection.
SENTINEL_TIMEOUT_SECONDS = 2.0


def sentinel_kwargs(target: RedisSentinel) -> dict[str, Any]:
    """How a client talks to the sentinels themselves (not to the primary)."""
    kwargs: dict[str, Any] = {"socket_timeout": SENTINEL_TIMEOUT_SECONDS,
                              "socket_connect_timeout": SENTINEL_TIMEOUT_SECONDS}
    if target.sentinel_password:
        kwargs["password"] = target.sentinel_password
    return kwargs


def primary_kwargs(target: RedisSentinel) -> dict[str, Any]:
    """What a connection to the primary needs beyond its address (found by the sentinels)."""
    return {"password": target.password} if target.password else {}


def channel_layer_host(target: RedisTarget) -> dict[str, Any]:
    """The channels_redis `hosts` entry for `target` (its `create_pool` reads both forms)."""
    where: dict[str, Any] = (
        {"address": target.url} if isinstance(target, RedisUrl)
        else {"sentinels": list(target.sentinels), "master_name": target.master,
              "sentinel_kwargs": sentinel_kwargs(target), **primary_kwargs(target)})
    return {
        **where,
        # A Redis restart leaves pooled sockets dead: retry on a fresh one for about three
        # seconds (a restart's usual length) before the socket sees an error; a failover
        # takes longer, and the fast path's settling (realtime/fanout.py) covers the rest.
        "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=10),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
        "health_check_interval": 15,
    }


def cache_settings(target: RedisTarget) -> dict[str, Any]:
    """Django's RedisCache on `target`: through Sentinel, its pool asks for the primary."""
    common = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
              "KEY_PREFIX": "virtualcite-cache"}
    if isinstance(target, RedisUrl):
        return {**common, "LOCATION": target.url}
    return {**common, "LOCATION": [target.master],
            "OPTIONS": {"pool_class": "virtualcite.redis_target.SentinelCachePool",
                        "sentinels": list(target.sentinels),
                        "sentinel_kwargs": sentinel_kwargs(target), **primary_kwargs(target)}}


class SentinelCachePool(SentinelConnectionPool):
    """A pool on the primary that Sentinel names, built the way Django's cache builds pools
    (`from_url(location, **options)`); the location is the primary's name."""

    @classmethod
    def from_url(cls, url: str, **options: Any) -> SentinelCachePool:
        sentinels = [tuple(address) for address in options.pop("sentinels")]
        sentinel = Sentinel(sentinels,  # type: ignore[no-untyped-call]
                            sentinel_kwargs=options.pop("sentinel_kwargs"))
        return cls(url, sentinel, **options)


def sync_client(target: RedisTarget, *, timeout: float) -> redis.Redis:
    """A blocking client on `target` (the start-up check and /readyz)."""
    if isinstance(target, RedisUrl):
        return redis.Redis.from_url(target.url, socket_timeout=timeout,
                                    socket_connect_timeout=timeout)
    sentinel = Sentinel(list(target.sentinels),  # type: ignore[no-untyped-call]
                        sentinel_kwargs=sentinel_kwargs(target))
    master = sentinel.master_for(  # type: ignore[no-untyped-call]
        target.master, redis_class=_SentinelRedis, socket_timeout=timeout,
        socket_connect_timeout=timeout, **primary_kwargs(target))
    return typing.cast(redis.Redis, master)


class _SentinelRedis(redis.Redis):
    """A blocking client on Sentinel's primary that, closed, also closes its connections to
    the sentinels (redis-py leaves them to the garbage collector)."""

    def close(self) -> None:
        super().close()
        pool = typing.cast(SentinelConnectionPool, self.connection_pool)
        for sentinel in pool.sentinel_manager.sentinels:
            sentinel.close()

