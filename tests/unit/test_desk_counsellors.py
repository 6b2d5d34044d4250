"""Counsellors' shifts: online, pause, resume, drain."""

from __future__ import annotations

import pytest

from chat.core import desk, errors
from chat.core.events import CounsellorDraining, CounsellorWentOffline, OfferWithdrawn
from chat.core.model import CounsellorStatus, DeskState, TicketStatus
from chat.core.testing import join, of_kind, offers, online

NOW = 1_000_000.0


def test_going_online_starts_an_available_shift() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi", "emploi", "formation"], capacity=3, now=NOW)
    counsellor = state.counsellors["c1"]
    assert counsellor.status is CounsellorStatus.AVAILABLE
    assert counsellor.poles == ["emploi", "formation"]
    assert counsellor.capacity == 3


def test_a_capacity_below_one_is_refused() -> None:
    with pytest.raises(errors.InvalidCapacity):
        online(DeskState(), "c1", poles=["emploi"], capacity=0, now=NOW)


def test_going_online_again_updates_the_shift_and_renews_the_lease() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    online(state, "c1", poles=["formation"], capacity=2, now=NOW + 10)
    counsellor = state.counsellors["c1"]
    assert counsellor.poles == ["formation"]
    assert counsellor.capacity == 2
    assert counsellor.lease_expires_at == NOW + 30


def test_capacity_cannot_drop_below_the_running_conversations() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], capacity=2, now=NOW)
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="b", conversation_id="k2", now=NOW)
    with pytest.raises(errors.InvalidCapacity):
        online(state, "c1", poles=["emploi"], capacity=1, now=NOW)


def test_lowering_capacity_withdraws_the_offers_beyond_it() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], capacity=2, now=NOW)
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW + 1)
    events = online(state, "c1", poles=["emploi"], capacity=1, now=NOW + 2)
    assert of_kind(events, OfferWithdrawn) == [
        OfferWithdrawn(token="b", counsellor_id="c1", reason="capacity_lowered")
    ]
    assert state.counsellors["c1"].offered_tokens == ["a"]


def test_pausing_passes_pending_offers_on_without_counting_a_decline() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    events = desk.counsellor_pause(state, counsellor_id="c1", now=NOW + 1)
    assert of_kind(events, OfferWithdrawn) == [
        OfferWithdrawn(token="a", counsellor_id="c1", reason="counsellor_paused")
    ]
    assert state.tickets["a"].status is TicketStatus.WAITING
    assert state.tickets["a"].declined_by == []


def test_a_paused_counsellor_keeps_their_running_conversations() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW)
    desk.counsellor_pause(state, counsellor_id="c1", now=NOW + 1)
    assert state.counsellors["c1"].conversation_ids == ["k1"]


def test_resuming_brings_offers_back() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    desk.counsellor_pause(state, counsellor_id="c1", now=NOW)
    join(state, "a", "emploi", now=NOW + 1)
    assert offers(desk.counsellor_resume(state, counsellor_id="c1", now=NOW + 2)) == [("a", "c1")]


def test_pausing_twice_or_resuming_twice_changes_nothing() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    assert desk.counsellor_resume(state, counsellor_id="c1", now=NOW) == []
    desk.counsellor_pause(state, counsellor_id="c1", now=NOW)
    assert desk.counsellor_pause(state, counsellor_id="c1", now=NOW) == []


def test_a_draining_counsellor_cannot_pause() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW)
    desk.counsellor_drain(state, counsellor_id="c1", now=NOW)
    with pytest.raises(errors.InvalidTransition) as refused:
        desk.counsellor_pause(state, counsellor_id="c1", now=NOW)
    assert (refused.value.expected, refused.value.actual) == ("available", "draining")


def test_draining_without_conversations_reports_draining_then_goes_offline_at_once() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], capacity=2, now=NOW)
    events = desk.counsellor_drain(state, counsellor_id="c1", now=NOW)
    assert events == [CounsellorDraining(counsellor_id="c1", poles=("emploi",), capacity=2),
                      CounsellorWentOffline(counsellor_id="c1")]
    assert "c1" not in state.counsellors


def test_draining_lets_conversations_finish_then_goes_offline() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], capacity=2, now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW)
    desk.counsellor_drain(state, counsellor_id="c1", now=NOW + 1)
    assert offers(join(state, "b", "emploi", now=NOW + 2)) == []
    events = desk.conversation_end(state, conversation_id="k1", ended_by="visitor", now=NOW + 3)
    assert of_kind(events, CounsellorWentOffline) == [CounsellorWentOffline(counsellor_id="c1")]
    assert "c1" not in state.counsellors


def test_going_online_again_while_draining_resumes_the_shift() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], capacity=2, now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW)
    desk.counsellor_drain(state, counsellor_id="c1", now=NOW + 1)
    online(state, "c1", poles=["emploi"], capacity=2, now=NOW + 2)
    assert state.counsellors["c1"].status is CounsellorStatus.AVAILABLE


def test_a_heartbeat_from_a_counsellor_off_shift_is_refused() -> None:
    with pytest.raises(errors.NotOnShift):
        desk.counsellor_heartbeat(DeskState(), counsellor_id="c1", now=NOW)
