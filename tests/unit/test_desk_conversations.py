"""Conversations: end, transfer, invite, leave, block."""

from __future__ import annotations

import pytest

from chat.core import desk, errors
from chat.core.events import (
    ConversationEnded,
    ConversationTransferred,
    CounsellorInvited,
    CounsellorLeftConversation,
    OfferMade,
    VisitorBlocked,
)
from chat.core.model import DeskState, PolePolicy, TicketStatus
from chat.core.queries import queue_position
from chat.core.testing import join, of_kind, offers, online, open_poles

NOW = 1_000_000.0
POLICIES = open_poles("emploi", "formation")


def talking() -> DeskState:
    """Visitor "a" (arrived at NOW) in conversation "k1" with c1 (CIDJ) since NOW + 10."""
    state = DeskState()
    online(state, "c1", poles=["emploi"], capacity=2, institution="CIDJ", now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW + 10)
    return state


def test_the_visitor_ends_the_conversation_and_frees_the_slot() -> None:
    state = talking()
    events = desk.conversation_end(
        state, conversation_id="k1", ended_by="visitor", outcome_tags=["cv"], now=NOW + 70
    )
    assert events == [
        ConversationEnded(
            conversation_id="k1",
            token="a",
            pole="emploi",
            counsellor_ids=("c1",),
            institutions=("CIDJ",),
            waited=10.0,
            duration=60.0,
            reason="visitor",
            outcome_tags=("cv",),
        )
    ]
    assert state.conversations == {}
    assert "a" not in state.tickets
    assert state.counsellors["c1"].conversation_ids == []
    assert state.counsellors["c1"].idle_since == NOW + 70


def test_a_freed_slot_is_offered_to_the_next_visitor() -> None:
    state = talking()
    desk.counsellor_online(
        state,
        counsellor_id="c1",
        display_name="C1",
        institution="CIDJ",
        poles=["emploi"],
        capacity=1,
        now=NOW + 11,
    )
    join(state, "b", "emploi", now=NOW + 12)
    events = desk.conversation_end(state, conversation_id="k1", ended_by="c1", now=NOW + 13)
    assert offers(events) == [("b", "c1")]


def test_only_a_counsellor_of_the_conversation_may_end_it() -> None:
    state = talking()
    online(state, "c2", poles=["emploi"], now=NOW)
    with pytest.raises(errors.NotInConversation):
        desk.conversation_end(state, conversation_id="k1", ended_by="c2", now=NOW)
    with pytest.raises(errors.UnknownConversation):
        desk.conversation_end(state, conversation_id="nope", ended_by="c1", now=NOW)


def test_a_transfer_keeps_the_original_arrival_time() -> None:
    state = talking()
    join(state, "early-in-formation", "formation", now=NOW - 5, policies=POLICIES)
    join(state, "later-in-formation", "formation", now=NOW + 5, policies=POLICIES)
    events = desk.conversation_transfer(
        state,
        conversation_id="k1",
        counsellor_id="c1",
        to_pole="formation",
        note=None,
        policies=POLICIES,
        now=NOW + 100,
    )
    assert of_kind(events, ConversationTransferred) == [
        ConversationTransferred(
            conversation_id="k1",
            token="a",
            from_pole="emploi",
            to_pole="formation",
            counsellor_id="c1",
        )
    ]
    assert of_kind(events, ConversationEnded)[0].reason == "transferred"  # type: ignore[attr-defined]
    ticket = state.tickets["a"]
    assert (ticket.pole, ticket.status, ticket.arrived_at) == (
        "formation",
        TicketStatus.WAITING,
        NOW,
    )
    assert queue_position(state, "a") == 2
    assert state.counsellors["c1"].conversation_ids == []


def test_a_handover_note_reaches_the_next_counsellor_and_is_then_discarded() -> None:
    state = talking()
    online(state, "f1", poles=["formation"], now=NOW + 11)
    events = desk.conversation_transfer(
        state,
        conversation_id="k1",
        counsellor_id="c1",
        to_pole="formation",
        note="wants a VAE",
        policies=POLICIES,
        now=NOW + 12,
    )
    offer = of_kind(events, OfferMade)[0]
    assert offer.handover_note == "wants a VAE"  # type: ignore[attr-defined]
    assert offer.transferred_from == "emploi"  # type: ignore[attr-defined]
    desk.offer_accept(state, counsellor_id="f1", token="a", conversation_id="k2", now=NOW + 13)
    assert state.tickets["a"].handover_note is None


