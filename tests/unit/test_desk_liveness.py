"""Liveness: leases, grace periods and lost counsellors; nobody waits for a ghost."""

from __future__ import annotations

import contextlib
import copy

import pytest

from chat.core import desk, errors
from chat.core.events import (
    ConversationEnded,
    CounsellorLeftConversation,
    CounsellorLost,
    Event,
    OfferWithdrawn,
    PositionChanged,
    VisitorDisconnected,
    VisitorLeft,
    VisitorRequeued,
    VisitorResumed,
)
from chat.core.model import DeskState, TicketStatus
from chat.core.queries import queue_position
from chat.core.testing import heartbeat_everyone, join, of_kind, offers, online

NOW = 1_000_000.0


def test_a_disconnected_visitor_keeps_their_place_during_the_grace_period() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW + 1)
    events = desk.visitor_disconnect(state, token="a", now=NOW + 2)
    assert events == [VisitorDisconnected(token="a", pole="emploi", grace_until=NOW + 62)]
    desk.visitor_heartbeat(state, token="b", now=NOW + 15)
    desk.tick(state, now=NOW + 30)
    assert queue_position(state, "a") == 1


def test_resuming_within_the_grace_period_restores_the_ticket_and_announces_the_place() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    desk.visitor_disconnect(state, token="a", now=NOW + 2)
    events = desk.visitor_resume(state, token="a", now=NOW + 50)
    assert events[0] == VisitorResumed(token="a", pole="emploi")
    assert of_kind(events, PositionChanged) == [
        PositionChanged(token="a", pole="emploi", position=1, estimate_seconds=None)
    ]
    assert state.tickets["a"].disconnected_at is None


def test_resuming_after_the_grace_period_is_refused_even_before_the_tick() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    desk.visitor_disconnect(state, token="a", now=NOW + 2)
    with pytest.raises(errors.UnknownTicket):
        desk.visitor_resume(state, token="a", now=NOW + 62)


def test_a_visitor_gone_past_the_grace_period_leaves_the_queue_as_lost() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    desk.visitor_disconnect(state, token="a", now=NOW + 2)
    events = desk.tick(state, now=NOW + 62)
    assert of_kind(events, VisitorLeft) == [
        VisitorLeft(token="a", pole="emploi", waited=62.0, reason="lost")
    ]
    assert state.tickets == {}


def test_an_expired_visitor_lease_starts_the_grace_period_at_its_expiry() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    events = desk.tick(state, now=NOW + 25)
    assert of_kind(events, VisitorDisconnected) == [
        VisitorDisconnected(token="a", pole="emploi", grace_until=NOW + 20 + 60)
    ]
    desk.tick(state, now=NOW + 79)
    assert "a" in state.tickets
    desk.tick(state, now=NOW + 80)
    assert "a" not in state.tickets


def test_a_disconnected_visitor_loses_their_pending_offer() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    events = desk.visitor_disconnect(state, token="a", now=NOW + 1)
    assert of_kind(events, OfferWithdrawn) == [
        OfferWithdrawn(token="a", counsellor_id="c1", reason="visitor_disconnected")
    ]
    assert state.counsellors["c1"].offered_tokens == []


def test_a_conversation_stays_open_during_the_grace_period_and_ends_after_it() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW)
    desk.visitor_disconnect(state, token="a", now=NOW + 5)
    desk.counsellor_heartbeat(state, counsellor_id="c1", now=NOW + 15)
    desk.tick(state, now=NOW + 20)
    assert "k1" in state.conversations
    desk.counsellor_heartbeat(state, counsellor_id="c1", now=NOW + 30)
    desk.counsellor_heartbeat(state, counsellor_id="c1", now=NOW + 50)
    events = desk.tick(state, now=NOW + 65)
    assert of_kind(events, ConversationEnded)[0].reason == "visitor_lost"  # type: ignore[attr-defined]
    assert state.tickets == {} and state.conversations == {}
    assert of_kind(events, VisitorLeft) == []  # served, not an abandonment


def test_a_lost_counsellors_visitors_go_back_to_the_head_of_the_queue() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW + 1)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW + 2)
    join(state, "earlier-than-nobody", "emploi", now=NOW + 3)
    heartbeat_everyone(state, now=NOW + 15)
    desk.counsellor_heartbeat(state, counsellor_id="c1", now=NOW + 5)  # its last heartbeat
    events = desk.tick(state, now=NOW + 25)
    assert of_kind(events, CounsellorLost) == [
        CounsellorLost(counsellor_id="c1", requeued_tokens=("a",))
    ]
    assert of_kind(events, ConversationEnded)[0].reason == "counsellor_lost"  # type: ignore[attr-defined]
    assert of_kind(events, VisitorRequeued) == [
        VisitorRequeued(token="a", pole="emploi", reason="counsellor_lost")
    ]
    ticket = state.tickets["a"]
    assert (ticket.status, ticket.requeued, ticket.arrived_at) == (
        TicketStatus.WAITING,
        True,
        NOW + 1,
    )
    assert queue_position(state, "a") == 1
    assert "c1" not in state.counsellors
    assert offers(online(state, "c2", poles=["emploi"], now=NOW + 26)) == [("a", "c2")]


