"""The desk's own channel-layer messages (virtualcite/realtime/messages.py explains the scheme);
its frames travel as the shared `FrameMessage`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from virtualcite.realtime.messages import LayerMessage, layer_message


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
