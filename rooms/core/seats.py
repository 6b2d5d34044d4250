"""Coming and going: joining, the waiting list, leaving, a socket gone and back."""

from __future__ import annotations

from rooms.core.errors import AlreadyInRoom, Barred, NotInRoom, RoomFull
from rooms.core.events import Away, Back, Dropped, Event, FloorChanged, Renamed, Seated, Waiting
from rooms.core.model import DEFAULTS, Participant, RoomConfig, RoomState, RoomStatus
from rooms.core.queries import free_seats, waiting
from rooms.core.reasons import DropReason


def participant_join(state: RoomState, *, token: str, pseudonym: str, day: str, now: float,
                     config: RoomConfig = DEFAULTS) -> list[Event]:
    """Take a seat if the room is open and one is free (nobody waiting ahead), else wait.

    `day` is today at the Cité: a token removed today stays out until tomorrow.
    """
    if state.barred.get(token) == day:
        raise Barred()
    if token in state.participants:
        raise AlreadyInRoom()
    if len(waiting(state)) >= config.max_waiting and not _seat_now(state):
        raise RoomFull()
    state.arrivals += 1
    state.participants[token] = Participant(token=token, pseudonym=pseudonym,
                                            arrival=state.arrivals,
                                            lease_until=now + config.lease_ttl)
    events = seat_waiting(state) or _waiting_positions(state, only=token)
    _count_waiting(state)
    return events


def _seat_now(state: RoomState) -> bool:
    return state.status is not RoomStatus.CLOSED and free_seats(state) > 0 \
        and not waiting(state)


def seat_waiting(state: RoomState) -> list[Event]:
    """Seat the waiting list in arrival order while seats are free (the room not closed);
    the others are told their new places."""
    if state.status is RoomStatus.CLOSED:
        return []
    events: list[Event] = []
    for participant in waiting(state)[:free_seats(state)]:
        participant.seated = True
        events.append(Seated(token=participant.token))
        if state.session is not None:
            state.session.admitted += 1
    if events:
        events += _waiting_positions(state)
    _count_waiting(state)
    return events


def _count_waiting(state: RoomState) -> None:
    """Count, once each, the people left waiting for a seat while the session runs."""
    if state.session is None:
        return
    for participant in waiting(state):
        if not participant.waited_for_seat:
            participant.waited_for_seat = True
            state.session.waited += 1


def _waiting_positions(state: RoomState, only: str | None = None) -> list[Event]:
    return [Waiting(token=p.token, position=place)
            for place, p in enumerate(waiting(state), start=1) if only in (None, p.token)]


def participant_resume(state: RoomState, *, token: str, now: float,
                       config: RoomConfig = DEFAULTS) -> list[Event]:
    """A socket holds the token again (a reload, a network blip): the place is as it was."""
    participant = _find(state, token)
    participant.lease_until = now + config.lease_ttl
    if participant.away_since is None:
        return []
    participant.away_since = None
    return [Back(token=token)]


def participant_away(state: RoomState, *, token: str, now: float) -> list[Event]:
    """The token's last socket closed: the place is kept for the grace period."""
    participant = state.participants.get(token)
    if participant is None or participant.away_since is not None:
        return []
    participant.away_since = now
    return [Away(token=token)] if participant.seated else []


def participant_leave(state: RoomState, *, token: str) -> list[Event]:
    _find(state, token)
    return drop(state, token, DropReason.LEFT)


def participant_rename(state: RoomState, *, token: str, pseudonym: str) -> list[Event]:
    """Another generated pseudonym (a participant never types one)."""
    _find(state, token).pseudonym = pseudonym
    return [Renamed(token=token)]


# Ways a seated participant goes before the end that count as leaving early (a removal is a
# facilitator's doing, not the participant's).
_EARLY = (DropReason.LEFT, DropReason.LOST)


def drop(state: RoomState, token: str, reason: DropReason) -> list[Event]:
    """Take a participant out; a freed seat goes to the next on the waiting list."""
    participant = state.participants.pop(token)
    events: list[Event] = [Dropped(token=token, seated=participant.seated, reason=reason)]
    if state.session is not None and participant.seated and reason in _EARLY:
        state.session.left_early += 1
    if state.floor == token:
        state.floor = None
        events.append(FloorChanged(token=None))
    if participant.seated:
        events += seat_waiting(state)
    else:
        events += _waiting_positions(state)
    return events


def _find(state: RoomState, token: str) -> Participant:
    participant = state.participants.get(token)
    if participant is None:
        raise NotInRoom()
    return participant
