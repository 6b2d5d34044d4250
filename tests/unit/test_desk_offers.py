"""Offers: accept within the time limit, or the visitor passes on, keeping their place."""

from __future__ import annotations

import pytest

from chat.core import desk, errors
from chat.core.events import ConversationStarted, CounsellorPaused, OfferExpired
from chat.core.model import CounsellorStatus, DeskConfig, DeskState, TicketStatus
from chat.core.testing import heartbeat_everyone, join, of_kind, offered_desk, offers, online

NOW = 1_000_000.0


def test_accepting_an_offer_starts_a_conversation() -> None:
    state = offered_desk(NOW)
    events = desk.offer_accept(
        state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW + 12
    )
    assert of_kind(events, ConversationStarted) == [
        ConversationStarted(
            conversation_id="k1",
            token="a",
            pole="emploi",
            counsellor_id="c1",
            display_name="C1",
            institution="CIDJ",
            waited=12.0,
            transferred_from=None,
        )
    ]
    assert state.tickets["a"].status is TicketStatus.IN_CONVERSATION
    assert state.counsellors["c1"].conversation_ids == ["k1"]
    assert state.counsellors["c1"].offered_tokens == []
    assert state.served["emploi"] == [NOW + 12]


def test_an_offer_made_to_someone_else_cannot_be_accepted() -> None:
    state = offered_desk(NOW)
    online(state, "c2", poles=["emploi"], now=NOW)
    with pytest.raises(errors.NoSuchOffer):
        desk.offer_accept(state, counsellor_id="c2", token="a", conversation_id="k1", now=NOW)


def test_an_offer_past_its_deadline_cannot_be_accepted_even_before_the_tick() -> None:
    state = offered_desk(NOW)
    with pytest.raises(errors.NoSuchOffer):
        desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k", now=NOW + 30)


def test_a_conversation_id_already_in_use_is_refused() -> None:
    state = offered_desk(NOW)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW)
    online(state, "c2", poles=["emploi"], now=NOW)
    join(state, "b", "emploi", now=NOW)
    with pytest.raises(errors.ConversationIdInUse):
        desk.offer_accept(state, counsellor_id="c2", token="b", conversation_id="k1", now=NOW)


def test_an_offer_that_times_out_passes_to_the_next_counsellor() -> None:
    state = offered_desk(NOW)
    online(state, "c2", poles=["emploi"], now=NOW + 1)
    heartbeat_everyone(state, now=NOW + 15)
    events = desk.tick(state, now=NOW + 30)
    assert of_kind(events, OfferExpired) == [OfferExpired(token="a", counsellor_id="c1")]
    assert offers(events) == [("a", "c2")]
    assert state.tickets["a"].arrived_at == NOW


def test_a_timed_out_visitor_keeps_their_place_in_the_queue() -> None:
    state = offered_desk(NOW)
    join(state, "b", "emploi", now=NOW + 1)
    heartbeat_everyone(state, now=NOW + 15)
    desk.tick(state, now=NOW + 30)
    online(state, "c2", poles=["emploi"], now=NOW + 31)
    assert state.tickets["a"].offered_to == "c2"


def test_two_offers_in_a_row_timing_out_pause_the_counsellor() -> None:
    config = DeskConfig(offer_timeout=10.0)
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW, config=config)
    join(state, "a", "emploi", now=NOW, config=config)
    join(state, "b", "emploi", now=NOW, config=config)
    first = desk.tick(state, now=NOW + 10, config=config)
    assert offers(first) == [("b", "c1")]  # "a" was let expire by c1, so "b" comes next
    heartbeat_everyone(state, now=NOW + 15, config=config)
    second = desk.tick(state, now=NOW + 20, config=config)
    assert of_kind(second, CounsellorPaused) == [
        CounsellorPaused(counsellor_id="c1", reason="missed_offers")
    ]
    assert state.counsellors["c1"].status is CounsellorStatus.PAUSED
    assert offers(second) == []


def test_an_answer_resets_the_count_of_missed_offers() -> None:
    state = offered_desk(NOW)
    join(state, "b", "emploi", now=NOW)
    heartbeat_everyone(state, now=NOW + 15)
    desk.tick(state, now=NOW + 30)  # c1 misses "a", is offered "b"
    desk.offer_accept(state, counsellor_id="c1", token="b", conversation_id="k", now=NOW + 31)
    assert state.counsellors["c1"].missed_offers_in_row == 0


def test_declining_keeps_the_visitor_waiting_in_their_place() -> None:
    state = offered_desk(NOW)
    desk.offer_decline(state, counsellor_id="c1", token="a", now=NOW + 1)
    ticket = state.tickets["a"]
    assert ticket.status is TicketStatus.WAITING
    assert ticket.declined_by == ["c1"]
    assert state.counsellors["c1"].offered_tokens == []


def test_declining_an_offer_you_do_not_hold_is_refused() -> None:
    state = offered_desk(NOW)
    with pytest.raises(errors.NoSuchOffer):
        desk.offer_decline(state, counsellor_id="c1", token="nobody", now=NOW)


def test_acting_without_a_shift_is_refused() -> None:
    state = offered_desk(NOW)
    with pytest.raises(errors.NotOnShift):
        desk.offer_accept(state, counsellor_id="ghost", token="a", conversation_id="k", now=NOW)
