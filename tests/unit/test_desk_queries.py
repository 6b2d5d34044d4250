"""Selectors read the desk without changing it."""

from __future__ import annotations

import copy

from chat.core import desk
from chat.core.model import DeskState
from chat.core.queries import pole_load, queue_of, queue_position
from chat.core.testing import heartbeat_everyone, join, online

NOW = 1_000_000.0


def test_the_queue_puts_requeued_visitors_first_then_by_arrival() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "first", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="first", conversation_id="k", now=NOW)
    join(state, "second", "emploi", now=NOW + 1)
    join(state, "third", "emploi", now=NOW + 2)
    heartbeat_everyone(state, now=NOW + 10)
    desk.visitor_heartbeat(state, token="second", now=NOW + 20)
    desk.visitor_heartbeat(state, token="third", now=NOW + 20)
    desk.visitor_heartbeat(state, token="first", now=NOW + 20)
    desk.tick(state, now=NOW + 30)  # c1 is lost: "first" goes back to the head
    assert [t.token for t in queue_of(state, "emploi")] == ["first", "second", "third"]
    assert queue_position(state, "first") == 1
    assert queue_position(state, "third") == 3


def test_a_visitor_in_conversation_has_no_position() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k", now=NOW)
    assert queue_position(state, "a") is None
    assert queue_position(state, "nobody") is None


def test_the_pole_load_of_an_empty_pole() -> None:
    load = pole_load(DeskState(), "emploi", NOW)
    assert (load.waiting, load.longest_wait, load.counsellors_online) == (0, 0.0, 0)
    assert load.estimate_seconds is None


def test_selectors_do_not_change_the_state() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW)
    before = copy.deepcopy(state)
    queue_position(state, "b")
    pole_load(state, "emploi", NOW + 5000)
    queue_of(state, "emploi")
    assert state == before
