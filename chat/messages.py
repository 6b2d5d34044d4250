"""The desk's channel-layer messages (virtualcite/realtime/messages.py explains the scheme)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from virtualcite.realtime.messages import LayerMessage, layer_message


@layer_message
@dataclass(frozen=True, slots=True)
class DeskFrame(LayerMessage):
    """Makes the receiving socket send `frame` (chat/publisher.py builds them).

    `join` and `leave` are groups the socket joins or leaves before sending it: a counsellor
    learns the group of a conversation from the `join` of its `conversation` frame (group
    names are server-side only, never sent to a page).
    """

    kind: ClassVar[str] = "desk.frame"
    frame: dict[str, Any]  # a server frame of chat/frames.py, as JSON
    join: list[str]
    leave: list[str]
    rateable: str | None  # an ended conversation the visitor may now rate
    version: int  # the desk's version after the change (chat/core/model.py)


@layer_message
@dataclass(frozen=True, slots=True)
class DeskLoads(LayerMessage):
    """Changed pole figures, for the lobby of every socket (chat/lobby.py batches them)."""

    kind: ClassVar[str] = "desk.loads"
    loads: list[dict[str, Any]]


@layer_message
@dataclass(frozen=True, slots=True)
class DeskColleagues(LayerMessage):
    """Everyone on shift, for every counsellor on shift."""

    kind: ClassVar[str] = "desk.colleagues"
    colleagues: list[dict[str, Any]]
