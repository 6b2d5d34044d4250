"""Websocket test clients over Channels' communicator, checking every frame against its model."""

from __future__ import annotations

import contextlib
import json
from typing import Any, ClassVar

from channels.testing import WebsocketCommunicator
from django.test import Client
from pydantic import TypeAdapter

from chat.frames import SERVER_FRAMES
from virtualcite.asgi import application

ORIGIN = (b"origin", b"http://localhost")


class DeskClient:
    """One socket; `expect(type)` skips other frames until one of that type arrives."""

    # Every client a test opened, so the fixture can close those it left open: a socket
    # still handling a frame would otherwise query the database while the test's is wiped.
    opened: ClassVar[list[DeskClient]] = []

    def __init__(self, path: str, headers: list[tuple[bytes, bytes]] | None = None,
                 *, frames: TypeAdapter[Any] = SERVER_FRAMES) -> None:
        self.communicator = WebsocketCommunicator(
            application, path, headers=[ORIGIN, *(headers or [])])
        self.frames = frames  # the route's server frames (the desk's, or a room's)
        self.seen: list[dict[str, Any]] = []
        self.me_id: str | None = None  # a counsellor's own id, from `staff_welcome`
        DeskClient.opened.append(self)

    async def connect(self) -> tuple[bool, int | None]:
        connected, code = await self.communicator.connect()
        return connected, code

    async def send(self, **frame: Any) -> None:
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def receive(self, timeout: float = 3.0) -> dict[str, Any]:
        raw = await self.communicator.receive_from(timeout=timeout)
        frame = json.loads(raw)
        self.frames.validate_python(frame)  # every frame the server sends is a model
        self.seen.append(frame)
        return frame

    async def expect(self, kind: str, timeout: float = 3.0, **fields: Any) -> dict[str, Any]:
        """The next frame of type `kind` whose top-level `fields` match; others are skipped."""
        for _ in range(50):
            frame = await self.receive(timeout)
            if frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items()):
                return frame
        raise AssertionError(f"no {kind!r} frame; saw {[f['type'] for f in self.seen]}")

    async def close(self) -> None:
        await self.communicator.disconnect()

    @classmethod
    async def close_all(cls) -> None:
        """Close every client still open and wait for its socket to finish."""
        clients, cls.opened = cls.opened, []
        for client in clients:
            with contextlib.suppress(Exception):  # already closed, or closed by the server
                await client.communicator.disconnect()


def session_headers(username: str) -> list[tuple[bytes, bytes]]:
    """A Django session cookie for `username`, as the browser would send it."""
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return [(b"cookie", cookie.encode())]
