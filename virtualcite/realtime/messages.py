"""Typed channel-layer messages: what one process's code tells sockets, here or elsewhere.

Channels carries dicts whose `type` names the consumer's handler (`realtime.frame` ->
`realtime_frame`). Each kind of message is a frozen dataclass here, registered by its `kind`:
the sender builds one and sends `to_layer()`, the socket base (virtualcite/realtime/socket.py)
rebuilds it with `from_layer` before calling the handler, so a handler reads typed fields
instead of matching strings in a dict. Fields are JSON-ready values (the Redis layer
serialises them with msgpack).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, TypeVar

M = TypeVar("M", bound="LayerMessage")

_kinds: dict[str, type[LayerMessage]] = {}


@dataclasses.dataclass(frozen=True, slots=True)
class LayerMessage:
    """Base of every channel-layer message; subclasses set `kind` and use `layer_message`."""

    kind: ClassVar[str]

    def to_layer(self) -> dict[str, Any]:
        message = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        message["type"] = self.kind
        return message

    @classmethod
    def from_layer(cls: type[M], message: dict[str, Any]) -> M:
        """The message again; a field missing from `message` raises KeyError (a bug)."""
        return cls(**{field.name: message[field.name] for field in dataclasses.fields(cls)})


def layer_message(cls: type[M]) -> type[M]:
    """Register a message class under its `kind` (a class decorator)."""
    if cls.kind in _kinds and _kinds[cls.kind] is not cls:
        raise ValueError(f"two layer messages of kind {cls.kind!r}")
    _kinds[cls.kind] = cls
    return cls


def message_class(kind: str) -> type[LayerMessage] | None:
    """The registered class of a channel-layer `type`, None for Channels' own messages."""
    return _kinds.get(kind)


@layer_message
@dataclasses.dataclass(frozen=True, slots=True)
class FrameMessage(LayerMessage):
    """Makes every receiving socket send `frame`, after joining and leaving groups.

    An app's event handler builds them: `join` and `leave` are groups the socket joins or
    leaves before sending the frame, so a socket joins a conversation's (or a room's) group
    exactly when it is told of it (group names are server-side only, never sent to a page).
    """

    kind: ClassVar[str] = "realtime.frame"
    frame: dict[str, Any]  # a server frame, as JSON
    join: list[str]
    leave: list[str]
    version: int  # the aggregate's version after the change (virtualcite/realtime/runner.py)
