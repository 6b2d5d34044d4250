"""The minute snapshots across two daphne processes on one Redis: one writer per period.

The period is shortened to two seconds (SNAPSHOT_SECONDS) so that several go by. Each process
logs the periods it wrote: together they name each period once, and when the leader dies
the other process carries on within a lease.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

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


def written_periods(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT pole, minute FROM figures_poleminute ORDER BY minute").fetchall()


def logged(server: LiveServer) -> list[str]:
    return WROTE.findall(server.log())


async def test_each_period_is_written_once_and_the_survivor_takes_over(
        two_fast_daphnes: tuple[LiveServer, LiveServer], tmp_path: Path) -> None:
    first, second = two_fast_daphnes
    database = tmp_path / "virtualcite.sqlite3"
    # A socket on each process starts its candidacy; a counsellor makes a pole busy.
    pages = [await visitor_on(first), await visitor_on(second),
             await counsellor_on(first, "camille", ["find-a-job"])]

    async def periods() -> set[str]:
        return {minute for _pole, minute in written_periods(database)}

    await eventually(periods, lambda seen: len(seen) >= 4, what="four periods written",
                     timeout=30)
    leader, survivor = (first, second) if logged(first) else (second, first)
    assert len(logged(leader)) + len(logged(survivor)) == len(set(logged(leader)
                                                                + logged(survivor)))

    before = len(await periods())
    leader.kill()
    await eventually(periods, lambda seen: len(seen) >= before + 3,
                     what="three periods after the leader died", timeout=30)
    by_survivor = logged(survivor)
    assert by_survivor, "the surviving process never took the lease"
    everyone = logged(survivor) + WROTE.findall(leader.log_path.read_text())
    assert len(everyone) == len(set(everyone)), "a period was written twice"
    rows = written_periods(database)
    assert len(rows) == len(set(rows))
    assert any(pole == "find-a-job" for pole, _minute in rows)
    for page in pages:
        await asyncio.wait_for(page.close(), 5)
