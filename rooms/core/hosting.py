"""What facilitators do to the room itself: arrive, open, close, pin, announce a step."""

from __future__ import annotations

from rooms.core.errors import NoSuchStep
from rooms.core.events import (
    Dropped,
    Event,
    FacilitatorsChanged,
    PinsChanged,
    SessionEnded,
    StatusChanged,
    StepAnnounced,
)
from rooms.core.model import (
    DEFAULTS,
    Attendance,
    Facilitator,
    RoomConfig,
    RoomState,
    RoomStatus,
)
from rooms.core.reasons import DropReason, StatusReason
from rooms.core.seats import drop, seat_waiting


def facilitator_arrive(state: RoomState, *, facilitator_id: str, name: str, now: float,
                       config: RoomConfig = DEFAULTS) -> list[Event]:
    """A facilitator's socket says hello; a room paused for want of one opens again."""
    known = facilitator_id in state.facilitators
    state.facilitators[facilitator_id] = Facilitator(id=facilitator_id, name=name,
                                                     lease_until=now + config.lease_ttl)
    events: list[Event] = [] if known else [FacilitatorsChanged()]
    if state.status is RoomStatus.PAUSED:
        state.status, state.paused_since = RoomStatus.OPEN, None
        events.append(StatusChanged(status=RoomStatus.OPEN, reason=StatusReason.FACILITATOR_BACK))
    return events


def room_open(state: RoomState, *, facilitator_id: str, name: str, capacity: int, now: float,
              config: RoomConfig = DEFAULTS) -> list[Event]:
    """Open the room with `capacity` seats: the waiting list is seated in arrival order."""
    events = facilitator_arrive(state, facilitator_id=facilitator_id, name=name, now=now,
                                config=config)
    state.capacity = capacity
    if state.status is RoomStatus.OPEN:
        return events + seat_waiting(state)
    state.status, state.paused_since = RoomStatus.OPEN, None
    state.session = Attendance(opened_at=now)
    events.append(StatusChanged(status=RoomStatus.OPEN, reason=StatusReason.OPENED))
    return events + seat_waiting(state)


def room_close(state: RoomState, *, now: float,
               reason: StatusReason = StatusReason.CLOSED) -> list[Event]:
    """End the session: everyone leaves, what the facilitators set is cleared, its head
    counts are told (SessionEnded); the tokens barred today stay barred."""
    session, state.session = state.session, None
    state.status, state.paused_since = RoomStatus.CLOSED, None
    state.floor, state.slow_mode, state.step = None, 0.0, None
    state.pinned = []
    events: list[Event] = [StatusChanged(status=RoomStatus.CLOSED, reason=reason)]
    for token in sorted(state.participants, key=lambda t: state.participants[t].arrival):
        # Closed: nobody is seated from the waiting list, and its places no longer matter.
        events += [event for event in drop(state, token, DropReason.ROOM_CLOSED)
                   if isinstance(event, Dropped)]
    if session is not None:
        events.append(SessionEnded(opened_at=session.opened_at, duration=now - session.opened_at,
                                   admitted=session.admitted, waited=session.waited,
                                   left_early=session.left_early))
    return events


def pin_set(state: RoomState, *, resource_id: int, pinned: bool) -> list[Event]:
    if (resource_id in state.pinned) == pinned:
        return []
    if pinned:
        state.pinned.append(resource_id)
    else:
        state.pinned.remove(resource_id)
    return [PinsChanged()]


def step_next(state: RoomState, *, steps: int) -> list[Event]:
    """Announce the exercise's next step (the first, if none was announced)."""
    index = 0 if state.step is None else state.step + 1
    if index >= steps:
        raise NoSuchStep()
    state.step = index
    return [StepAnnounced(index=index)]
