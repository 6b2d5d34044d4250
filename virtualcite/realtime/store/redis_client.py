"""One Redis client per process, and the retry every Redis-backed port shares.

The desk's store, every room's store, the connection registry and the leader lease all talk
to the same Redis: they share one client (one connection pool) built here, and ride out a
restart or a Sentinel failover the same way (`retrying`).
"""

from __future__ import annotations

import asyncio
import random
import typing
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.sentinel import Sentinel
from redis.asyncio.sentinel import SentinelConnectionPool as AsyncSentinelPool
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from virtualcite.config import RedisTarget, RedisUrl
from virtualcite.realtime.metrics import REDIS_ERRORS
from virtualcite.realtime.store.errors import StoreUnavailable
from virtualcite.redis_target import primary_kwargs, sentinel_kwargs

T = TypeVar("T")

# Covers a Redis restart (a second or two) and a Sentinel failover (about ten seconds).
DEFAULT_UNAVAILABLE_AFTER = 15.0


def connect(target: str | RedisTarget) -> Redis:
    """A client for `target` (a URL is one server); each command is retried briefly by
    redis-py, `retrying` does the rest.

    Through Sentinel every new connection asks the sentinels where the primary is, so once a
    replica is promoted the retries land on it.
    """
    options: dict[str, Any] = {
        "retry": Retry(ExponentialWithJitterBackoff(base=0.01, cap=0.5), 3),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
    if isinstance(target, str):
        return Redis.from_url(target, **options)
    if isinstance(target, RedisUrl):
        return Redis.from_url(target.url, **options)
    # redis-py's Sentinel is untyped.
    sentinel = Sentinel(list(target.sentinels),  # type: ignore[no-untyped-call]
                        sentinel_kwargs=sentinel_kwargs(target))
    return typing.cast(Redis, sentinel.master_for(target.master, redis_class=SentinelRedis,
                                                  **options, **primary_kwargs(target)))


class SentinelRedis(Redis):
    """A client on the primary Sentinel names that, closed, also closes its connections to
    the sentinels (redis-py leaves them open, to be found by the garbage collector)."""

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        await super().aclose(close_connection_pool)
        pool = typing.cast(AsyncSentinelPool, self.connection_pool)
        for sentinel in pool.sentinel_manager.sentinels:
            await sentinel.aclose()


async def retrying(operation: Callable[[], Awaitable[T]], *,
                   unavailable_after: float = DEFAULT_UNAVAILABLE_AFTER) -> T:
    """Run `operation`, retrying while Redis is unreachable, up to `unavailable_after` s.

    Raises `StoreUnavailable` after that: the caller answers "try again", and what the
    operation would have changed is unknown.
    """
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + unavailable_after
    delay = 0.05
    while True:
        try:
            return await operation()
        except (RedisConnectionError, RedisTimeoutError) as error:
            REDIS_ERRORS.labels(error=type(error).__name__).inc()
            if loop.time() > give_up_at:
                REDIS_ERRORS.labels(error=StoreUnavailable.__name__).inc()
                raise StoreUnavailable(
                    f"Redis unreachable for {unavailable_after} s: {error}"
                ) from error
            # Bandit B311 (random): retry jitter, not a secret.
            await asyncio.sleep(delay * (0.5 + random.random()))  # nosec B311
            delay = min(delay * 2, 1.0)
