"""A waiting visitor's place only moves forward, unless someone is put back ahead of them."""

from __future__ import annotations

from chat.core import desk
from chat.core.events import PositionChanged
from chat.core.model import DeskState
from chat.core.reasons import PositionReason
from chat.core.testing import join, of_kind, online

NOW = 1_000_000.0


def test_a_visitor_requeued_ahead_moves_the_others_back_and_says_why() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "x", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="x", conversation_id="k1", now=NOW + 1)
    join(state, "a", "emploi", now=NOW + 2)
    join(state, "b", "emploi", now=NOW + 3)
    for token in ("x", "a", "b"):
        desk.visitor_heartbeat(state, token=token, now=NOW + 15)
    # c1's lease runs out: x goes back to the head of the queue, ahead of a and b.
    events = desk.tick(state, now=NOW + 25)
    moved = {e.token: e for e in of_kind(events, PositionChanged)}
    assert (moved["a"].position, moved["a"].reason) == (2, PositionReason.REQUEUED_AHEAD)
    assert (moved["b"].position, moved["b"].reason) == (3, PositionReason.REQUEUED_AHEAD)
    assert moved["x"].reason is None  # x was not waiting before: nothing went back for them


def test_places_that_move_forward_carry_no_reason() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW + 1)
    events = desk.visitor_leave(state, token="a", now=NOW + 2)
    assert [(e.token, e.position, e.reason) for e in of_kind(events, PositionChanged)] == [
        ("b", 1, None)]
