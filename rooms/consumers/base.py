"""What both room sockets add to the realtime socket: the room named by the URL."""

from __future__ import annotations

from rooms.directory import RoomInfo
from rooms.runtime import rooms_runtime
from virtualcite.realtime.protocol import CloseCode
from virtualcite.realtime.socket import RealtimeSocket


class RoomSocket(RealtimeSocket):
    """Base of the participant's and the facilitator's sockets; `info` is their room."""

    info: RoomInfo | None = None

    async def connect(self) -> None:
        self.slug: str = self.scope["url_route"]["kwargs"]["slug"]
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

    @property
    def room(self) -> RoomInfo:
        assert self.info is not None  # connect() closed the socket otherwise
        return self.info
