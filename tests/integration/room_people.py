"""The people of the room tests: participants and facilitators over Channels' communicator."""

from __future__ import annotations

from channels.db import database_sync_to_async

from rooms.frames import ROOM_SERVER_FRAMES
from rooms.models import Room
from rooms.runtime import rooms_runtime
from tests.integration.desk_client import DeskClient, session_headers

ROOM = "club-reconversion"  # the demo's room run by nadia


async def with_capacity(capacity: int, slug: str = ROOM) -> None:
    await database_sync_to_async(
        lambda: Room.objects.filter(slug=slug).update(capacity=capacity))()
    rooms_runtime().directory.invalidate()


async def participant(slug: str = ROOM, token: str | None = None) -> DeskClient:
    """A greeted participant page (not in the room yet, unless `token` resumes a place)."""
    client = DeskClient(f"/ws/room/{slug}/", frames=ROOM_SERVER_FRAMES)
    assert (await client.connect())[0]
    await client.send(type="hello", token=token)
    await client.expect("room_welcome")
    return client


async def seated(slug: str = ROOM) -> tuple[DeskClient, dict[str, object]]:
    """A participant who joined an open room with a free seat, and their `me`."""
    client = await participant(slug)
    await client.send(type="join")
    welcome = await client.expect("room_welcome")
    assert welcome["me"]["seated"], welcome
    return client, welcome


async def host_socket(username: str = "nadia", slug: str = ROOM) -> DeskClient:
    headers = await database_sync_to_async(session_headers)(username)
    client = DeskClient(f"/ws/room/{slug}/host/", headers, frames=ROOM_SERVER_FRAMES)
    assert (await client.connect())[0]
    return client


async def facilitator(username: str = "nadia", slug: str = ROOM, *,
                      open_room: bool = True) -> DeskClient:
    """A greeted facilitator; the room opened when `open_room`."""
    client = await host_socket(username, slug)
    await client.send(type="hello")
    await client.expect("host_welcome")
    if open_room:
        await client.send(type="open")
        await client.expect("room_status", status="open")
    return client
