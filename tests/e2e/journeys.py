"""The steps live-desk journeys share, over real websockets: so each test reads as its story."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any, Protocol

import pytest
import websockets

from rooms.frames import ROOM_SERVER_FRAMES
from tests.e2e.ws_client import WsClient, login_cookie

# The page's own wait for a refused message (service_unavailable) to be sent again, and how
# long a journey across a Redis failover waits for a message to pass.
RESEND_SECONDS = 0.5
DELIVERY_TIMEOUT = 30.0


class Site(Protocol):
    """Where pages connect: a live server, nginx in front of some, a compose stack."""

    @property
    def url(self) -> str: ...

    @property
    def ws_url(self) -> str: ...


async def visitor_on(server: Site) -> WsClient:
    """A new visitor's page, welcomed (no token yet)."""
    client = await WsClient.open(f"{server.ws_url}/ws/visitor/", origin=server.url)
    await client.send(type="hello", token=None)
    await client.expect("welcome")
    return client


async def counsellor_on(server: Site, username: str, poles: list[str] | None = None, *,
                        capacity: int = 2) -> WsClient:
    """A logged-in counsellor's desk, on shift for ``poles`` when given."""
    cookie = await asyncio.to_thread(login_cookie, server.url, username)
    return await desk_of(server, cookie, poles, capacity=capacity)


async def desk_of(server: Site, cookie: str, poles: list[str] | None = None, *,
                  capacity: int = 2) -> WsClient:
    """The desk of the counsellor whose session is ``cookie``, on shift for ``poles`` when
    given."""
    client = await WsClient.open(f"{server.ws_url}/ws/counsellor/", origin=server.url,
                                 cookie=cookie)
    await client.send(type="hello")
    await client.expect("staff_welcome")
    if poles:
        await client.send(type="shift_start", poles=poles, capacity=capacity)
        await client.expect("staff_state")
    return client


async def queued(server: Site, pole: str) -> WsClient:
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


async def room_host_on(server: Site, room: str, username: str = "nadia") -> WsClient:
    """A facilitator's page of ``room``, welcomed (the room as it was: not opened here)."""
    cookie = await asyncio.to_thread(login_cookie, server.url, username)
    client = await WsClient.open(f"{server.ws_url}/ws/room/{room}/host/", origin=server.url,
                                 cookie=cookie, frames=ROOM_SERVER_FRAMES)
    await client.send(type="hello")
    await client.expect("host_welcome")
    return client


async def room_joined(server: Site, room: str) -> tuple[WsClient, dict[str, object]]:
    """A participant who joined ``room``, and their place (``me``)."""
    client = await WsClient.open(f"{server.ws_url}/ws/room/{room}/", origin=server.url,
                                 frames=ROOM_SERVER_FRAMES)
    await client.send(type="hello", token=None)
    await client.expect("room_welcome")
    await client.send(type="join")
    me: dict[str, object] = (await client.expect("room_welcome"))["me"]
    return client, me


async def exchange(visitor: WsClient, counsellor: WsClient, conversation: str,
                   label: str) -> list[str]:
    """One message each way, each acknowledged to its sender and received by the other end;
    returns the two texts."""
    texts = []
    for sender, receiver, side in ((visitor, counsellor, "visitor"),
                                   (counsellor, visitor, "counsellor")):
        text = f"{label} from the {side} {secrets.token_hex(6)}"
        client_id = secrets.token_hex(4)
        await sender.send(type="message", conversation=conversation, text=text,
                          client_id=client_id)
        await sender.expect("message", client_id=client_id)  # the acknowledgement
        received = await receiver.expect("message", sender=side)
        assert text in received["html"], f"{label}: the {side}'s message did not arrive"
        texts.append(text)
    return texts


async def drained(client: WsClient, *, until: float) -> list[dict[str, Any]]:
    """Every frame the socket receives until the monotonic moment `until`."""
    seen = len(client.seen)
    with contextlib.suppress(AssertionError, TimeoutError):
        await client.expect("nothing-is-of-this-type", timeout=until - time.monotonic())
    return client.seen[seen:]


async def dropped(client: WsClient) -> None:
    """Wait for the socket to end (nginx closes it once its daphne is gone)."""
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            await asyncio.wait_for(client.socket.recv(), 10)


@contextlib.asynccontextmanager
async def closing(clients: list[WsClient]) -> AsyncIterator[None]:
    try:
        yield
    finally:
        for client in clients:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close(), 5)


async def deliver(sender: WsClient, receiver: WsClient, text: str, **frame: str) -> None:
    """Send `text` until the other side receives it, as the page does: a message refused
    while the channel layer settles (`service_unavailable`) is sent again."""
    deadline = asyncio.get_running_loop().time() + DELIVERY_TIMEOUT
    attempt = 0
    while True:
        attempt += 1
        client_id = f"m{attempt}"
        await sender.send(type="message", text=text, client_id=client_id, **frame)
        answer = await sender.expect_any(("message", "error"), timeout=DELIVERY_TIMEOUT)
        if answer["type"] == "message" and answer["client_id"] == client_id:
            received = await receiver.expect("message", timeout=DELIVERY_TIMEOUT)
            assert text in received["html"]
            return
        assert (answer.get("code"), answer.get("client_id")) == ("service_unavailable",
                                                                  client_id), answer
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{text!r} still refused after {DELIVERY_TIMEOUT} s")
        await asyncio.sleep(RESEND_SECONDS)


async def place_of(server: Site, token: str) -> tuple[str, int | None]:
    """What a page reloaded with `token` is shown: its status and its place."""
    page = await WsClient.open(f"{server.ws_url}/ws/visitor/", origin=server.url)
    try:
        await page.send(type="hello", token=token)
        state = (await page.expect("welcome", timeout=DELIVERY_TIMEOUT))["state"]
    finally:
        await page.close()
    return state["status"], state["position"]


async def reconnected(server: Site, route: str, *, cookie: str | None = None,
                      deadline: float) -> WsClient:
    """A socket opened again as the page does after a drop (reconnect.js: 0.5 s, doubling),
    until the monotonic `deadline`. A handshake can fail for a moment after a fault: nginx
    still picking a replica that was killed (502 or 504 after its connect timeout), a server
    whose channel layer is reconnecting to a Redis that restarted (500); the page tries
    again, and so does this."""
    delay = 0.5
    while True:
        try:
            return await WsClient.open(f"{server.ws_url}{route}", origin=server.url,
                                       cookie=cookie)
        except (websockets.InvalidStatus, OSError, TimeoutError):
            if time.monotonic() + delay > deadline:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 4.0)
