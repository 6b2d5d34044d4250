"""Services of the rooms: the only code that changes a room's state.

Each runs one rule of the pure core (rooms/core/) on one room through the rooms' runner
(atomically; then the publisher tells the pages), after the checks only the Django side can
make (the room exists, the resource is published). Names follow `<entity>_<action>`,
arguments are keyword-only, as the desk's (chat/services.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rooms.core import floor, hosting, liveness, seats
from rooms.core.errors import UnknownParticipant
from rooms.core.events import Event
from rooms.core.model import RoomState
from rooms.frames import Me
from rooms.identity import participant_group, participant_handle
from rooms.runtime import cite_day, rooms_runtime
from rooms.screens import me_of
from virtualcite.library import UnknownResource
from virtualcite.pseudonyms import new_pseudonym
from virtualcite.realtime.limits import CONNECTION_TTL_SECONDS, MAX_CONNECTIONS_PER_TOKEN
from virtualcite.resource_cards import resource_card

R = TypeVar("R")
Change = Callable[[RoomState, float], tuple[list[Event], R]]


async def _run(slug: str, change: Change[R]) -> R:
    result: R = await rooms_runtime().run(slug, change)
    return result


def _rule(rule: Callable[..., list[Event]], **kwargs: Any) -> Change[None]:
    def change(state: RoomState, now: float) -> tuple[list[Event], None]:
        return rule(state, **kwargs), None
    return change


def _clocked(rule: Callable[..., list[Event]], **kwargs: Any) -> Change[None]:
    """A rule that takes the clock only."""
    def change(state: RoomState, now: float) -> tuple[list[Event], None]:
        return rule(state, now=now, **kwargs), None
    return change


def _timed(rule: Callable[..., list[Event]], **kwargs: Any) -> Change[None]:
    """A rule that takes the clock and the configuration."""
    def change(state: RoomState, now: float) -> tuple[list[Event], None]:
        return rule(state, now=now, config=rooms_runtime().config, **kwargs), None
    return change


def _token_of(slug: str, state: RoomState, handle: str) -> str:
    for token in state.participants:
        if participant_handle(slug, token) == handle:
            return token
    raise UnknownParticipant()


# --- participants ------------------------------------------------------------------------

async def participant_resume(*, slug: str, token: str) -> tuple[Me | None, bool]:
    """A page says hello with its token: the place it holds, resumed, or None; and whether
    the token is barred today (the page keeps it: a reload must not lift a removal)."""
    def change(state: RoomState, now: float) -> tuple[list[Event], tuple[Me | None, bool]]:
        if token not in state.participants:
            return [], (None, state.barred.get(token) == cite_day(now))
        events = seats.participant_resume(state, token=token, now=now,
                                          config=rooms_runtime().config)
        return events, (me_of(slug, state, token), False)

    return await _run(slug, change)


async def participant_join(*, slug: str, token: str, language: str) -> Me:
    """A seat, or a place on the waiting list, under a pseudonym in `language`."""
    def change(state: RoomState, now: float) -> tuple[list[Event], Me]:
        events = seats.participant_join(state, token=token, pseudonym=new_pseudonym(language),
                                        day=cite_day(now), now=now,
                                        config=rooms_runtime().config)
        mine = me_of(slug, state, token)
        assert mine is not None  # just joined
        return events, mine

    return await _run(slug, change)


async def participant_rename(*, slug: str, token: str, language: str) -> None:
    def change(state: RoomState, now: float) -> tuple[list[Event], None]:
        current = state.participants.get(token)
        pseudonym = new_pseudonym(language, avoid=current.pseudonym if current else None)
        return seats.participant_rename(state, token=token, pseudonym=pseudonym), None

    await _run(slug, change)


async def participant_hand(*, slug: str, token: str, raised: bool) -> None:
    rule = floor.hand_raise if raised else floor.hand_lower
    await _run(slug, _rule(rule, token=token))


async def participant_leave(*, slug: str, token: str) -> None:
    await _run(slug, _rule(seats.participant_leave, token=token))


async def participant_away(*, slug: str, token: str) -> None:
    """The token's last socket in this process closed: the grace period starts."""
    def change(state: RoomState, now: float) -> tuple[list[Event], None]:
        return seats.participant_away(state, token=token, now=now), None

    await _run(slug, change)


