"""Nothing is acknowledged that was not delivered: a chat message during a Redis outage."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.journeys import accept_offer, counsellor_on, queued
from tests.e2e.live_server import LiveServer
from tests.redis_server import RedisServer

pytestmark = pytest.mark.redis


async def test_a_message_sent_while_redis_is_down_is_refused_not_acknowledged(
    served_on_redis: LiveServer, redis_server: RedisServer
) -> None:
    camille = await counsellor_on(served_on_redis, "camille", ["find-a-job"])
    guest = await queued(served_on_redis, "find-a-job")
    await accept_offer(camille, guest)

    await asyncio.to_thread(redis_server.stop)
    try:
        await guest.send(type="message", text="lost in the outage", client_id="m1")
        answer = await guest.expect_any(("message", "error"), timeout=30)
        assert answer["type"] == "error", "acknowledged while it could not be delivered"
        assert (answer["code"], answer["client_id"]) == ("service_unavailable", "m1")
    finally:
        await asyncio.to_thread(redis_server.start)

    # Once Redis is back (and every process subscribed again: a few seconds of refusals),
    # the next message goes through; the refused one never arrives.
    deadline = asyncio.get_running_loop().time() + 30
    attempt = 0
    while True:
        attempt += 1
        await guest.send(type="message", text="after the outage", client_id=f"m2-{attempt}")
        answer = await guest.expect_any(("message", "error"), timeout=30)
        if answer["type"] == "message" or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.5)  # as a person sends again: polled, within the rate limit
    assert answer["type"] == "message", "never accepted again after the outage"
    received = await camille.expect("message", sender="visitor", timeout=15)
    assert "after the outage" in received["html"]
    for client in (guest, camille):
        await client.close()
