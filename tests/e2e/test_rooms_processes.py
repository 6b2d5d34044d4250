"""A room's seats and hands across two daphne processes on one Redis: the capacity holds.

Three times the room's capacity join at once, half through each process: exactly `capacity`
are seated, the others wait with the places 1..2C, each once; freed seats go to the first on
the list. Hands raised at once through both processes keep one order, never rewritten.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from tests.e2e.journeys import room_host_on, room_joined
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.redis

ROOM = "club-reconversion"  # the demo's, 12 seats, run by nadia
CAPACITY = 12


async def test_three_times_the_capacity_joining_at_once_seat_exactly_the_capacity(
    two_daphnes: tuple[LiveServer, LiveServer]
) -> None:
    first, second = two_daphnes
    nadia = await room_host_on(first, ROOM)
    await nadia.send(type="open")
    await nadia.expect("room_status", status="open")

    people = await asyncio.gather(*(room_joined(first if n % 2 else second, ROOM)
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
