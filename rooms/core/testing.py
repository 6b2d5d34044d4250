"""Shorthands for the rooms' tests: an open room with people in it."""

from __future__ import annotations

from rooms.core.events import Event
from rooms.core.hosting import room_open
from rooms.core.model import RoomState
from rooms.core.seats import participant_join

NOW = 1_000_000.0
DAY = "2026-12-01"


def opened(capacity: int = 3, *, now: float = NOW) -> RoomState:
    state = RoomState()
    room_open(state, facilitator_id="f1", name="Nadia", capacity=capacity, now=now)
    return state


def arrive(state: RoomState, *tokens: str, now: float = NOW) -> list[Event]:
    events: list[Event] = []
    for token in tokens:
        events += participant_join(state, token=token, pseudonym=f"P-{token}", day=DAY, now=now)
    return events


def kinds(events: list[Event]) -> list[str]:
    return [event.kind for event in events]
