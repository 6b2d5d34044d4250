"""One Redis client per process, and the retry every Redis-backed port shares.

The desk's store, every room's store, the connection registry and the leader lease all talk
to the same Redis: they share one client (one connection pool) built here, and ride out a
restart or a Sentinel failover the same way (`retrying`).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from virtualcite.realtime.metrics import REDIS_ERRORS
from virtualcite.realtime.store.errors import StoreUnavailable

T = TypeVar("T")

# Covers a Redis restart (a second or two) and a Sentinel failover (about ten seconds).
DEFAULT_UNAVAILABLE_AFTER = 15.0


def connect(url: str) -> Redis:
    """A client for `url`; each command is retried briefly by redis-py, `retrying` does the rest."""
    return Redis.from_url(
        url,
        retry=Retry(ExponentialWithJitterBackoff(base=0.01, cap=0.5), 3),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        socket_connect_timeout=2,
        socket_timeout=5,
    )


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
