"""The steps live-desk journeys share, over real websockets: so each test reads as its story."""

from __future__ import annotations

import asyncio

from rooms.frames import ROOM_SERVER_FRAMES
from tests.e2e.live_server import LiveServer
from tests.e2e.ws_client import WsClient, login_cookie


async def visitor_on(server: LiveServer) -> WsClient:
    """A new visitor's page, welcomed (no token yet)."""
    client = await WsClient.open(f"{server.ws_url}/ws/visitor/", origin=server.url)
    await client.send(type="hello", token=None)
    await client.expect("welcome")
    return client


async def counsellor_on(server: LiveServer, username: str, poles: list[str] | None = None, *,
                        capacity: int = 2) -> WsClient:
    """A logged-in counsellor's desk, on shift for ``poles`` when given."""
    cookie = await asyncio.to_thread(login_cookie, server.url, username)
    client = await WsClient.open(f"{server.ws_url}/ws/counsellor/", origin=server.url,
                                 cookie=cookie)
    await client.send(type="hello")
    await client.expect("staff_welcome")
    if poles:
        await client.send(type="shift_start", poles=poles, capacity=capacity)
        await client.expect("staff_state")
    return client


async def queued(server: LiveServer, pole: str) -> WsClient:
    """A new visitor waiting in ``pole``'s queue."""
    guest = await visitor_on(server)
    await guest.send(type="join", pole=pole)
    await guest.expect("queued")
    return guest


async def accept_offer(counsellor: WsClient, guest: WsClient) -> str:
    """The counsellor accepts the visitor offered to them; the conversation's id, once both
    sides know of it."""
    offer = (await counsellor.expect("offer"))["offer"]
    await counsellor.send(type="accept", visitor=offer["visitor"])
    await guest.expect("matched")
    conversation: str = (await counsellor.expect("conversation"))["conversation"]["id"]
    return conversation


async def room_host_on(server: LiveServer, room: str, username: str = "nadia") -> WsClient:
    """A facilitator's page of ``room``, welcomed (the room as it was: not opened here)."""
    cookie = await asyncio.to_thread(login_cookie, server.url, username)
    client = await WsClient.open(f"{server.ws_url}/ws/room/{room}/host/", origin=server.url,
                                 cookie=cookie, frames=ROOM_SERVER_FRAMES)
    await client.send(type="hello")
    await client.expect("host_welcome")
    return client


async def room_joined(server: LiveServer, room: str) -> tuple[WsClient, dict[str, object]]:
    """A participant who joined ``room``, and their place (``me``)."""
    client = await WsClient.open(f"{server.ws_url}/ws/room/{room}/", origin=server.url,
                                 frames=ROOM_SERVER_FRAMES)
    await client.send(type="hello", token=None)
    await client.expect("room_welcome")
    await client.send(type="join")
    me: dict[str, object] = (await client.expect("room_welcome"))["me"]
    return client, me
