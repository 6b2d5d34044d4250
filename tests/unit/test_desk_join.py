"""A visitor takes a ticket, or is told why not."""

from __future__ import annotations

import copy

import pytest

from chat.core import desk, errors
from chat.core.events import VisitorLeft, VisitorQueued
from chat.core.model import DeskState, PolePolicy, TicketStatus
from chat.core.queries import queue_position
from chat.core.testing import join, of_kind, open_poles

NOW = 1_000_000.0


def test_a_visitor_joins_the_end_of_the_queue() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    events = join(state, "b", "emploi", now=NOW + 1)
    assert events[0] == VisitorQueued(token="b", pole="emploi", position=2)
    assert state.tickets["b"].status is TicketStatus.WAITING
    assert queue_position(state, "b") == 2


def test_an_unknown_pole_is_refused() -> None:
    with pytest.raises(errors.UnknownPole):
        join(DeskState(), "a", "astrologie", now=NOW, policies=open_poles("emploi"))


def test_a_closed_pole_is_refused_and_says_when_it_opens() -> None:
    policies = {"emploi": PolePolicy(slug="emploi", capacity=10, is_open=False, opens_at=NOW + 60)}
    with pytest.raises(errors.PoleClosed) as refused:
        join(DeskState(), "a", "emploi", now=NOW, policies=policies)
    assert refused.value.opens_at == NOW + 60
    assert refused.value.code == "pole_closed"


def test_a_full_queue_is_refused() -> None:
    state = DeskState()
    policies = open_poles("emploi", capacity=2)
    join(state, "a", "emploi", now=NOW, policies=policies)
    join(state, "b", "emploi", now=NOW, policies=policies)
    with pytest.raises(errors.QueueFull):
        join(state, "c", "emploi", now=NOW, policies=policies)


def test_a_blocked_token_is_refused_until_the_block_ends() -> None:
    state = DeskState(blocked={"a": NOW + 10})
    with pytest.raises(errors.TokenBlocked) as refused:
        join(state, "a", "emploi", now=NOW)
    assert refused.value.until == NOW + 10
    join(state, "a", "emploi", now=NOW + 10)
    assert "a" in state.tickets


def test_joining_twice_with_one_token_is_refused() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    with pytest.raises(errors.AlreadyQueued):
        join(state, "a", "emploi", now=NOW + 1)


def test_a_refusal_leaves_the_state_untouched() -> None:
    state = DeskState()
    policies = open_poles("emploi", capacity=1)
    join(state, "a", "emploi", now=NOW, policies=policies)
    before = copy.deepcopy(state)
    with pytest.raises(errors.QueueFull):
        join(state, "b", "emploi", now=NOW, policies=policies)
    assert state == before


def test_a_visitor_who_leaves_the_queue_counts_as_an_abandonment() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW)
    events = desk.visitor_leave(state, token="a", now=NOW + 42)
    assert of_kind(events, VisitorLeft) == [
        VisitorLeft(token="a", pole="emploi", waited=42.0, reason="left")
    ]
    assert "a" not in state.tickets
    assert queue_position(state, "b") == 1


def test_leaving_with_an_unknown_token_is_refused() -> None:
    with pytest.raises(errors.UnknownTicket):
        desk.visitor_leave(DeskState(), token="ghost", now=NOW)
