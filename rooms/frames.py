"""Every frame of the rooms' websocket routes, on the shared bases (virtualcite/realtime/).

Client frames are validated on arrival against their route's union (`PARTICIPANT_FRAMES`,
`FACILITATOR_FRAMES`); every frame the server sends is a model of `ROOM_SERVER_FRAMES`.
docs/protocol.md (Rooms) documents them and is checked against this module by a test.
Message text appears only in `RoomMessageIn`/`RoomMessageOut`: relayed, never stored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from virtualcite.library import ResourceCard
from virtualcite.realtime.protocol import (
    NO_INPUT_IN_ERRORS,
    ClientFrame,
    Error,
    Frame,
    Hello,
    Ping,
    Pong,
    Text,
)

# What a facilitator names a participant by (an HMAC of their token, rooms/identity.py).
Handle = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-f0-9]+$")]
Status = Literal["closed", "open", "paused"]


# --- frames both routes send ------------------------------------------------------------------

class RoomMessageIn(ClientFrame):
    type: Literal["message"]
    text: Text
    client_id: str | None = Field(default=None, max_length=64)  # echoed back as an ack


# --- participant frames -----------------------------------------------------------------------

class TakeSeat(ClientFrame):
    """Join the room: a seat if one is free, else the waiting list."""

    type: Literal["join"]


class Rename(ClientFrame):
    """Draw another generated pseudonym (never a typed one)."""

    type: Literal["rename"]


class Hand(ClientFrame):
    type: Literal["hand"]
    raised: bool


class LeaveRoom(ClientFrame):
    type: Literal["leave"]


ParticipantFrame = Annotated[
    Hello | Ping | TakeSeat | Rename | RoomMessageIn | Hand | LeaveRoom,
    Field(discriminator="type"),
]
PARTICIPANT_FRAMES: TypeAdapter[ParticipantFrame] = TypeAdapter(
    ParticipantFrame, config=NO_INPUT_IN_ERRORS)


# --- facilitator frames -----------------------------------------------------------------------

class OpenRoom(ClientFrame):
    type: Literal["open"]


class CloseRoom(ClientFrame):
    type: Literal["close"]


class GiveFloor(ClientFrame):
    """Give the floor to a seated participant, or take it back (`participant` null)."""

    type: Literal["floor"]
    participant: Handle | None


class MuteParticipant(ClientFrame):
    type: Literal["mute"]
    participant: Handle
    muted: bool


class RemoveParticipant(ClientFrame):
    """Out of the room, and the token barred from it for the rest of the day."""

    type: Literal["remove"]
    participant: Handle


class SetSlowMode(ClientFrame):
    type: Literal["slow_mode"]
    seconds: int = Field(ge=0, le=600)


class NextStep(ClientFrame):
    type: Literal["next_step"]


class PinResource(ClientFrame):
    type: Literal["pin"]
    resource: int = Field(ge=1)
    pinned: bool


class PostResource(ClientFrame):
    """Show a library resource's card to the room once, without pinning it."""

    type: Literal["post_resource"]
    resource: int = Field(ge=1)


FacilitatorFrame = Annotated[
    Hello | Ping | OpenRoom | CloseRoom | RoomMessageIn | GiveFloor | MuteParticipant
    | RemoveParticipant | SetSlowMode | NextStep | PinResource | PostResource,
    Field(discriminator="type"),
]
FACILITATOR_FRAMES: TypeAdapter[FacilitatorFrame] = TypeAdapter(
    FacilitatorFrame, config=NO_INPUT_IN_ERRORS)


# --- pieces of server frames -------------------------------------------------------------------

class ParticipantCard(Frame):
    """A seated participant as the room sees them."""

    handle: str
    pseudonym: str
    hand: bool
    muted: bool
    away: bool  # their socket is gone; the seat is kept for the grace period


class FacilitatorCard(Frame):
    id: str
    name: str


class StepCard(Frame):
    index: int  # from 0
    count: int
    title: str
    instructions: str


class Me(Frame):
    """The participant's own place."""

    handle: str
    pseudonym: str
    seated: bool
    position: int | None  # on the waiting list (1 is next); null when seated
    hand: bool
    muted: bool


