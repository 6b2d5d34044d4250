"""Property-based fuzzing of the sockets: whatever a client sends, the desk answers in protocol.

Arbitrary text (JSON-ish values, frames a little wrong, valid frames, garbage) and bytes go to
a visitor socket holding a place and to a counsellor socket on shift, through the real
consumers. Properties: every answer is a frame of SERVER_FRAMES whose error codes are in
chat/codes.py; the socket still answers a ping unless it was closed with a documented code;
and once the socket is closed its presence is released: the desk's state (read through the
store) no longer holds the visitor as connected, and a maintenance step no longer renews the
visitor's or the counsellor's lease.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat.frames import SERVER_FRAMES
from chat.presence import presence
from chat.runtime import desk_runtime
from tests.frame_inputs import texts
from tests.integration.desk_client import DeskClient
from tests.integration.people import counsellor, waiting_visitor
from virtualcite.realtime.errors import documented_codes
from virtualcite.realtime.protocol import CloseCode
from virtualcite.realtime.runtime import reset_runtime

pytestmark = pytest.mark.usefixtures("live_desk")

DOCUMENTED_CLOSES = {int(code) for code in CloseCode}
ERROR_CODES = documented_codes()
# A fresh desk per example keeps examples apart; the live_desk fixture's database and
# directory stay (no example writes to them), hence the health check.
FUZZ_SETTINGS = settings(max_examples=30, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


def inputs(route: str) -> st.SearchStrategy[list[tuple[str, Any]]]:
    """A few websocket messages: mostly text frames, sometimes binary."""
    message = st.tuples(st.just("text"), texts(route)) | st.tuples(st.just("bytes"),
                                                                  st.binary(max_size=64))
    return st.lists(message, min_size=1, max_size=6)


async def fresh_desk() -> None:
    await presence.stop()
    await reset_runtime()


async def send_all(client: DeskClient, messages: list[tuple[str, Any]]) -> None:
    """Each message as daphne hands it to the consumer (empty ones included)."""
    for kind, payload in messages:
        await client.communicator.send_input({"type": "websocket.receive", kind: payload})


async def answers_until_pong(client: DeskClient) -> tuple[list[str], int | None]:
    """Send a ping; read until its pong or a close. Problems seen, and the close code."""
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
            SERVER_FRAMES.validate_python(frame)
        except ValueError:
            problems.append(f"a frame outside the protocol: {frame.get('type')!r}")
        if frame["type"] == "error" and frame["code"] not in ERROR_CODES:
            problems.append(f"an undocumented error code {frame['code']!r}")
        if frame["type"] == "pong":
            return problems, None
    return [*problems, "no pong and no close"], None


async def lease_renewed(read_lease: Any) -> bool:
    """Whether one maintenance step of this process extends the lease `read_lease` reads."""
    before = read_lease(await desk_runtime().store.read())
    await presence.maintain_once()
    after = read_lease(await desk_runtime().store.read())
    return before is not None and after is not None and after > before


@FUZZ_SETTINGS
@given(messages=inputs("visitor"))
async def test_a_visitor_socket_answers_anything_in_protocol_and_lets_go_when_closed(
        messages: list[tuple[str, Any]]) -> None:
    await fresh_desk()
    guest, token = await waiting_visitor()
    await send_all(guest, messages)
    problems, closed = await answers_until_pong(guest)
    if closed is None:
        await guest.close()

    def ticket_lease(state: Any) -> float | None:
        ticket = state.tickets.get(token)
        return None if ticket is None else ticket.lease_expires_at

    state = await desk_runtime().store.read()
    ticket = state.tickets.get(token)
    if ticket is not None and ticket.disconnected_at is None:
        problems.append("the desk still counts the closed page as connected")
    if await lease_renewed(ticket_lease):
        problems.append("a maintenance step still renews the closed page's lease")
    assert problems == []


@FUZZ_SETTINGS
@given(messages=inputs("counsellor"))
async def test_a_counsellor_socket_answers_anything_in_protocol_and_lets_go_when_closed(
        messages: list[tuple[str, Any]]) -> None:
    await fresh_desk()
    camille = await counsellor("camille", ["find-a-job"])
    await send_all(camille, messages)
    problems, closed = await answers_until_pong(camille)
    if closed is None:
        await camille.close()

    def counsellor_lease(state: Any) -> float | None:
        on_shift = state.counsellors.get(camille.me_id)
        return None if on_shift is None else on_shift.lease_expires_at

    if await lease_renewed(counsellor_lease):
        problems.append("a maintenance step still renews the closed desk's lease")
    assert problems == []
