"""deploy/compose.sentinel.yaml over compose.yaml, under Docker: the runbook's failover drill.

The stack of test_compose_stack.py with Redis as a primary, a replica and three sentinels
(stand-in images, tests/compose_stack.py). With a conversation running and three visitors
waiting, the primary's container is killed (`docker compose kill redis`, the runbook's
rehearsal); once the sentinels have promoted the replica, the queue is the same queue in the
same order, the conversation carries messages both ways, a newcomer joins behind the others,
no page heard of a restarted desk, and no Redis container wrote a data file.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from tests.compose_stack import ComposeStack, compose_stack, unavailable
from tests.e2e.journeys import (
    accept_offer,
    closing,
    deliver,
    desk_of,
    place_of,
    visitor_on,
)
from tests.e2e.ws_client import WsClient
from tests.waiting import wait_for

pytestmark = [pytest.mark.compose, pytest.mark.timeout(1500)]

POLE = "find-a-job"
MASTER = "virtualcite"  # REDIS_SENTINEL_MASTER in compose.sentinel.yaml
# down-after-milliseconds (5 s) and an election, with room to spare.
PROMOTION_SECONDS = 60.0


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ComposeStack]:
    reason = unavailable()
    if reason is not None:
        pytest.skip(reason)
    with compose_stack(tmp_path_factory.mktemp("compose-sentinel"),
                       overlays=("compose.sentinel.yaml",)) as running:
        running.exec("app", "virtualcite", "demo")
        yield running


def primary_address(stack: ComposeStack) -> str:
    """Where the sentinels say the primary is (`ip port`)."""
    answer = stack.exec("sentinel-1", "redis-cli", "-p", "26379", "sentinel",
                        "get-master-addr-by-name", MASTER)
    return " ".join(answer.split())


def data_files(stack: ComposeStack, container: str) -> list[str]:
    """Files a Redis container wrote beside its image: a snapshot or an append-only file."""
    changed = ComposeStack.docker("diff", container).splitlines()
    return [line for line in changed if line.endswith((".rdb", ".aof")) or "appendonly" in line]


async def joined(stack: ComposeStack) -> tuple[WsClient, dict[str, Any]]:
    """A new visitor in the pole's queue, and their `queued` frame."""
    guest = await visitor_on(stack)
    await guest.send(type="join", pole=POLE)
    return guest, await guest.expect("queued")


# A known bug this test found (2026-12-01): in one run of five, the first chat message after
# the failover got no answer in 30 s. The likely cause, not yet confirmed: a killed
# container's address black-holes its packets instead of refusing them, as a lost host's
# does, and the channel layer's Redis connections have no timeout, so a publish can wait on
# the dead primary for good. The process-level failover (test_sentinel_failover.py) cannot
# show it: a killed process's port refuses at once. The likely fix is a publish timeout that
# drops the connection, and a health check on the subscription; until then this test
# reports the bug instead of hiding it.
@pytest.mark.xfail(reason="after a failover, a chat message can get no answer (a black-holed "
                          "primary and no socket timeout, likely); see the comment above",
                   strict=False)
async def test_the_desk_survives_the_kill_of_the_redis_primary_container(
        stack: ComposeStack) -> None:
    canary = f"canary-{secrets.token_hex(8)}"
    cookie = await asyncio.to_thread(stack.counsellor_cookie)
    clients: list[WsClient] = []
    async with closing(clients):
        counsellor = await desk_of(stack, cookie, [POLE], capacity=1)
        clients.append(counsellor)
        talking, _ = await joined(stack)
        clients.append(talking)
        conversation = await accept_offer(counsellor, talking)
        await deliver(talking, counsellor, f"{canary}-before")
        tokens = []
        for _ in range(3):
            guest, frame = await joined(stack)
            clients.append(guest)
            tokens.append(frame["token"])
        order = [("waiting", 1), ("waiting", 2), ("waiting", 3)]
        assert [await place_of(stack, token) for token in tokens] == order

        before = await asyncio.to_thread(primary_address, stack)
        await asyncio.to_thread(stack.compose, "kill", "redis")
        await asyncio.to_thread(
            wait_for, lambda: primary_address(stack) != before, timeout=PROMOTION_SECONDS,
            what="the sentinels to promote the replica")

        assert [await place_of(stack, token) for token in tokens] == order
        await deliver(talking, counsellor, f"{canary}-after-visitor")
        await deliver(counsellor, talking, f"{canary}-after-counsellor",
                      conversation=conversation)
        newcomer, frame = await joined(stack)
        clients.append(newcomer)
        assert frame["position"] == 4
        for client in clients:
            assert "desk_restarted" not in json.dumps(client.seen)

    for redis in stack.containers("redis", "redis-replica", stopped=True):
        assert data_files(stack, redis) == [], redis
    logs = await asyncio.to_thread(stack.logs)
    assert canary not in logs
