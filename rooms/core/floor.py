"""Speaking in a room: messages, hands, the floor, mute, slow mode and removal."""

from __future__ import annotations

from rooms.core.errors import (
    InvalidSlowMode,
    Muted,
    NotInRoom,
    NotSeated,
    RoomNotOpen,
    SlowMode,
    UnknownParticipant,
)
from rooms.core.events import Event, FloorChanged, HandChanged, MuteChanged, SlowModeSet
from rooms.core.model import DEFAULTS, Participant, RoomConfig, RoomState, RoomStatus
from rooms.core.reasons import DropReason
from rooms.core.seats import drop


def message_allowed(state: RoomState, *, token: str, now: float) -> list[Event]:
    """May this participant write now? Refuses, or records the message's time (slow mode).

    The text itself never reaches the state: the caller relays it once this returns.
    """
    participant = _seated(state, token)
    if state.status is not RoomStatus.OPEN:
        raise RoomNotOpen()
    if participant.muted:
        raise Muted()
    last = participant.last_message_at
    if state.slow_mode and last is not None and now < last + state.slow_mode:
        raise SlowMode(retry_at=last + state.slow_mode)
    participant.last_message_at = now
    return []


def hand_raise(state: RoomState, *, token: str) -> list[Event]:
    participant = _seated(state, token)
    if participant.hand is not None:
        return []
    state.hands_raised += 1
    participant.hand = state.hands_raised
    return [HandChanged(token=token, raised=True)]


def hand_lower(state: RoomState, *, token: str) -> list[Event]:
    participant = _find(state, token, NotInRoom)
    if participant.hand is None:
        return []
    participant.hand = None
    return [HandChanged(token=token, raised=False)]


def floor_give(state: RoomState, *, token: str) -> list[Event]:
    """Give a seated participant the floor; their hand, if raised, goes down."""
    participant = _find(state, token, UnknownParticipant)
    if not participant.seated:
        raise UnknownParticipant()
    events: list[Event] = []
    if participant.hand is not None:
        events += hand_lower(state, token=token)
    if state.floor != token:
        state.floor = token
        events.append(FloorChanged(token=token))
    return events


def floor_take_back(state: RoomState) -> list[Event]:
    if state.floor is None:
        return []
    state.floor = None
    return [FloorChanged(token=None)]


def mute_set(state: RoomState, *, token: str, muted: bool) -> list[Event]:
    participant = _find(state, token, UnknownParticipant)
    if participant.muted == muted:
        return []
    participant.muted = muted
    return [MuteChanged(token=token, muted=muted)]


def participant_remove(state: RoomState, *, token: str, day: str) -> list[Event]:
    """Remove a participant and bar their token from the room for the rest of `day`."""
    _find(state, token, UnknownParticipant)
    state.barred = {barred: on for barred, on in state.barred.items() if on == day}
    state.barred[token] = day
    return drop(state, token, DropReason.REMOVED)


def slow_mode_set(state: RoomState, *, seconds: float,
                  config: RoomConfig = DEFAULTS) -> list[Event]:
    if not 0 <= seconds <= config.max_slow_mode:
        raise InvalidSlowMode()
    if state.slow_mode == seconds:
        return []
    state.slow_mode = seconds
    return [SlowModeSet(seconds=seconds)]


def _seated(state: RoomState, token: str) -> Participant:
    participant = _find(state, token, NotInRoom)
    if not participant.seated:
        raise NotSeated()
    return participant


def _find(state: RoomState, token: str,
          missing: type[NotInRoom] | type[UnknownParticipant]) -> Participant:
    participant = state.participants.get(token)
    if participant is None:
        raise missing()
    return participant
