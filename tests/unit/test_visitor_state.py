"""The visitor's screen as the desk computes it (chat/snapshots.py visitor_state)."""

from __future__ import annotations

from chat.core import desk
from chat.core.model import DeskState
from chat.core.testing import join, online
from chat.snapshots import visitor_state

NOW = 1_000_000.0


def test_the_live_state_of_a_blocked_visitor_says_until_when() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "tok", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="tok", conversation_id="k1", now=NOW)
    desk.visitor_block(state, counsellor_id="c1", conversation_id="k1", hours=2, now=NOW)
    shown = visitor_state(state, "tok")
    assert (shown.status, shown.blocked_until) == ("idle", NOW + 2 * 3600)


def test_the_state_of_an_unblocked_visitor_has_no_block() -> None:
    assert visitor_state(DeskState(), "tok").blocked_until is None
    assert visitor_state(DeskState(), None).blocked_until is None
