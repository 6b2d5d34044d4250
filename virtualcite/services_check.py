"""Reachability checks for the database and Redis, shared by start-up and /readyz."""

from __future__ import annotations

from typing import Any

import redis
from django.db import DatabaseError

from virtualcite.config import RedisTarget, RedisUrl
from virtualcite.redis_target import sync_client

# Short enough that /readyz answers well within a load balancer's probe timeout.
PROBE_TIMEOUT_SECONDS = 2.0


class ServiceUnreachable(Exception):
    """A dependency did not answer; the message names the variable and the fix."""


def check_redis(target: RedisTarget | None) -> None:
    if target is None:
        return
    variable = "REDIS_URL" if isinstance(target, RedisUrl) else "REDIS_SENTINELS"
    client = sync_client(target, timeout=PROBE_TIMEOUT_SECONDS)
    try:
        client.ping()
    except redis.RedisError as error:
        raise ServiceUnreachable(
            f"{variable}: cannot reach Redis at {target.describe()} "
            f"({error.__class__.__name__}); start Redis there, fix {variable}, or unset it "
            "for the in-memory default."
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