class RoomView(Frame):
    """Everything a room's page shows, sent whole on (re)connect and when a seat is taken."""

    slug: str
    title: str
    status: Status
    opens_at: float | None  # the current or next session's start, epoch seconds
    closes_at: float | None
    capacity: int
    seated: int
    waiting: int
    slow_mode: int
    step: StepCard | None
    pinned: list[ResourceCard]
    facilitators: list[FacilitatorCard]
    present: list[ParticipantCard]  # the seated participants, in arrival order
    floor: str | None  # the handle who has the floor
    hands: list[str]  # handles, in the order hands were raised


# --- server frames -----------------------------------------------------------------------------

class RoomWelcome(Frame):
    """Answer to a participant's `hello`: the token to keep, their place, the room."""

    type: Literal["room_welcome"] = "room_welcome"
    token: str | None
    me: Me | None  # null: not in the room (yet)
    room: RoomView
    server_time: float


class HostWelcome(Frame):
    """Answer to a facilitator's `hello`: the room, with the steps they may announce."""

    type: Literal["host_welcome"] = "host_welcome"
    me: FacilitatorCard
    room: RoomView
    steps: list[str]  # the exercise's step titles, in order
    server_time: float


class RoomStateFrame(Frame):
    """The room again, in full (a seat taken, a resumed socket)."""

    type: Literal["room_state"] = "room_state"
    me: Me | None
    room: RoomView


class You(Frame):
    """The participant's own place changed (seated, a new position, muted, renamed)."""

    type: Literal["you"] = "you"
    me: Me


class RoomLeft(Frame):
    """This socket's participant is no longer in the room."""

    type: Literal["room_left"] = "room_left"
    reason: Literal["left", "lost", "removed", "room_closed"]


class ParticipantChanged(Frame):
    """A seated participant arrived or changed (hand, mute, away, pseudonym)."""

    type: Literal["participant"] = "participant"
    participant: ParticipantCard


class ParticipantGone(Frame):
    type: Literal["participant_gone"] = "participant_gone"
    handle: str
    reason: Literal["left", "lost", "removed", "room_closed"]


class Hands(Frame):
    type: Literal["hands"] = "hands"
    hands: list[str]  # handles, in the order raised


class Floor(Frame):
    type: Literal["floor"] = "floor"
    handle: str | None


class Seats(Frame):
    """How full the room is (to everyone, waiting list included)."""

    type: Literal["seats"] = "seats"
    capacity: int
    seated: int
    waiting: int


class RoomStatusFrame(Frame):
    type: Literal["room_status"] = "room_status"
    status: Status
    reason: Literal["opened", "closed", "facilitator_away", "facilitator_back",
                    "facilitator_lost"]


class Facilitators(Frame):
    type: Literal["facilitators"] = "facilitators"
    facilitators: list[FacilitatorCard]


class SlowModeFrame(Frame):
    type: Literal["slow_mode"] = "slow_mode"
    seconds: int


class Step(Frame):
    type: Literal["step"] = "step"
    step: StepCard


class Pinned(Frame):
    type: Literal["pinned"] = "pinned"
    resources: list[ResourceCard]


class RoomMessageOut(Frame):
    """A message to the room, sanitised once on the server; never stored."""

    type: Literal["message"] = "message"
    role: Literal["participant", "facilitator"]
    handle: str | None  # the participant's; null for a facilitator
    author: str  # a pseudonym, or the facilitator's name
    html: str
    sent_at: float
    client_id: str | None = None


class ResourcePosted(Frame):
    type: Literal["resource"] = "resource"
    card: ResourceCard
    author: str  # the facilitator's name
    sent_at: float


RoomServerFrame = Annotated[
    RoomWelcome | HostWelcome | RoomStateFrame | You | RoomLeft | ParticipantChanged
    | ParticipantGone | Hands | Floor | Seats | RoomStatusFrame | Facilitators | SlowModeFrame
    | Step | Pinned | RoomMessageOut | ResourcePosted | Pong | Error,
    Field(discriminator="type"),
]
ROOM_SERVER_FRAMES: TypeAdapter[RoomServerFrame] = TypeAdapter(
    RoomServerFrame, config=NO_INPUT_IN_ERRORS)
