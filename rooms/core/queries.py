"""Reading a room's state: who is seated, who waits and in which order, whose hand is up."""

from __future__ import annotations

from rooms.core.model import Participant, RoomState


def seated(state: RoomState) -> list[Participant]:
    """Seated participants in arrival order."""
    return sorted((p for p in state.participants.values() if p.seated), key=lambda p: p.arrival)


def waiting(state: RoomState) -> list[Participant]:
    """The waiting list, first to be seated first."""
    return sorted((p for p in state.participants.values() if not p.seated),
                  key=lambda p: p.arrival)


def position(state: RoomState, token: str) -> int | None:
    """A waiting participant's place on the list (1 is next), None when seated or absent."""
    for place, participant in enumerate(waiting(state), start=1):
        if participant.token == token:
            return place
    return None


def hands(state: RoomState) -> list[Participant]:
    """Raised hands in the order they were raised."""
    return sorted((p for p in state.participants.values() if p.hand is not None),
                  key=lambda p: p.hand or 0)


def free_seats(state: RoomState) -> int:
    return max(0, state.capacity - sum(1 for p in state.participants.values() if p.seated))
