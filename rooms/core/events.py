"""What happened in a room, one frozen dataclass per fact; the rules return them in order.

Events name participants by token (the handlers turn tokens into handles for the pages)
and never carry text anyone wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rooms.core.model import RoomStatus
from rooms.core.reasons import DropReason, StatusReason


@dataclass(frozen=True, slots=True)
class Event:
    kind: ClassVar[str] = "event"


@dataclass(frozen=True, slots=True)
class Seated(Event):
    """A participant took a seat (on joining, or from the waiting list)."""

    kind: ClassVar[str] = "seated"
    token: str


@dataclass(frozen=True, slots=True)
class Waiting(Event):
    """A participant is on the waiting list at `position` (1 is next)."""

    kind: ClassVar[str] = "waiting"
    token: str
    position: int


@dataclass(frozen=True, slots=True)
class Dropped(Event):
    """A participant is no longer in the room; `seated` says whether they had a seat."""

    kind: ClassVar[str] = "dropped"
    token: str
    seated: bool
    reason: DropReason


@dataclass(frozen=True, slots=True)
class Away(Event):
    """A seated participant's socket is gone; the seat is kept for the grace period."""

    kind: ClassVar[str] = "away"
    token: str


@dataclass(frozen=True, slots=True)
class Back(Event):
    kind: ClassVar[str] = "back"
    token: str


@dataclass(frozen=True, slots=True)
class Renamed(Event):
    """A participant drew another pseudonym."""

    kind: ClassVar[str] = "renamed"
    token: str


@dataclass(frozen=True, slots=True)
class HandChanged(Event):
    kind: ClassVar[str] = "hand_changed"
    token: str
    raised: bool


@dataclass(frozen=True, slots=True)
class FloorChanged(Event):
    """The floor went to `token`, or back to nobody (None)."""

    kind: ClassVar[str] = "floor_changed"
    token: str | None


@dataclass(frozen=True, slots=True)
class MuteChanged(Event):
    kind: ClassVar[str] = "mute_changed"
    token: str
    muted: bool


@dataclass(frozen=True, slots=True)
class StatusChanged(Event):
    kind: ClassVar[str] = "status_changed"
    status: RoomStatus
    reason: StatusReason


@dataclass(frozen=True, slots=True)
class FacilitatorsChanged(Event):
    """A facilitator arrived or left; the list is read from the state."""

    kind: ClassVar[str] = "facilitators_changed"


@dataclass(frozen=True, slots=True)
class SlowModeSet(Event):
    kind: ClassVar[str] = "slow_mode_set"
    seconds: float


@dataclass(frozen=True, slots=True)
class StepAnnounced(Event):
    kind: ClassVar[str] = "step_announced"
    index: int


@dataclass(frozen=True, slots=True)
class PinsChanged(Event):
    kind: ClassVar[str] = "pins_changed"


@dataclass(frozen=True, slots=True)
class SessionEnded(Event):
    """The room closed: its session's head counts (no token: the figure of rooms/figures.py)."""

    kind: ClassVar[str] = "session_ended"
    opened_at: float
    duration: float
    admitted: int
    waited: int
    left_early: int
