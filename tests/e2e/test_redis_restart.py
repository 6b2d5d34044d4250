"""A Redis restart under a running daphne: the queued visitor keeps their place and is served."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.e2e.journeys import closing, counsellor_on, reconnected, visitor_on
from tests.e2e.live_server import LiveServer
from tests.e2e.ws_client import WsClient
from tests.redis_server import RedisServer

pytestmark = pytest.mark.redis

# Well inside the visitor's lease: a page's first tries after the restart.
RECONNECT_SECONDS = 10.0


async def test_a_queued_visitor_survives_a_redis_restart(
    served_on_redis: LiveServer, redis_server: RedisServer
) -> None:
    clients: list[WsClient] = []
    async with closing(clients):
        guest = await visitor_on(served_on_redis)
        clients.append(guest)
        await guest.send(type="join", pole="find-training")
        token = (await guest.expect("queued"))["token"]

        await asyncio.to_thread(redis_server.restart)

        # The place is still there for a page that reconnects with its token (as a page
        # does: a handshake while the channel layer reconnects may be refused)...
        reloaded = await reconnected(served_on_redis, "/ws/visitor/",
                                     deadline=time.monotonic() + RECONNECT_SECONDS)
        clients.append(reloaded)
        await reloaded.send(type="hello", token=token)
        welcome = await reloaded.expect("welcome")
        assert welcome["state"]["status"] == "waiting"
        # ...and the desk routes it once a counsellor comes: the page learns it, by event or
        # by the maintenance step's state.
        lea = await counsellor_on(served_on_redis, "lea", ["find-training"])
        clients.append(lea)
        offer = (await lea.expect("offer", timeout=15))["offer"]
        await lea.send(type="accept", visitor=offer["visitor"])
        await lea.expect("conversation")
        while True:  # bounded by expect_any's timeout
            frame = await guest.expect_any(("matched", "state"), timeout=15)
            if frame["type"] == "matched" or frame["state"]["status"] == "chatting":
                break
