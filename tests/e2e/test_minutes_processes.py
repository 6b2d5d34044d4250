"""The minute snapshots across two daphne processes on one Redis: one writer per period.

The period is shortened to two seconds (SNAPSHOT_SECONDS) so that several go by. Each process
logs the periods it wrote: together they name each period once, and when the leader dies
the other process carries on within a lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from tests.e2e.journeys import counsellor_on, visitor_on
from tests.e2e.live_server import LiveServer, start_two_daphnes
from tests.waiting import eventually

pytestmark = pytest.mark.redis

WROTE = re.compile(r"wrote the poles' snapshot of ([0-9T:+.-]+)")


@pytest.fixture
def two_fast_daphnes(tmp_path: Path, redis_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    servers = start_two_daphnes(tmp_path, redis_url, extra_env={"SNAPSHOT_SECONDS": "2"})
    yield servers
    for server in servers:
        server.stop()


def stored_rows(data_dir: Path) -> list[tuple[str, float]]:
    """The snapshot rows (pole, epoch seconds) in the database the servers use: PostgreSQL in
    CI's second run (shared with other tests' servers, so only the periods these servers
    logged are looked at), else the data directory's SQLite."""
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgres"):
        with psycopg.connect(url) as connection:
            rows = connection.execute("SELECT pole, minute FROM figures_poleminute").fetchall()
        return [(pole, minute.timestamp()) for pole, minute in rows]
    with sqlite3.connect(data_dir / "virtualcite.sqlite3") as connection:
        rows = connection.execute("SELECT pole, minute FROM figures_poleminute").fetchall()
    return [(pole, datetime.fromisoformat(minute).replace(tzinfo=UTC).timestamp())
            for pole, minute in rows]


def logged(server: LiveServer) -> list[float]:
    """The periods a server says it wrote, in epoch seconds."""
    return [datetime.fromisoformat(moment).timestamp() for moment in WROTE.findall(server.log())]


async def test_each_period_is_written_once_and_the_survivor_takes_over(
        two_fast_daphnes: tuple[LiveServer, LiveServer], tmp_path: Path) -> None:
    first, second = two_fast_daphnes
    # A socket on each process starts its candidacy; a counsellor makes a pole busy.
    pages = [await visitor_on(first), await visitor_on(second),
             await counsellor_on(first, "camille", ["find-a-job"])]
    try:
        async def periods() -> list[float]:
            return logged(first) + logged(second)

        await eventually(periods, lambda seen: len(seen) >= 4, what="four periods written",
                         timeout=30)
        leader, survivor = (first, second) if logged(first) else (second, first)
        leader.kill()

        async def by_survivor() -> list[float]:
            return logged(survivor)

        await eventually(by_survivor, lambda seen: len(seen) >= 3,
                         what="three periods written by the survivor", timeout=30)
        everyone = logged(leader) + logged(survivor)
        assert len(everyone) == len(set(everyone)), "a period was written twice"
        rows = [row for row in stored_rows(tmp_path) if row[1] in set(everyone)]
        assert len(rows) == len(set(rows)), "a pole's period stored twice"
        assert {moment for pole, moment in rows if pole == "find-a-job"} == set(everyone)
    finally:
        for page in pages:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(page.close(), 5)
