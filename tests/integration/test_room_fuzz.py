"""Property-based fuzzing of the room sockets, as tests/integration/test_frame_fuzz.py does
the desk's: whatever a client sends, the room answers in protocol, and a closed socket lets
go of its seat (the grace period starts; no maintenance step renews its lease)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rooms.frames import ROOM_SERVER_FRAMES
from rooms.presence import presence
from rooms.runtime import rooms_runtime
from tests.frame_inputs import texts
from tests.integration.desk_client import DeskClient
from tests.integration.room_people import ROOM, facilitator, seated
from virtualcite.realtime.errors import documented_codes
from virtualcite.realtime.protocol import CloseCode
from virtualcite.realtime.runtime import reset_runtime

pytestmark = pytest.mark.usefixtures("live_desk")

DOCUMENTED_CLOSES = {int(code) for code in CloseCode}
FUZZ_SETTINGS = settings(max_examples=25, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


def inputs(route: str) -> st.SearchStrategy[list[tuple[str, Any]]]:
    message = st.tuples(st.just("text"), texts(route)) | st.tuples(st.just("bytes"),
                                                                  st.binary(max_size=64))
    return st.lists(message, min_size=1, max_size=6)


async def fresh_rooms() -> None:
    await presence.stop()
    await reset_runtime()


async def answers_until_pong(client: DeskClient, messages: list[tuple[str, Any]]
                             ) -> tuple[list[str], int | None]:
    for kind, payload in messages:
        await client.communicator.send_input({"type": "websocket.receive", kind: payload})
    problems: list[str] = []
    await client.send(type="ping")
    for _ in range(200):
        try:
            output = await client.communicator.receive_output(timeout=3)
        except Exception as crash:  # the consumer raised: it never answered in protocol
            return [*problems, f"the consumer crashed: {type(crash).__name__}"], 1011
        if output["type"] == "websocket.close":
            if output.get("code") not in DOCUMENTED_CLOSES:
                problems.append(f"closed with the undocumented code {output.get('code')}")
            return problems, output.get("code")
        frame = json.loads(output["text"])
        try:
            ROOM_SERVER_FRAMES.validate_python(frame)
        except ValueError:
            problems.append(f"a frame outside the protocol: {frame.get('type')!r}")
        if frame["type"] == "error" and frame["code"] not in documented_codes():
            problems.append(f"an undocumented error code {frame['code']!r}")
        if frame["type"] == "pong":
            return problems, None
    return [*problems, "no pong and no close"], None


@FUZZ_SETTINGS
@given(messages=inputs("participant"))
async def test_a_participant_socket_answers_anything_in_protocol_and_lets_go_when_closed(
        messages: list[tuple[str, Any]]) -> None:
    await fresh_rooms()
    nadia = await facilitator()
    guest, welcome = await seated()
    token = welcome["token"]
    problems, closed = await answers_until_pong(guest, messages)
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
    problems, closed = await answers_until_pong(nadia, messages)
    if closed is None:
        await nadia.close()
    assert problems == []
