"""What both room sockets add to the realtime socket: the room named by the URL."""

from __future__ import annotations

from typing import Any

from rooms.directory import RoomInfo
from rooms.runtime import rooms_runtime
from virtualcite.realtime.messages import FrameMessage
from virtualcite.realtime.protocol import CloseCode
from virtualcite.realtime.socket import RealtimeSocket

# Frames that replace what the page shows of one thing, by what they replace: one older than
# the last shown is stale (two processes may publish two changes in either order).
_SAME_THING = {"hands": "hands", "floor": "floor", "seats": "seats",
               "facilitators": "facilitators", "pinned": "pinned", "slow_mode": "slow_mode",
               "room_status": "status", "step": "step", "you": "me", "room_state": "me"}


class RoomSocket(RealtimeSocket):
    """Base of the participant's and the facilitator's sockets; `info` is their room."""

    info: RoomInfo | None = None
    shown_versions: dict[Any, int]

    async def connect(self) -> None:
        self.slug: str = self.scope["url_route"]["kwargs"]["slug"]
        self.shown_versions = {}  # what the page shows -> the room's version it was sent at
        await self.accept()  # accept first: a refusal must carry its close code
        self.info = await rooms_runtime().directory.room(self.slug)
        if self.info is None:
            await self.close_with(CloseCode.UNKNOWN_ROOM)
            return
        await self.admit()

    async def admit(self) -> None:
        """Hook: check who may use the route (the facilitator's), once the room is known."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.info is None or self.closed:
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data)

    async def on_frame_message(self, message: FrameMessage) -> bool:
        """Drop a frame older than what the page shows of the same thing."""
        kind = message.frame["type"]
        thing: Any = _SAME_THING.get(kind)
        if kind == "participant":
            thing = ("participant", message.frame["participant"]["handle"])
        if thing is None:
            return True
        if message.version < self.shown_versions.get(thing, 0):
            return False
        self.shown_versions[thing] = message.version
        return True

    @property
    def room(self) -> RoomInfo:
        assert self.info is not None  # connect() closed the socket otherwise
        return self.info