def test_a_lost_counsellors_pending_offers_pass_on() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    online(state, "c2", poles=["emploi"], now=NOW + 10)
    desk.visitor_heartbeat(state, token="a", now=NOW + 15)
    events = desk.tick(state, now=NOW + 20)
    assert of_kind(events, OfferWithdrawn) == [
        OfferWithdrawn(token="a", counsellor_id="c1", reason="counsellor_lost")
    ]
    assert offers(events) == [("a", "c2")]


def test_a_lost_invited_colleague_leaves_the_conversation_running() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    online(state, "c2", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW)
    desk.conversation_invite(
        state, conversation_id="k1", counsellor_id="c1", invitee_id="c2", now=NOW
    )
    desk.visitor_heartbeat(state, token="a", now=NOW + 15)
    desk.counsellor_heartbeat(state, counsellor_id="c1", now=NOW + 15)
    events = desk.tick(state, now=NOW + 20)
    assert of_kind(events, CounsellorLeftConversation) == [
        CounsellorLeftConversation(
            conversation_id="k1", token="a", counsellor_id="c2", lead_id="c1", reason="lost",
            display_name="C2", institution="APEC",
        )
    ]
    assert state.conversations["k1"].counsellor_ids == ["c1"]


def test_a_counsellor_whose_lease_ran_out_is_not_offered_anyone_even_before_the_tick() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    assert offers(join(state, "a", "emploi", now=NOW + 20)) == []


def test_a_heartbeat_keeps_a_visitor_in_the_queue() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    for second in range(10, 200, 10):
        desk.visitor_heartbeat(state, token="a", now=NOW + second)
        desk.tick(state, now=NOW + second)
    assert state.tickets["a"].disconnected_at is None


def test_a_process_step_renews_its_sockets_leases_like_one_heartbeat_each_then_a_tick() -> None:
    state = DeskState()
    online(state, "cora", poles=["emploi"], capacity=1, now=NOW)
    for index, token in enumerate(("a", "b", "c", "d")):
        join(state, token, "emploi", now=NOW + index)
    desk.visitor_disconnect(state, token="c", now=NOW + 30)  # back within the grace period
    desk.visitor_disconnect(state, token="d", now=NOW + 5)  # its grace runs out at NOW + 65
    one_by_one = copy.deepcopy(state)
    later = NOW + 66
    expected: list[Event] = []
    for token in ("a", "b", "c", "d"):
        with contextlib.suppress(errors.UnknownTicket):
            expected += desk.visitor_heartbeat(one_by_one, token=token, now=later)
    expected += desk.counsellor_heartbeat(one_by_one, counsellor_id="cora", now=later)
    expected += desk.tick(one_by_one, now=later)

    events = desk.maintain(state, tokens=["a", "b", "c", "d", "gone"],
                           counsellor_ids=["cora", "gone"], now=later)

    assert state == one_by_one
    assert sorted(map(repr, events)) == sorted(map(repr, expected))
    assert state.tickets["c"].disconnected_at is None
    assert "d" not in state.tickets


def test_a_process_step_keeps_a_returning_visitor_ahead_whatever_the_order_of_its_sockets() -> None:
    """The stateful suite's shrunk failure: the step renewed "b" first, routed, and offered
    "b" before it renewed "a", who had arrived first and was back from a disconnection."""
    for sockets in (["b", "a"], ["a", "b"]):
        state = DeskState()
        online(state, "cora", poles=["emploi"], capacity=1, now=NOW)
        join(state, "a", "emploi", now=NOW + 1)  # offered to cora at once
        join(state, "b", "emploi", now=NOW + 2)
        later = NOW + 23  # every lease has run out
        desk.counsellor_heartbeat(state, counsellor_id="cora", now=later)
        desk.visitor_disconnect(state, token="a", now=later)  # the offer is withdrawn

        events = desk.maintain(state, tokens=sockets, counsellor_ids=[], now=later)

        assert offers(events) == [("a", "cora")], sockets
        assert queue_position(state, "b") == 2
