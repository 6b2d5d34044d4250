"""A room's seats and hands across two daphne processes on one Redis: the capacity holds.

Three times the room's capacity join at once, half through each process: exactly `capacity`
are seated, the others wait with the places 1..2C, each once; freed seats go to the first on
the list. Hands raised at once through both processes keep one order, never rewritten.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from rooms.frames import ROOM_SERVER_FRAMES
from tests.e2e.live_server import LiveServer
from tests.e2e.ws_client import WsClient, login_cookie

pytestmark = pytest.mark.redis

ROOM = "club-reconversion"  # the demo's, 12 seats, run by nadia
CAPACITY = 12


async def host_on(server: LiveServer) -> WsClient:
    cookie = await asyncio.to_thread(login_cookie, server.url, "nadia")
    client = await WsClient.open(f"{server.ws_url}/ws/room/{ROOM}/host/", origin=server.url,
                                 cookie=cookie, frames=ROOM_SERVER_FRAMES)
    await client.send(type="hello")
    await client.expect("host_welcome")
    return client


async def joined(server: LiveServer) -> tuple[WsClient, dict[str, object]]:
    client = await WsClient.open(f"{server.ws_url}/ws/room/{ROOM}/", origin=server.url,
                                 frames=ROOM_SERVER_FRAMES)
    await client.send(type="hello", token=None)
    await client.expect("room_welcome")
    await client.send(type="join")
    welcome = await client.expect("room_welcome")
    return client, welcome["me"]


async def test_three_times_the_capacity_joining_at_once_seat_exactly_the_capacity(
    two_daphnes: tuple[LiveServer, LiveServer]
) -> None:
    first, second = two_daphnes
    nadia = await host_on(first)
    await nadia.send(type="open")
    await nadia.expect("room_status", status="open")

    people = await asyncio.gather(*(joined(first if n % 2 else second)
                                    for n in range(3 * CAPACITY)))

    seated = [(client, me) for client, me in people if me["seated"]]
    waiting = sorted(((me["position"], client) for client, me in people if not me["seated"]),
                     key=lambda pair: pair[0])
    assert len(seated) == CAPACITY
    assert [place for place, _client in waiting] == list(range(1, 2 * CAPACITY + 1))

    # Two seats freed, through each process: the first two on the list take them.
    for client, _me in seated[:2]:
        await client.send(type="leave")
        await client.expect("room_left")
    for _place, client in waiting[:2]:
        assert (await client.expect("room_state"))["me"]["seated"]
    for place, client in waiting[2:]:
        moved = await client.expect("you", timeout=10)
        while moved["me"]["position"] != place - 2:  # its own earlier places, then this one
            moved = await client.expect("you", timeout=10)

    # Hands raised at once through both processes: one order, each frame extending the last.
    raising = [client for client, _me in seated[2:]]
    await asyncio.gather(*(client.send(type="hand", raised=True) for client in raising))
    orders: list[list[str]] = []
    while not orders or len(orders[-1]) < len(raising):
        orders.append((await nadia.expect("hands", timeout=10))["hands"])
    assert len(set(orders[-1])) == len(raising)
    for before, after in itertools.pairwise(orders):
        assert after[:len(before)] == before, "a later hands frame reordered the queue"
    for client, _me in people:
        await client.close()
    await nadia.close()
