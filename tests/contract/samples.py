"""The states the store contract runs on: a small one of its own, and each app's.

A `Sample` says how to make a state, add and drop an entity of it, and list them: the
contract's tests (test_state_store.py) need nothing more, so any app's state can join by
adding a sample here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chat.core import desk
from chat.core.model import DeskState
from chat.core.testing import join
from rooms.core.model import RoomState, RoomStatus
from rooms.core.seats import participant_join, participant_leave


@dataclass
class Entry:
    count: int = 0
    tags: list[str] = field(default_factory=list)


@dataclass
class Tally:
    """A state of the store's own: no app's vocabulary, every shape a state may have."""

    entries: dict[str, Entry] = field(default_factory=dict)
    note: str = ""
    version: int = 0


@dataclass(frozen=True)
class Sample:
    name: str
    factory: Callable[[], Any]
    add: Callable[[Any, str, float], Any]  # (state, key, now) -> events
    drop: Callable[[Any, str, float], Any]
    keys: Callable[[Any], list[str]]
    entity: Callable[[Any, str], Any]  # the mutable entity under `key`


def _tally_add(state: Tally, key: str, now: float) -> list[str]:
    state.entries[key] = Entry(count=int(now) % 1000)
    return [f"added {key}"]


def _tally_drop(state: Tally, key: str, now: float) -> list[str]:
    del state.entries[key]
    return [f"dropped {key}"]


TALLY = Sample("tally", Tally, _tally_add, _tally_drop, lambda s: list(s.entries),
               lambda s, key: s.entries[key])
DESK = Sample("desk", DeskState, lambda s, key, now: join(s, key, "emploi", now=now),
              lambda s, key, now: desk.visitor_leave(s, token=key, now=now),
              lambda s: list(s.tickets), lambda s, key: s.tickets[key])
def _open_room() -> RoomState:
    return RoomState(status=RoomStatus.OPEN, capacity=1000)


ROOM = Sample("room", _open_room,
              lambda s, key, now: participant_join(s, token=key, pseudonym=f"P-{key}",
                                                   day="2026-12-01", now=now),
              lambda s, key, now: participant_leave(s, token=key),
              lambda s: list(s.participants), lambda s, key: s.participants[key])
SAMPLES = [TALLY, DESK, ROOM]
