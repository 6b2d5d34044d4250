"""The mutation runner: a change applied atomically, then its events to every handler in turn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from tests.contract.samples import TALLY, Tally
from virtualcite.realtime.runner import MutationRunner
from virtualcite.realtime.store.memory import MemoryStateStore

NOW = 1_000_000.0


class Recorder:
    """A handler that notes what it captured inside the step and what it was handed after."""

    def __init__(self, log: list[Any], name: str, *, fail: bool = False) -> None:
        self.log, self.name, self.fail = log, name, fail

    def capture(self, key: str, state: Tally, events: Sequence[Any], now: float) -> Any:
        return key, sorted(state.entries), state.version

    async def handle(self, key: str, events: Sequence[Any], captured: Any) -> None:
        self.log.append((self.name, key, list(events), captured))
        if self.fail:
            raise RuntimeError("a handler's bug")


async def test_handlers_get_the_events_and_what_they_read_in_the_same_step() -> None:
    log: list[Any] = []
    runner = MutationRunner[Tally](clock=lambda: NOW, handlers=[Recorder(log, "figures")])
    runner.add_handler(Recorder(log, "frames"))
    store = MemoryStateStore(Tally)

    result = await runner.run(store, lambda state, now: (TALLY.add(state, "a", now), "done"),
                              key="room-1")

    version = (await store.read()).version
    assert result == "done" and version == int(NOW * 1000)
    assert log == [("figures", "room-1", ["added a"], ("room-1", ["a"], version)),
                   ("frames", "room-1", ["added a"], ("room-1", ["a"], version))]


async def test_a_failing_handler_loses_only_its_own_work() -> None:
    log: list[Any] = []
    runner = MutationRunner[Tally](clock=lambda: NOW, handlers=[
        Recorder(log, "figures", fail=True), Recorder(log, "frames")])
    store = MemoryStateStore(Tally)

    result = await runner.run(store, lambda state, now: (TALLY.add(state, "a", now), "done"),
                              key="room-1")

    assert result == "done"
    assert [name for name, _key, _events, _captured in log] == ["figures", "frames"]
    assert list((await store.read()).entries) == ["a"]


async def test_a_change_without_events_wakes_no_handler_and_a_refused_one_writes_nothing() -> None:
    log: list[Any] = []
    runner = MutationRunner[Tally](clock=lambda: NOW, handlers=[Recorder(log, "frames")])
    store = MemoryStateStore(Tally)

    assert await runner.run(store, lambda state, now: ([], 42), key="room-1") == 42

    def refused(state: Tally, now: float) -> tuple[list[Any], None]:
        TALLY.add(state, "b", now)
        raise LookupError("refused by the rule")

    with pytest.raises(LookupError):
        await runner.run(store, refused, key="room-1")
    assert log == [] and (await store.read()).entries == {}


async def test_the_version_grows_with_every_change_even_when_the_clock_goes_back() -> None:
    clock = [NOW]
    runner = MutationRunner[Tally](clock=lambda: clock[0])
    store = MemoryStateStore(Tally)
    versions = []
    for key, moment in (("a", NOW), ("b", NOW - 5), ("c", NOW - 5)):
        clock[0] = moment
        await runner.run(store, lambda state, now, key=key: (TALLY.add(state, key, now), None),
                         key="room-1")
        versions.append((await store.read()).version)

    assert versions == sorted(versions) and len(set(versions)) == 3
