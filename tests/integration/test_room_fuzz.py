"""Property-based fuzzing of the room sockets, as tests/integration/test_frame_fuzz.py does
the desk's: whatever a client sends, the room answers in protocol, and a closed socket lets
go of its seat (the grace period starts; no maintenance step renews its lease)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from rooms.presence import presence
from rooms.runtime import rooms_runtime
from tests.integration.fuzzing import FUZZ_SETTINGS, answers_until_pong, inputs, send_all
from tests.integration.room_people import ROOM, facilitator, seated
from virtualcite.realtime.runtime import reset_runtime

pytestmark = pytest.mark.usefixtures("live_desk")

async def fresh_rooms() -> None:
    await presence.stop()
    await reset_runtime()


@FUZZ_SETTINGS
@given(messages=inputs("participant"))
async def test_a_participant_socket_answers_anything_in_protocol_and_lets_go_when_closed(
        messages: list[tuple[str, Any]]) -> None:
    await fresh_rooms()
    nadia = await facilitator()
    guest, welcome = await seated()
    token = welcome["token"]
    await send_all(guest, messages)
    problems, closed = await answers_until_pong(guest)
    if closed is None:
        await guest.close()

    state = await rooms_runtime().store(ROOM).read()
    still = state.participants.get(token)
    if still is not None and still.away_since is None:
        problems.append("the room still counts the closed page as there")
    if still is not None:
        before = still.lease_until
        await presence.maintain_once()
        after = (await rooms_runtime().store(ROOM).read()).participants.get(token)
        if after is not None and after.lease_until > before:
            problems.append("a maintenance step still renews the closed page's lease")
    await nadia.close()
    assert problems == []


@FUZZ_SETTINGS
@given(messages=inputs("facilitator"))
async def test_a_facilitator_socket_answers_anything_in_protocol(
        messages: list[tuple[str, Any]]) -> None:
    await fresh_rooms()
    nadia = await facilitator()
    await send_all(nadia, messages)
    problems, closed = await answers_until_pong(nadia)
    if closed is None:
        await nadia.close()
    assert problems == []
