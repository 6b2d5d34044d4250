"""From a websocket frame to a client frame of the route's union, or to the refusal of it.

The one place that reads what a client sent, in the order docs/protocol.md (Framing, Limits)
documents: a text frame at all, its size, the socket's rate limit, JSON, an object with a
string `type` this route accepts, then the frame's model (strict types). Every way it can go
wrong ends in a `Refusal` carrying a documented refusal (virtualcite/realtime/errors.py):
nothing a client sends can make it raise. The sockets (virtualcite/realtime/socket.py) only
act on the outcome.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from virtualcite.realtime.errors import (
    EmptyMessage,
    FrameTooLarge,
    MalformedFrame,
    MessageTooLong,
    RateLimited,
    Refused,
    UnknownFrame,
)
from virtualcite.realtime.limits import MAX_FRAME_BYTES

# A `type` is echoed in the error's `frame` field only when it looks like one: the answer
# never carries arbitrary client text back.
_FRAME_TYPE = re.compile(r"^[a-z_]{1,40}$")
# Lone surrogates can only come from `\u` escapes (daphne hands over valid UTF-8 only).
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Refusal:
    """A frame that is not answered by its handler but by the `error` frame of `refusal`."""

    refusal: type[Refused]
    frame_type: str | None = None  # the refused frame's `type`, when it could be read
    violation: bool = False  # binary, oversized or rate-limited: counts towards close 4029
    client_id: str | None = None  # a refused message's own id, so its page can say "not sent"


def decode_frame(frames: TypeAdapter[Any], text_data: str | None, bytes_data: bytes | None,
                 *, admit: Callable[[], bool]) -> Any:
    """The frame of `frames` (a route's union) that the websocket message holds, or a Refusal.

    `admit` is the socket's rate limit, asked once per text frame before it is parsed.
    """
    if text_data is None:  # a binary frame: the protocol is JSON in text frames only
        return Refusal(MalformedFrame, violation=True)
    if len(text_data) > MAX_FRAME_BYTES:
        return Refusal(FrameTooLarge, violation=True)
    try:
        size = len(text_data.encode())
    except UnicodeEncodeError:  # not text at all (only an in-process caller can send this)
        return Refusal(MalformedFrame)
    if size > MAX_FRAME_BYTES:
        return Refusal(FrameTooLarge, violation=True)
    if not admit():
        # Named, so that the page can tell which message was not sent: frames a socket sent
        # at a steady pace come in a burst after the server was held up (a Redis outage).
        # Reading it costs a parse, at most MAX_VIOLATIONS times before the socket closes.
        named, client_id = _named(text_data)
        return Refusal(RateLimited, frame_type=named, violation=True,
                       client_id=client_id)
    value = _parse(text_data)
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return Refusal(MalformedFrame)
    kind: str = value["type"]
    echoed = kind if _FRAME_TYPE.match(kind) else None
    if kind not in _types_of(frames):
        return Refusal(UnknownFrame, frame_type=echoed)
    try:
        return frames.validate_python(value)
    except ValidationError as error:
        return Refusal(_validation_refusal(error), frame_type=echoed)
    except RecursionError:
        return Refusal(MalformedFrame, frame_type=echoed)


class _Unreadable(ValueError):
    """Raised inside the JSON parser for what JSON allows but the protocol does not."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on `{"type": "ping", "type": "join"}` (first or last wins): refused.
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Unreadable("a key appears twice")
    return value


def _no_constant(name: str) -> Any:
    raise _Unreadable(f"{name} is not JSON")  # NaN, Infinity, -Infinity


def _named(text: str) -> tuple[str | None, str | None]:
    """The `type` and `client_id` a frame gives, when they are plain enough to echo."""
    value = _parse(text)
    if not isinstance(value, dict):
        return None, None
    kind, client_id = value.get("type"), value.get("client_id")
    return (kind if isinstance(kind, str) and _FRAME_TYPE.match(kind) else None,
            client_id if isinstance(client_id, str) and len(client_id) <= 64 else None)


def _parse(text: str) -> Any:
    """The JSON value of `text`, or None when the protocol cannot read it."""
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
        # Only an escape can smuggle a lone surrogate, which no UTF-8 text can carry on.
        if "\\u" in text and _SURROGATE.search(json.dumps(value, ensure_ascii=False)):
            return None
    except (ValueError, RecursionError):  # bad JSON, huge integers, too deeply nested
        return None
    return value


_route_types: dict[int, frozenset[str]] = {}


def _types_of(frames: TypeAdapter[Any]) -> frozenset[str]:
    """The `type` literals of a route's discriminated union, read once from its schema."""
    types = _route_types.get(id(frames))
    if types is None:
        types = frame_types(frames)
        _route_types[id(frames)] = types
    return types


def frame_types(frames: TypeAdapter[Any]) -> frozenset[str]:
    """Every `type` a route's union accepts (also what the authorisation matrix walks)."""
    schema = frames.core_schema
    while schema["type"] == "definitions":
        schema = schema["schema"]
    if schema["type"] != "tagged-union":
        raise TypeError("a route's frames must be a union discriminated by `type`")
    return frozenset(str(tag) for tag in schema["choices"])


def _validation_refusal(error: ValidationError) -> type[Refused]:
    """The code of a frame of a known type that its model refuses.

    A problem with the message text alone gets its own code (the user can fix it); anything
    else, including a text problem alongside another one, is a `malformed_frame`.
    """
    codes: set[type[Refused]] = set()
    for detail in error.errors(include_input=False, include_url=False):
        on_text = detail["loc"][1:] == ("text",)
        if on_text and detail["type"] == "string_too_long":
            codes.add(MessageTooLong)
        elif on_text and detail["type"] in {"string_too_short", "empty_message"}:
            codes.add(EmptyMessage)
        else:
            return MalformedFrame
    return codes.pop() if len(codes) == 1 else MalformedFrame
