"""Reachability checks for the database and Redis, shared by start-up and /readyz."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import redis
from django.db import DatabaseError

# Short enough that /readyz answers well within a load balancer's probe timeout.
PROBE_TIMEOUT_SECONDS = 2.0


class ServiceUnreachable(Exception):
    """A dependency did not answer; the message names the variable and the fix."""


def describe_redis(url: str) -> str:
    """host:port of a Redis URL, without the password a URL may carry."""
    parsed = urlparse(url)
    return f"{parsed.hostname or 'localhost'}:{parsed.port or 6379}"


def check_redis(url: str | None) -> None:
    if not url:
        return
    client = redis.Redis.from_url(
        url, socket_timeout=PROBE_TIMEOUT_SECONDS, socket_connect_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError as error:
        raise ServiceUnreachable(
            f"REDIS_URL: cannot reach Redis at {describe_redis(url)} ({error.__class__.__name__}); "
            "start Redis there, fix REDIS_URL, or unset it for the in-memory default."
        ) from None
    finally:
        client.close()


def check_database(connection: Any) -> None:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ServiceUnreachable(
            f"DATABASE_URL: cannot reach the database ({reason}); "
            "start it, fix DATABASE_URL, or unset it for the embedded SQLite default."
        ) from None
