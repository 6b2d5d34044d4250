"""The poles' minute snapshots: each period written once, by the lease's holder only."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from chat.minutes import MinuteSnapshots, minute_snapshots
from chat.runtime import desk_runtime
from tests.integration.people import counsellor, waiting_visitor
from virtualcite.figures.models import PoleMinute

pytestmark = pytest.mark.usefixtures("live_desk")


@pytest.fixture(autouse=True)
def no_process_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's own candidate, started by the first socket, stays out of the race the
    tests set between theirs."""
    monkeypatch.setattr(minute_snapshots, "ensure_running", lambda: None)

START = 1_800_000_000.0  # a minute's start (divisible by 60)


def rows() -> list[tuple[str, int, int, int]]:
    return [(row.pole, int(row.minute.timestamp()), row.waiting, row.counsellors_online)
            for row in PoleMinute.objects.order_by("minute", "pole")]


async def test_two_candidates_write_each_minute_once_and_the_second_takes_over() -> None:
    await counsellor("camille", ["find-a-job"])
    await waiting_visitor("find-training")
    clock = desk_runtime()
    first, second = MinuteSnapshots(), MinuteSnapshots()
    moment = START + 5
    clock.clock = lambda: moment

    assert [await first.step(), await second.step()] == [True, False]
    assert [await first.step(), await second.step()] == [False, False]  # same minute

    moment = START + 65
    assert [await second.step(), await first.step()] == [False, True]  # the leader writes

    await first.stop()  # gives the lease back (a drained process)
    moment = START + 125
    assert [await second.step(), await first.step()] == [True, False]

    written = await database_sync_to_async(rows)()
    minutes = sorted({minute for _pole, minute, *_ in written})
    assert minutes == [START, START + 60, START + 120]
    for minute in minutes:
        poles = [pole for pole, at, *_ in written if at == minute]
        assert len(poles) == len(set(poles)), "a pole written twice in one minute"
        assert {"find-a-job", "find-training"} <= set(poles)
    assert ("find-training", START, 1, 0) in written
    assert ("find-a-job", START, 0, 1) in written


async def test_a_closed_pole_with_nothing_going_on_writes_no_row() -> None:
    from virtualcite.models import Pole

    await database_sync_to_async(
        lambda: Pole.objects.get(slug="discover-jobs").opening_hours.all().delete())()
    desk_runtime().directory.invalidate()
    snapshots = MinuteSnapshots()
    desk_runtime().clock = lambda: START

    assert await snapshots.step()
    poles = {pole for pole, *_ in await database_sync_to_async(rows)()}
    assert "discover-jobs" not in poles and "find-a-job" in poles
    await snapshots.stop()


async def test_a_successor_does_not_write_a_minute_its_predecessor_wrote() -> None:
    desk_runtime().clock = lambda: START
    first = MinuteSnapshots()
    assert await first.step()
    await first.stop()
    successor = MinuteSnapshots()
    assert not await successor.step()  # this minute is already there
    count = len(await database_sync_to_async(rows)())
    desk_runtime().clock = lambda: START + 60
    assert await successor.step()
    assert len(await database_sync_to_async(rows)()) == 2 * count
