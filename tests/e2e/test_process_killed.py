"""A daphne process killed mid-conversation: its counsellor's visitor is requeued at the head.

Two processes on one Redis, the visitor on one, the counsellor on the other. SIGKILL runs no
handler at all: only the lease, no longer renewed by the dead process, lets the surviving one
requeue the visitor, ahead of the visitor who was already waiting.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.journeys import accept_offer, counsellor_on, queued
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.redis


async def test_the_visitor_of_a_killed_process_counsellor_is_requeued_at_the_head(
    two_daphnes: tuple[LiveServer, LiveServer]
) -> None:
    visitors_side, staff_side = two_daphnes
    camille = await counsellor_on(staff_side, "camille", ["find-a-job"])
    talking = await queued(visitors_side, "find-a-job")
    await accept_offer(camille, talking)
    waiting = await queued(visitors_side, "find-a-job")

    await asyncio.to_thread(staff_side.kill)

    requeued = await talking.expect("requeued", timeout=45)  # the 20 s lease, then a step
    assert requeued["reason"] == "counsellor_lost"
    await talking.expect("position", timeout=10, position=1)
    await waiting.expect("position", timeout=10, position=2)
    for client in (talking, waiting):
        await client.close()
