"""The rooms' event handler that tells clients: events in, frames to the right groups out.

`capture` reads, inside the atomic step, what the frames show beyond the events (the places,
the cards, the room's parts); `handle` finishes them with the directory's entry and sends
them through the channel layer as the shared `FrameMessage` (virtualcite/realtime/).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from channels.layers import get_channel_layer

from rooms.core import events as ev
from rooms.core.model import RoomState
from rooms.directory import RoomInfo
from rooms.frames import (
    Facilitators,
    Floor,
    Hands,
    Me,
    ParticipantCard,
    ParticipantChanged,
    ParticipantGone,
    Pinned,
    RoomLeft,
    RoomStateFrame,
    RoomStatusFrame,
    Seats,
    SlowModeFrame,
    Step,
    You,
)
from rooms.identity import everyone_group, members_group, participant_group, participant_handle
from rooms.runtime import rooms_runtime
from rooms.screens import RoomParts, card_of, me_of, parts_of, pinned_cards, room_view, step_card
from virtualcite.realtime.messages import FrameMessage
from virtualcite.realtime.protocol import Frame

logger = logging.getLogger(__name__)

Delivery = tuple[str, FrameMessage]

_SEAT_EVENTS = (ev.Seated, ev.Waiting, ev.Dropped)
_CARD_EVENTS = (ev.Seated, ev.Away, ev.Back, ev.Renamed, ev.HandChanged, ev.MuteChanged)
_ME_EVENTS = (ev.Waiting, ev.Renamed, ev.HandChanged, ev.MuteChanged)


@dataclass(frozen=True)
class _Captured:
    me: dict[str, Me]
    cards: dict[str, ParticipantCard]
    parts: RoomParts
    version: int


def message(frame: Frame, version: int, *, join: Sequence[str] = (),
            leave: Sequence[str] = ()) -> FrameMessage:
    return FrameMessage(frame=frame.model_dump(mode="json"), join=list(join), leave=list(leave),
                        version=version)


class RoomPublisher:
    def capture(self, key: str, state: RoomState, events: Sequence[ev.Event],
                now: float) -> _Captured:
        tokens = {token for event in events if (token := getattr(event, "token", None))}
        me = {token: mine for token in tokens if (mine := me_of(key, state, token))}
        cards = {token: card for token in tokens if (card := card_of(key, state, token))}
        return _Captured(me, cards, parts_of(key, state), state.version)

    async def handle(self, key: str, events: Sequence[ev.Event], captured: _Captured) -> None:
        info = await rooms_runtime().directory.room(key)
        if info is None:
            return  # the room was deactivated meanwhile: nobody is told anything more
        layer = get_channel_layer()
        for group, sent in await deliveries(key, info, events, captured):
            try:
                await layer.group_send(group, sent.to_layer())
            except Exception as error:
                # The layer is down: a page's state is put right by its next room_state.
                logger.warning("could not publish a room frame: %s", type(error).__name__)


async def deliveries(slug: str, info: RoomInfo, events: Sequence[ev.Event],
                     captured: _Captured) -> list[Delivery]:
    """Who must hear of each event, and the frame they get (pure but for the pinned cards)."""
    out: list[Delivery] = []
    version = captured.version
    members, everyone = members_group(slug), everyone_group(slug)

    def to(group: str, frame: Frame, **groups: Sequence[str]) -> None:
        out.append((group, message(frame, version, **groups)))

    for event in events:
        token = getattr(event, "token", None)
        mine = captured.me.get(token) if isinstance(token, str) else None
        card = captured.cards.get(token) if isinstance(token, str) else None
        own = participant_group(slug, token) if isinstance(token, str) else ""
        match event:
            case ev.Seated() if mine is not None:
                to(own, RoomStateFrame(me=mine, room=await room_view(info, captured.parts)),
                   join=[members])
            case ev.Dropped(seated=was_seated, reason=reason):
                to(own, RoomLeft(reason=reason.value), leave=[members])
                if was_seated:
                    to(members, ParticipantGone(handle=participant_handle(slug, event.token),
                                                reason=reason.value))
            case ev.FloorChanged():
                to(members, Floor(handle=captured.parts.floor))
            case ev.StatusChanged(status=status, reason=reason):
                to(everyone, RoomStatusFrame(status=status.value, reason=reason.value))
            case ev.FacilitatorsChanged():
                to(members, Facilitators(facilitators=list(captured.parts.facilitators)))
            case ev.SlowModeSet(seconds=seconds):
                to(everyone, SlowModeFrame(seconds=int(seconds)))
            case ev.StepAnnounced(index=index):
                if (step := step_card(info, index)) is not None:
                    to(members, Step(step=step))
            case ev.PinsChanged():
                to(members, Pinned(resources=await pinned_cards(info, captured.parts.pinned)))
        if isinstance(event, _ME_EVENTS) and mine is not None:
            to(own, You(me=mine))
        if isinstance(event, _CARD_EVENTS) and card is not None:
            to(members, ParticipantChanged(participant=card))
    if any(isinstance(event, ev.HandChanged) for event in events):
        to(members, Hands(hands=list(captured.parts.hands)))
    if any(isinstance(event, _SEAT_EVENTS) for event in events):
        parts = captured.parts
        to(everyone, Seats(capacity=parts.capacity, seated=parts.seated, waiting=parts.waiting))
    return out
