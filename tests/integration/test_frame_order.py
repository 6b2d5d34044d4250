"""One socket's frames are answered in order, and late events never move a screen backwards."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chat import publisher
from chat.presence import presence
from chat.runtime import desk_runtime
from tests.integration.test_consumers import visitor

pytestmark = pytest.mark.usefixtures("live_desk")


async def test_join_leave_join_sent_at_once_are_answered_in_order_and_keep_the_last_place() -> None:
    guest = await visitor()
    for frame in ({"type": "join", "pole": "find-a-job"}, {"type": "leave"},
                  {"type": "join", "pole": "find-a-job"}):
        await guest.send(**frame)
    answers = []
    while len(answers) < 3:
        frame = await guest.receive()
        if frame["type"] in {"queued", "left", "error"}:
            answers.append(frame)
    assert [a["type"] for a in answers] == ["queued", "left", "queued"]
    kept = answers[2]["token"]
    await guest.send(type="ping")
    await guest.expect("pong")  # any late `left` has been handled by now
    assert kept in (await desk_runtime().store.read()).tickets
    assert kept in presence.visitors.live_keys(), "the socket let go of the place the page holds"
    await guest.close()


async def test_positions_published_out_of_order_never_move_a_visitor_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, third = [await visitor() for _ in range(3)]
    for client in (first, second, third):
        await client.send(type="join", pole="find-a-job")
        await client.expect("queued")
    await third.expect("position", position=3)

    # The first leave's events are held back (a slow database write) until the second
    # leave's are out: the third visitor's socket receives "1" and then the stale "2".
    original = publisher.publish
    first_held, second_out = asyncio.Event(), asyncio.Event()
    calls = 0

    async def reordered(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            first_held.set()
            await second_out.wait()
            await original(*args, **kwargs)
        else:
            await original(*args, **kwargs)
            second_out.set()

    monkeypatch.setattr(publisher, "publish", reordered)
    await first.send(type="leave")
    await asyncio.wait_for(first_held.wait(), timeout=3)
    await second.send(type="leave")
    await first.expect("left")
    await second.expect("left")
    await third.send(type="ping")
    await third.expect("pong")
    positions = [f["position"] for f in third.seen if f["type"] == "position"]
    assert positions == sorted(positions, reverse=True), f"the place went back: {positions}"
    assert positions[-1] == 1
    for client in (first, second, third):
        await client.close()
