"""What the socket fuzz tests share (test_frame_fuzz.py, test_room_fuzz.py): the inputs, and
the check that a socket answered them in protocol."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.frame_inputs import texts
from tests.integration.desk_client import DeskClient
from virtualcite.realtime.errors import documented_codes
from virtualcite.realtime.protocol import CloseCode

DOCUMENTED_CLOSES = {int(code) for code in CloseCode}
# A fresh store per example keeps examples apart; the live_desk fixture's database and
# directory stay (no example writes to them), hence the health check.
FUZZ_SETTINGS = settings(max_examples=30, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


def inputs(route: str) -> st.SearchStrategy[list[tuple[str, Any]]]:
    """A few websocket messages: mostly text frames, sometimes binary."""
    message = st.tuples(st.just("text"), texts(route)) | st.tuples(st.just("bytes"),
                                                                  st.binary(max_size=64))
    return st.lists(message, min_size=1, max_size=6)


async def send_all(client: DeskClient, messages: list[tuple[str, Any]]) -> None:
    """Each message as daphne hands it to the consumer (empty ones included)."""
    for kind, payload in messages:
        await client.communicator.send_input({"type": "websocket.receive", kind: payload})


async def answers_until_pong(client: DeskClient) -> tuple[list[str], int | None]:
    """Send a ping; read until its pong or a close. Problems seen, and the close code.

    Every frame must be one of the route's server frames (`client.frames`), every error code
    and close code a documented one."""
    problems: list[str] = []
    await client.send(type="ping")
    for _ in range(200):
        try:
            output = await client.communicator.receive_output(timeout=3)
        except Exception as crash:  # the consumer raised: it never answered in protocol
            return [*problems, f"the consumer crashed: {type(crash).__name__}"], 1011
        if output["type"] == "websocket.close":
            code = output.get("code")
            if code not in DOCUMENTED_CLOSES:
                problems.append(f"closed with the undocumented code {code}")
            return problems, code
        frame = json.loads(output["text"])
        try:
            client.frames.validate_python(frame)
        except ValueError:
            problems.append(f"a frame outside the protocol: {frame.get('type')!r}")
        if frame["type"] == "error" and frame["code"] not in documented_codes():
            problems.append(f"an undocumented error code {frame['code']!r}")
        if frame["type"] == "pong":
            return problems, None
    return [*problems, "no pong and no close"], None
