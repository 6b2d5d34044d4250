"""Who is still there: leases held by the sockets, grace periods, a room left without host.

Each process's maintenance step (rooms/presence.py) calls `maintain` with the tokens and
facilitators it has open sockets for: their leases are renewed, and whatever lease ran out
(a closed tab, a killed process) starts its grace period; a grace period that ran out drops
the participant (their seat goes to the next on the waiting list) or, for the last
facilitator, closes the paused room.
"""

from __future__ import annotations

from collections.abc import Iterable

from rooms.core.events import Away, Back, Event, FacilitatorsChanged, StatusChanged
from rooms.core.hosting import room_close
from rooms.core.model import DEFAULTS, RoomConfig, RoomState, RoomStatus
from rooms.core.reasons import DropReason, StatusReason
from rooms.core.seats import drop


def maintain(state: RoomState, *, tokens: Iterable[str], facilitator_ids: Iterable[str],
             now: float, config: RoomConfig = DEFAULTS) -> list[Event]:
    """Renew the leases of the sockets a process holds, then expire what is due.

    A participant marked away who has a socket here is back (their other tab, in another
    process, closed: this one still holds the seat)."""
    events: list[Event] = []
    for token in tokens:
        participant = state.participants.get(token)
        if participant is not None:
            participant.lease_until = now + config.lease_ttl
            if participant.away_since is not None:
                participant.away_since = None
                events.append(Back(token=token))
    for facilitator_id in facilitator_ids:
        facilitator = state.facilitators.get(facilitator_id)
        if facilitator is not None:
            facilitator.lease_until = now + config.lease_ttl
    return events + tick(state, now=now, config=config)


def tick(state: RoomState, *, now: float, config: RoomConfig = DEFAULTS) -> list[Event]:
    events: list[Event] = []
    for participant in sorted(state.participants.values(), key=lambda p: p.arrival):
        if participant.away_since is None and participant.lease_until <= now:
            participant.away_since = participant.lease_until
            if participant.seated:
                events.append(Away(token=participant.token))
    for token in [p.token for p in sorted(state.participants.values(), key=lambda p: p.arrival)
                  if p.away_since is not None and p.away_since + config.grace <= now]:
        events += drop(state, token, DropReason.LOST)
    gone = [f for f in state.facilitators.values() if f.lease_until <= now]
    for facilitator in gone:
        del state.facilitators[facilitator.id]
    if gone:
        events.append(FacilitatorsChanged())
    if state.status is RoomStatus.OPEN and not state.facilitators:
        state.status, state.paused_since = RoomStatus.PAUSED, now
        events.append(StatusChanged(status=RoomStatus.PAUSED,
                                    reason=StatusReason.FACILITATOR_AWAY))
    elif (state.status is RoomStatus.PAUSED and state.paused_since is not None
          and state.paused_since + config.facilitator_grace <= now):
        events += room_close(state, now=now, reason=StatusReason.FACILITATOR_LOST)
    return events


def facilitator_away(state: RoomState, *, facilitator_id: str, now: float,
                     config: RoomConfig = DEFAULTS) -> list[Event]:
    """A facilitator's last socket in a process closed: what is left of the lease is short.

    A reload is back well within it and nobody notices; a facilitator who is really gone
    pauses the room within seconds, not after the whole lease (a socket of theirs still open
    in another process renews it meanwhile).
    """
    facilitator = state.facilitators.get(facilitator_id)
    if facilitator is not None:
        facilitator.lease_until = min(facilitator.lease_until, now + config.away_lease)
    return []
