"""Property-based fuzzing of the sockets: whatever a client sends, the desk answers in protocol.

Arbitrary text (JSON-ish values, frames a little wrong, valid frames, garbage) and bytes go to
a visitor socket holding a place and to a counsellor socket on shift, through the real
consumers. Properties: every answer is a frame of SERVER_FRAMES whose error codes are
documented (virtualcite/realtime/errors.py); the socket still answers a ping unless it was
closed with a documented code; and once the socket is closed its presence is released: the
desk's state (read through the store) no longer holds the visitor as connected, and a
maintenance step no longer renews the visitor's or the counsellor's lease.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from chat.presence import presence
from chat.runtime import desk_runtime
from tests.integration.fuzzing import FUZZ_SETTINGS, answers_until_pong, inputs, send_all
from tests.integration.people import counsellor, waiting_visitor
from virtualcite.realtime.runtime import reset_runtime

pytestmark = pytest.mark.usefixtures("live_desk")

async def fresh_desk() -> None:
    await presence.stop()
    await reset_runtime()


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