def test_a_transfer_to_the_same_pole_is_refused() -> None:
    state = talking()
    with pytest.raises(errors.SamePole):
        desk.conversation_transfer(
            state,
            conversation_id="k1",
            counsellor_id="c1",
            to_pole="emploi",
            note=None,
            policies=POLICIES,
            now=NOW,
        )


def test_a_transfer_to_a_closed_pole_is_refused_and_the_conversation_goes_on() -> None:
    state = talking()
    closed = {**POLICIES, "formation": PolePolicy("formation", 10, False, NOW + 3600)}
    with pytest.raises(errors.PoleClosed):
        desk.conversation_transfer(
            state,
            conversation_id="k1",
            counsellor_id="c1",
            to_pole="formation",
            note=None,
            policies=closed,
            now=NOW,
        )
    assert "k1" in state.conversations


def test_a_colleague_of_another_institution_can_be_invited() -> None:
    state = talking()
    online(state, "c2", poles=["creation"], institution="BGE", now=NOW)
    events = desk.conversation_invite(
        state, conversation_id="k1", counsellor_id="c1", invitee_id="c2", now=NOW + 11
    )
    assert events == [
        CounsellorInvited(
            conversation_id="k1",
            token="a",
            counsellor_id="c2",
            display_name="C2",
            institution="BGE",
            invited_by="c1",
        )
    ]
    assert state.conversations["k1"].counsellor_ids == ["c1", "c2"]
    assert state.counsellors["c2"].conversation_ids == ["k1"]


def test_inviting_oneself_is_refused() -> None:
    state = talking()
    with pytest.raises(errors.CannotInviteSelf):
        desk.conversation_invite(
            state, conversation_id="k1", counsellor_id="c1", invitee_id="c1", now=NOW
        )


@pytest.mark.parametrize("why", ["off_shift", "paused", "full"])
def test_an_unavailable_colleague_cannot_be_invited(why: str) -> None:
    state = talking()
    if why != "off_shift":
        online(state, "c2", poles=["creation"], now=NOW)
    if why == "paused":
        desk.counsellor_pause(state, counsellor_id="c2", now=NOW)
    if why == "full":
        join(state, "b", "creation", now=NOW)  # offered to c2: their only slot is taken
    with pytest.raises(errors.InviteeUnavailable):
        desk.conversation_invite(
            state, conversation_id="k1", counsellor_id="c1", invitee_id="c2", now=NOW
        )


def test_an_invited_colleague_leaves_and_the_conversation_goes_on() -> None:
    state = talking()
    online(state, "c2", poles=["creation"], now=NOW)
    desk.conversation_invite(
        state, conversation_id="k1", counsellor_id="c1", invitee_id="c2", now=NOW
    )
    events = desk.conversation_leave(state, conversation_id="k1", counsellor_id="c1", now=NOW + 5)
    assert events == [
        CounsellorLeftConversation(
            conversation_id="k1", token="a", counsellor_id="c1", lead_id="c2", reason="left",
            display_name="C1", institution="CIDJ",
        )
    ]
    assert state.conversations["k1"].counsellor_ids == ["c2"]
    assert state.counsellors["c1"].conversation_ids == []


def test_the_last_counsellor_leaving_ends_the_conversation() -> None:
    state = talking()
    events = desk.conversation_leave(state, conversation_id="k1", counsellor_id="c1", now=NOW + 5)
    assert of_kind(events, ConversationEnded)[0].reason == "counsellor"  # type: ignore[attr-defined]
    assert "a" not in state.tickets


def test_blocking_ends_the_conversation_and_refuses_the_token_for_hours() -> None:
    state = talking()
    events = desk.visitor_block(
        state, conversation_id="k1", counsellor_id="c1", hours=2, now=NOW + 20
    )
    assert of_kind(events, ConversationEnded)[0].reason == "blocked"  # type: ignore[attr-defined]
    assert of_kind(events, VisitorBlocked) == [VisitorBlocked(token="a", until=NOW + 20 + 7200)]
    with pytest.raises(errors.TokenBlocked):
        join(state, "a", "emploi", now=NOW + 7000)
    desk.tick(state, now=NOW + 7220)
    assert state.blocked == {}
    join(state, "a", "emploi", now=NOW + 7220)


def test_a_block_needs_a_positive_duration() -> None:
    state = talking()
    with pytest.raises(errors.InvalidBlockDuration):
        desk.visitor_block(state, conversation_id="k1", counsellor_id="c1", hours=0, now=NOW)