async def message_allow(*, slug: str, token: str) -> Me:
    """May the participant write now (slow mode is recorded)? Returns their place, or a
    refusal (rooms/core/errors.py)."""
    def change(state: RoomState, now: float) -> tuple[list[Event], Me]:
        events = floor.message_allowed(state, token=token, now=now)
        mine = me_of(slug, state, token)
        assert mine is not None  # message_allowed refuses anyone not in the room
        return events, mine

    return await _run(slug, change)


async def connection_open(*, slug: str, token: str, connection_id: str) -> bool:
    """Count one more socket on the token; False (not counted) past the tabs' limit."""
    connections = rooms_runtime().connections
    key = participant_group(slug, token)
    if await connections.add(key, connection_id, CONNECTION_TTL_SECONDS) > \
            MAX_CONNECTIONS_PER_TOKEN:
        await connections.remove(key, connection_id)
        return False
    return True


async def connection_refresh(*, slug: str, token: str, connection_id: str) -> None:
    await rooms_runtime().connections.refresh(participant_group(slug, token), connection_id,
                                              CONNECTION_TTL_SECONDS)


async def connection_close(*, slug: str, token: str, connection_id: str) -> None:
    await rooms_runtime().connections.remove(participant_group(slug, token), connection_id)


# --- facilitators ------------------------------------------------------------------------

async def facilitator_arrive(*, slug: str, facilitator_id: str, name: str) -> None:
    await _run(slug, _timed(hosting.facilitator_arrive, facilitator_id=facilitator_id,
                            name=name))


async def facilitator_away(*, slug: str, facilitator_id: str) -> None:
    await _run(slug, _timed(liveness.facilitator_away, facilitator_id=facilitator_id))


async def room_open(*, slug: str, facilitator_id: str, name: str, capacity: int) -> None:
    await _run(slug, _timed(hosting.room_open, facilitator_id=facilitator_id, name=name,
                            capacity=capacity))


async def room_close(*, slug: str) -> None:
    await _run(slug, _clocked(hosting.room_close))


async def floor_give(*, slug: str, handle: str | None) -> None:
    def change(state: RoomState, now: float) -> tuple[list[Event], None]:
        if handle is None:
            return floor.floor_take_back(state), None
        return floor.floor_give(state, token=_token_of(slug, state, handle)), None

    await _run(slug, change)


async def participant_mute(*, slug: str, handle: str, muted: bool) -> None:
    def change(state: RoomState, now: float) -> tuple[list[Event], None]:
        return floor.mute_set(state, token=_token_of(slug, state, handle), muted=muted), None

    await _run(slug, change)


async def participant_remove(*, slug: str, handle: str) -> None:
    def change(state: RoomState, now: float) -> tuple[list[Event], None]:
        return floor.participant_remove(state, token=_token_of(slug, state, handle),
                                        day=cite_day(now)), None

    await _run(slug, change)


async def slow_mode_set(*, slug: str, seconds: int) -> None:
    await _run(slug, _rule(floor.slow_mode_set, seconds=float(seconds),
                           config=rooms_runtime().config))


async def step_next(*, slug: str, steps: int) -> None:
    await _run(slug, _rule(hosting.step_next, steps=steps))


async def pin_set(*, slug: str, resource_id: int, pinned: bool) -> None:
    """Pin a published resource for the session (or unpin one)."""
    if pinned and await resource_card(resource_id) is None:
        raise UnknownResource()
    await _run(slug, _rule(hosting.pin_set, resource_id=resource_id, pinned=pinned))


# --- liveness ----------------------------------------------------------------------------

async def room_maintain(*, slug: str, tokens: Callable[[], set[str]],
                        facilitator_ids: Callable[[], set[str]]) -> dict[str, Me | None]:
    """One process's periodic step for one room: renew its sockets' leases, then tick.

    Who is here is read inside the atomic step (see chat/services.py `desk_maintain`).
    Returns each local token's place, so a page that missed an event is put right."""
    def change(state: RoomState, now: float) -> tuple[list[Event], dict[str, Me | None]]:
        live = tokens()
        events = liveness.maintain(state, tokens=sorted(live),
                                   facilitator_ids=sorted(facilitator_ids()), now=now,
                                   config=rooms_runtime().config)
        return events, {token: me_of(slug, state, token) for token in live}

    return await _run(slug, change)
