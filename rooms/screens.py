"""What a room's pages show, built from the room's state and its directory entry.

`RoomParts` is read inside the atomic step (a handler's capture, a selector's read); the
views are finished afterwards with what the directory knows (title, schedule, steps,
resources), which never changes inside a step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rooms.core.model import RoomState
from rooms.core.queries import hands, position, seated, waiting
from rooms.directory import RoomInfo
from rooms.frames import FacilitatorCard, Me, ParticipantCard, RoomView, StepCard
from rooms.identity import participant_handle
from rooms.runtime import rooms_runtime
from virtualcite.library import ResourceCard
from virtualcite.resource_cards import resource_card


def me_of(slug: str, state: RoomState, token: str) -> Me | None:
    participant = state.participants.get(token)
    if participant is None:
        return None
    return Me(handle=participant_handle(slug, token), pseudonym=participant.pseudonym,
              seated=participant.seated, position=position(state, token),
              hand=participant.hand is not None, muted=participant.muted)


def card_of(slug: str, state: RoomState, token: str) -> ParticipantCard | None:
    """A seated participant's card (None for someone waiting or gone)."""
    participant = state.participants.get(token)
    if participant is None or not participant.seated:
        return None
    return ParticipantCard(handle=participant_handle(slug, token),
                           pseudonym=participant.pseudonym, hand=participant.hand is not None,
                           muted=participant.muted, away=participant.away_since is not None)


@dataclass(frozen=True)
class RoomParts:
    """The state's part of a `RoomView`."""

    status: str
    capacity: int
    seated: int
    waiting: int
    slow_mode: int
    step: int | None
    pinned: tuple[int, ...]
    facilitators: tuple[FacilitatorCard, ...]
    present: tuple[ParticipantCard, ...]
    floor: str | None
    hands: tuple[str, ...]


def parts_of(slug: str, state: RoomState) -> RoomParts:
    present = tuple(card for p in seated(state) if (card := card_of(slug, state, p.token)))
    return RoomParts(
        status=state.status.value, capacity=state.capacity, seated=len(present),
        waiting=len(waiting(state)), slow_mode=int(state.slow_mode), step=state.step,
        pinned=tuple(state.pinned),
        facilitators=tuple(FacilitatorCard(id=f.id, name=f.name)
                           for f in sorted(state.facilitators.values(), key=lambda f: f.name)),
        present=present,
        floor=participant_handle(slug, state.floor) if state.floor else None,
        hands=tuple(participant_handle(slug, p.token) for p in hands(state)))


def step_card(info: RoomInfo, index: int | None) -> StepCard | None:
    if index is None or not 0 <= index < len(info.step_texts):
        return None
    title, instructions = info.step_texts[index]
    return StepCard(index=index, count=len(info.step_texts), title=title,
                    instructions=instructions)


async def pinned_cards(info: RoomInfo, session_pins: tuple[int, ...]) -> list[ResourceCard]:
    """The room's own pinned resources, then those pinned during the session."""
    cards = list(info.resources)
    known = {card.id for card in cards}
    for resource_id in session_pins:
        if resource_id not in known and (card := await _card(resource_id)) is not None:
            cards.append(card)
            known.add(resource_id)
    return cards


async def room_view(info: RoomInfo, parts: RoomParts) -> RoomView:
    capacity = parts.capacity if parts.status != "closed" else info.capacity
    return RoomView(
        slug=info.slug, title=info.title, status=parts.status,  # type: ignore[arg-type]
        opens_at=info.opens_at, closes_at=info.closes_at, capacity=capacity,
        seated=parts.seated, waiting=parts.waiting, slow_mode=parts.slow_mode,
        step=step_card(info, parts.step), pinned=await pinned_cards(info, parts.pinned),
        facilitators=list(parts.facilitators), present=list(parts.present), floor=parts.floor,
        hands=list(parts.hands))


# Cards of resources pinned during a session, kept a minute: every `room_state` shows them.
_CARD_SECONDS = 60.0
_cards: dict[int, tuple[float, ResourceCard | None]] = {}


async def _card(resource_id: int) -> ResourceCard | None:
    cached = _cards.get(resource_id)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    card = await resource_card(resource_id)
    _cards[resource_id] = (time.monotonic() + _CARD_SECONDS, card)
    return card


async def current_view(info: RoomInfo) -> RoomView:
    """The room as its store holds it now (a selector: nothing is changed)."""
    state = await rooms_runtime().store(info.slug).read()
    return await room_view(info, parts_of(info.slug, state))
