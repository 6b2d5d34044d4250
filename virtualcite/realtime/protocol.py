"""What every realtime route speaks: the frame bases, the common frames and the close codes.

Each app declares its own frames on these bases and its own union per route (chat/frames.py);
docs/protocol.md documents the common part once, in "Every route", and a test checks it.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from virtualcite.realtime.limits import MAX_MESSAGE_CHARS
from virtualcite.realtime.visible import is_blank

# A route's union validates through its own adapter, whose config the models' does not reach:
# a validation error must never quote a frame (its text could end up in a log).
NO_INPUT_IN_ERRORS = ConfigDict(hide_input_in_errors=True)


class Frame(BaseModel):
    """Base of every frame: unknown fields are refused, so typos surface as errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class ClientFrame(Frame):
    """Base of the frames clients send: strict types, so a wrong type is refused, not guessed.

    No coercion (`"5"` is not 5, `true` is not 1, `5.0` is not an integer), and no NaN or
    infinity in a number: what a client sends is either exactly what the protocol says or a
    `malformed_frame` (docs/protocol.md, Framing).
    """

    model_config = ConfigDict(strict=True, allow_inf_nan=False)


def _visible(text: str) -> str:
    """Refuse a text that would show an empty bubble (only blanks or zero-width characters)."""
    if is_blank(text):
        raise PydanticCustomError("empty_message", "the text shows nothing")
    return text


# What a person writes (a chat message); the decoder gives its faults their own codes.
Text = Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_CHARS),
                 AfterValidator(_visible)]
Slug = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]


class Hello(ClientFrame):
    """First frame on a socket; a visitor passes the token kept in sessionStorage to resume."""

    type: Literal["hello"]
    token: str | None = Field(default=None, max_length=128)


class Ping(ClientFrame):
    """Heartbeat every 10 s: renews the socket's leases; answered by `pong`."""

    type: Literal["ping"]


class Pong(Frame):
    type: Literal["pong"] = "pong"
    server_time: float


class Error(Frame):
    type: Literal["error"] = "error"
    code: str  # one of virtualcite/realtime/errors.py `documented_codes()`
    message: str  # in the client's language
    frame: str | None = None  # the `type` of the frame that caused it, when known
    client_id: str | None = None  # that frame's `client_id`: this message was not sent
    retry_after: int | None = None  # whole seconds before the same frame may succeed (slow mode)


class CloseCode(IntEnum):
    """Websocket close codes the server uses (4000–4999 is the application's range)."""

    UNAUTHENTICATED = 4001  # a staff route without a logged-in staff member
    FORBIDDEN = 4003  # logged in, but without the role this route serves
    UNKNOWN_ROOM = 4004  # a room route for a slug that is no (active) room
    TOO_MANY_CONNECTIONS = 4009  # one token open in too many tabs
    ABUSE = 4029  # repeated rate-limit or size violations
    HELLO_TIMEOUT = 4008  # no `hello` within the handshake delay
    # One client address holds too many visitor sockets (virtualcite/connection_cap.py)
    TOO_MANY_SOCKETS = 4030
    INTERNAL_ERROR = 1011  # the server failed while handling an event; reconnect to resume
    # The process is stopping (an upgrade, a scale-down): reconnect after a short random delay,
    # a live process takes the socket over (virtualcite/drain.py). A clean close: every lease
    # is kept whole.
    SERVICE_RESTART = 1012
    # Not sent: what daphne reports when a connection ended without a close (a ping unanswered,
    # a broken network). The desk then shortens a counsellor's lease (DeskConfig.dropped_lease).
    DROPPED = 1006
