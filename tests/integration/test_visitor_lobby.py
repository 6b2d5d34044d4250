"""The lobby tells a visitor who is there and who can answer: counsellors online and available
(issue 12, item 6), over Channels' communicator against the real consumers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.people import counsellor, visitor, waiting_visitor

pytestmark = pytest.mark.usefixtures("live_desk")


def figures_of(frame: dict[str, Any], pole: str) -> tuple[int, int]:
    (status,) = [status for status in frame["poles"] if status["slug"] == pole]
    return status["counsellors_online"], status["counsellors_available"]


async def test_a_counsellor_whose_places_are_all_taken_is_online_but_not_available() -> None:
    watcher = await visitor()
    hugo = await counsellor("hugo", ["change-career"], capacity=1)
    assert figures_of(await watcher.expect("lobby"), "change-career") == (1, 1)

    guest, _token = await waiting_visitor("change-career")
    offer = (await hugo.expect("offer"))["offer"]
    await hugo.send(type="accept", visitor=offer["visitor"])
    await guest.expect("matched")
    # Hugo's one place is taken: he is still there, nobody can answer a newcomer.
    for _ in range(10):
        frame = await watcher.expect("lobby")
        if figures_of(frame, "change-career") == (1, 0):
            break
    assert figures_of(frame, "change-career") == (1, 0)

    fresh = await visitor()
    hello_figures = [status for status in fresh.seen[-1]["poles"]
                     if status["slug"] == "change-career"]
    assert [(s["counsellors_online"], s["counsellors_available"]) for s in hello_figures] \
        == [(1, 0)]
    for client in (watcher, hugo, guest, fresh):
        await client.close()
