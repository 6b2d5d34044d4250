"""A room's state: the people in it, its status and what the facilitators set.

One `RoomState` per room (one aggregate of the shared store); mutated in place by the rules,
never holding text anyone wrote (transcript-free): pseudonyms are generated, never typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RoomStatus(StrEnum):
    CLOSED = "closed"  # not running: newcomers wait in its lobby until it opens
    OPEN = "open"
    PAUSED = "paused"  # no facilitator present: nobody may write until one is back


@dataclass(slots=True)
class Participant:
    token: str
    pseudonym: str
    arrival: int  # order of arrival in the room (RoomState.arrivals)
    seated: bool = False  # a seat, or the waiting list
    lease_until: float = 0.0  # renewed while a socket of theirs is open
    away_since: float | None = None  # no socket: the seat is kept for the grace period
    hand: int | None = None  # order of the raised hand (RoomState.hands_raised), if raised
    muted: bool = False
    last_message_at: float | None = None  # for slow mode
    waited_for_seat: bool = False  # on the waiting list while the room ran (counted once)


@dataclass(slots=True)
class Attendance:
    """The running session's head counts, for its anonymous figure (SessionEnded)."""

    opened_at: float
    admitted: int = 0  # seats given
    waited: int = 0  # people put on the waiting list while the room ran
    left_early: int = 0  # seated people who left or were lost before the end


@dataclass(slots=True)
class Facilitator:
    id: str
    name: str
    lease_until: float = 0.0


@dataclass
class RoomState:
    participants: dict[str, Participant] = field(default_factory=dict)
    facilitators: dict[str, Facilitator] = field(default_factory=dict)
    status: RoomStatus = RoomStatus.CLOSED
    capacity: int = 0  # seats, set when the room opens
    paused_since: float | None = None
    floor: str | None = None  # the token of the participant who has the floor
    slow_mode: float = 0.0  # seconds between two messages of one participant; 0: off
    step: int | None = None  # index of the exercise step announced last
    pinned: list[int] = field(default_factory=list)  # resource ids, in pin order
    barred: dict[str, str] = field(default_factory=dict)  # token -> the day it is barred
    session: Attendance | None = None  # from a facilitator's opening to the closing
    arrivals: int = 0  # counters giving arrival and hand order across processes
    hands_raised: int = 0
    # Moved by the runner with every change (virtualcite/realtime/runner.py).
    version: int = 0


@dataclass(frozen=True, slots=True)
class RoomConfig:
    """Tunable timings of a room; docs/protocol.md (Rooms) explains each default."""

    # A reload or a network blip resumes the seat within this delay.
    grace: float = 60.0
    # Renewed every 2 s by the maintenance step of the socket's process (as the desk's).
    lease_ttl: float = 20.0
    # What is left of a facilitator's lease when their socket closed: a reload is back
    # within it, a facilitator really gone pauses the room within seconds.
    away_lease: float = 5.0
    # A room whose last facilitator dropped stays paused this long before it closes.
    facilitator_grace: float = 300.0
    # Slow mode's longest interval.
    max_slow_mode: float = 600.0
    # People waiting for a seat beyond which newcomers are refused (room_full): a waiting
    # list longer than this is a session nobody on it will see.
    max_waiting: int = 100


DEFAULTS = RoomConfig()
