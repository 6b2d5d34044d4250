"""A Redis restart under a running daphne: the queued visitor keeps their place and is served."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.journeys import counsellor_on, visitor_on
from tests.e2e.live_server import LiveServer
from tests.redis_server import RedisServer

pytestmark = pytest.mark.redis


async def test_a_queued_visitor_survives_a_redis_restart(
    served_on_redis: LiveServer, redis_server: RedisServer
) -> None:
    guest = await visitor_on(served_on_redis)
    await guest.send(type="join", pole="find-training")
    token = (await guest.expect("queued"))["token"]

    await asyncio.to_thread(redis_server.restart)

    # The place is still there for a page that reconnects with its token...
    reloaded = await visitor_on(served_on_redis)
    await reloaded.send(type="hello", token=token)
    welcome = await reloaded.expect("welcome")
    assert welcome["state"]["status"] == "waiting"
    await reloaded.close()
    # ...and the desk routes it once a counsellor comes: the page learns it, by event or by
    # the maintenance step's state.
    lea = await counsellor_on(served_on_redis, "lea", ["find-training"])
    offer = (await lea.expect("offer", timeout=15))["offer"]
    await lea.send(type="accept", visitor=offer["visitor"])
    await lea.expect("conversation")
    while True:  # bounded by expect_any's timeout
        frame = await guest.expect_any(("matched", "state"), timeout=15)
        if frame["type"] == "matched" or frame["state"]["status"] == "chatting":
            break
    await guest.close()
    await lea.close()
