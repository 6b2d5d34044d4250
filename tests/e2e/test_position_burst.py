"""A burst of visitors while counsellors serve, on two processes: no place ever goes back.

What an outside client saw before versions: positions going up and down (96, 94, 91, 76, 78,
75, 87...) as events of concurrent changes arrived out of order. Every `position` and `state`
a visitor receives must show a place no higher than the last one, unless the frame says
someone was put back ahead of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.journeys import counsellor_on, visitor_on
from tests.e2e.live_server import LiveServer, start_two_daphnes
from tests.e2e.ws_client import WsClient
from virtualcite.realtime.limits import FRAMES_PER_SECOND

pytestmark = pytest.mark.redis

VISITORS = 40
POLE = "find-a-job"
FRAME_INTERVAL = 1 / (FRAMES_PER_SECOND - 1)


@pytest.fixture
def two_daphnes(tmp_path: Path, redis_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    # Every visitor of the test comes from 127.0.0.1: the per-client socket cap is off.
    servers = start_two_daphnes(tmp_path, redis_url, {"MAX_SOCKETS_PER_CLIENT": "0"})
    yield servers
    for server in servers:
        server.stop()


async def serve(counsellor: WsClient) -> None:
    """Accept every offer and end the conversation at once, until cancelled."""
    while True:
        frame = await counsellor.expect_any(("offer", "conversation"), timeout=60)
        if frame["type"] == "offer":
            await counsellor.send(type="accept", visitor=frame["offer"]["visitor"])
        else:
            conversation = frame["conversation"]["id"]
            await counsellor.send(type="end", conversation=conversation, outcome_tags=[])
        # Within the documented 5 frames/s of a socket (chat/limits.py): a pace, not a wait.
        await asyncio.sleep(FRAME_INTERVAL)


async def places_seen(guest: WsClient) -> list[tuple[int, str | None]]:
    """Every place the server showed this visitor, until they were matched."""
    await guest.send(type="join", pole=POLE)
    seen: list[tuple[int, str | None]] = []
    while True:
        frame: dict[str, Any] = await guest.expect_any(
            ("queued", "position", "state", "matched"), timeout=60)
        if frame["type"] == "matched":
            return seen
        if frame["type"] in {"queued", "position"}:
            seen.append((frame["position"], frame.get("reason")))
        elif frame["state"]["status"] == "waiting":
            seen.append((frame["state"]["position"], None))
        elif frame["state"]["status"] == "chatting":
            return seen


async def test_no_visitor_sees_their_place_go_back_without_a_reason(
    two_daphnes: tuple[LiveServer, LiveServer]
) -> None:
    visitors_side, staff_side = two_daphnes
    staff = [await counsellor_on(staff_side, name, [POLE]) for name in ("camille", "karim")]
    serving = [asyncio.create_task(serve(counsellor)) for counsellor in staff]
    guests = [await visitor_on(visitors_side) for _ in range(VISITORS)]
    try:  # each visitor's history ends when they are matched: everyone is served
        histories = await asyncio.gather(*(places_seen(guest) for guest in guests))
    finally:
        for task in serving:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    went_back = [history for history in histories
                 if any(later > earlier and reason is None
                        for (earlier, _), (later, reason) in itertools.pairwise(history))]
    assert went_back == [], f"{len(went_back)} visitors saw their place go back: {went_back[:3]}"
    for client in (*guests, *staff):
        await client.close()
