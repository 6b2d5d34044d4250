"""Redis comes back empty under a running daphne: every page is told, the desk re-forms.

The waiting visitors come back in their original order, the one who was talking is told the
conversation ended and goes back to the head of the queue, the counsellor gets their shift
back. Until the scale-out work keeps the state through a failover, this is what a Redis
restarted without persistence costs: conversations, not places.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.journeys import accept_offer, counsellor_on, queued
from tests.e2e.live_server import LiveServer
from tests.redis_server import RedisServer

pytestmark = pytest.mark.redis


def come_back_empty(redis_server: RedisServer) -> None:
    redis_server.stop(save=False)  # killed: nothing saved
    redis_server.rdb_path.unlink(missing_ok=True)
    redis_server.start()


async def test_a_desk_lost_by_redis_is_told_and_re_formed_in_order(
    served_on_redis: LiveServer, redis_server: RedisServer
) -> None:
    camille = await counsellor_on(served_on_redis, "camille", ["find-a-job"])
    talking = await queued(served_on_redis, "find-a-job")
    conversation = await accept_offer(camille, talking)
    await camille.send(type="pause")
    await camille.expect("staff_state")
    first = await queued(served_on_redis, "find-a-job")
    second = await queued(served_on_redis, "find-a-job")

    await asyncio.to_thread(come_back_empty, redis_server)

    ended = await talking.expect("ended", timeout=30)
    assert (ended["conversation"], ended["reason"]) == (conversation, "desk_restarted")
    for guest in (talking, first, second):
        assert (await guest.expect("requeued", timeout=30))["reason"] == "desk_restarted"
    # The one who was talking is at the head, then the others in their original order.
    for guest, place in ((talking, 1), (first, 2), (second, 3)):
        await guest.expect("position", timeout=15, position=place)
    closed = await camille.expect("conversation_closed", timeout=30)
    assert (closed["conversation"], closed["reason"]) == (conversation, "desk_restarted")
    shift = (await camille.expect("staff_state", timeout=15))["state"]["shift"]
    assert (shift["status"], shift["poles"]) == ("paused", ["find-a-job"])
    # And the desk serves again: Camille resumes and the head of the queue is offered.
    await camille.send(type="resume")
    offer = (await camille.expect("offer", timeout=15))["offer"]
    await camille.send(type="accept", visitor=offer["visitor"])
    await talking.expect("matched", timeout=15)
    for client in (talking, first, second, camille):
        await client.close()
