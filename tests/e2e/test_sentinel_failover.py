"""The Redis primary killed under two running daphnes on Sentinel: nothing of the desk is lost.

Two processes, visitors on one and the counsellor on the other, on a primary, a replica and
three sentinels that write nothing but their logs and the sentinels' own configuration. The
primary is SIGKILLed with a conversation running and three visitors waiting; once the replica
is promoted, the queue is the same queue in the same order, the conversation carries messages
both ways, a newcomer joins behind the others, and no page is told the desk restarted: the
state was kept, not re-formed. And no Redis wrote a byte of data to disk.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.journeys import (
    DELIVERY_TIMEOUT,
    accept_offer,
    counsellor_on,
    deliver,
    place_of,
    queued,
    visitor_on,
)
from tests.e2e.live_server import LiveServer, start_two_daphnes
from tests.sentinel_cluster import LOG_NAME, SentinelCluster

pytestmark = pytest.mark.redis

POLE = "find-a-job"


@pytest.fixture
def daphnes_on_sentinel(tmp_path: Path, sentinel_cluster: SentinelCluster
                        ) -> Iterator[tuple[LiveServer, LiveServer]]:
    servers = start_two_daphnes(tmp_path, None, extra_env=sentinel_cluster.env)
    yield servers
    for server in servers:
        server.stop()


async def test_the_desk_survives_the_loss_of_the_redis_primary(
    daphnes_on_sentinel: tuple[LiveServer, LiveServer], sentinel_cluster: SentinelCluster
) -> None:
    visitors_side, staff_side = daphnes_on_sentinel
    canary = f"canary-{secrets.token_hex(8)}"
    camille = await counsellor_on(staff_side, "camille", [POLE], capacity=1)
    talking = await queued(visitors_side, POLE)
    conversation = await accept_offer(camille, talking)
    await deliver(talking, camille, f"{canary}-before-visitor")
    waiting = [await queued(visitors_side, POLE) for _ in range(3)]
    tokens = [client.seen[-1]["token"] for client in waiting]
    assert [await place_of(visitors_side, token) for token in tokens] == [
        ("waiting", 1), ("waiting", 2), ("waiting", 3)]

    await asyncio.to_thread(sentinel_cluster.kill_primary)
    await asyncio.to_thread(sentinel_cluster.wait_for_promotion)

    # The same queue, in the same order, on either process.
    for server in (visitors_side, staff_side):
        assert [await place_of(server, token) for token in tokens] == [
            ("waiting", 1), ("waiting", 2), ("waiting", 3)]
    # The conversation carries on, both ways, across the two processes.
    await deliver(talking, camille, f"{canary}-after-visitor")
    await deliver(camille, talking, f"{canary}-after-counsellor", conversation=conversation)
    # A newcomer joins behind the three.
    newcomer = await visitor_on(staff_side)
    await newcomer.send(type="join", pole=POLE)
    assert (await newcomer.expect("queued", timeout=DELIVERY_TIMEOUT))["position"] == 4

    # Nothing was re-formed: no page heard of a restarted desk.
    everyone = [camille, talking, *waiting, newcomer]
    for client in everyone:
        assert "desk_restarted" not in json.dumps(client.seen)
    for client in everyone:
        await client.close()

    # No Redis wrote data to disk: no snapshot, no AOF, not even for the replica's sync.
    assert sentinel_cluster.data_files() == []
    assert "replicas sockets" in (sentinel_cluster.primary.directory / LOG_NAME).read_text()
    for path in sentinel_cluster.every_file():
        assert canary.encode() not in path.read_bytes(), path
