""""Need a moment": a counsellor extends a standing offer once (WCAG 2.2.1, timing adjustable)."""

from __future__ import annotations

from typing import get_args

import pytest

from chat.core import desk, errors
from chat.core.events import OfferExpired, OfferExtended
from chat.core.model import DEFAULTS, CounsellorStatus, DeskConfig, TicketStatus
from chat.core.testing import heartbeat_everyone, of_kind, offered_desk, offers, online
from chat.frames import CounsellorStatusName, OfferFrame
from chat.identity import counsellor_group, visitor_handle
from chat.publisher import deliveries
from chat.snapshots import offers_of

NOW = 1_000_000.0


def test_extending_an_offer_moves_its_deadline_by_the_configured_moment() -> None:
    state = offered_desk(NOW)
    events = desk.offer_extend(state, counsellor_id="c1", token="a", now=NOW + 20)
    deadline = NOW + DEFAULTS.offer_timeout + DEFAULTS.offer_extension
    assert events == [OfferExtended(token="a", counsellor_id="c1", pole="emploi",
                                    pseudonym="visitor-a", expires_at=deadline,
                                    handover_note=None, transferred_from=None)]
    ticket = state.tickets["a"]
    assert (ticket.offer_expires_at, ticket.offer_extended) == (deadline, True)
    assert ticket.status is TicketStatus.OFFERED and ticket.offered_to == "c1"


def test_the_moment_comes_from_the_configuration() -> None:
    state = offered_desk(NOW)
    config = DeskConfig(offer_extension=15.0)
    [event] = desk.offer_extend(state, counsellor_id="c1", token="a", now=NOW, config=config)
    assert isinstance(event, OfferExtended)
    assert event.expires_at == NOW + DEFAULTS.offer_timeout + 15.0


def test_an_extended_offer_outlives_its_first_deadline_then_expires_at_the_new_one() -> None:
    state = offered_desk(NOW)
    desk.offer_extend(state, counsellor_id="c1", token="a", now=NOW + 25)
    heartbeat_everyone(state, now=NOW + 15)
    assert of_kind(desk.tick(state, now=NOW + 31), OfferExpired) == []
    heartbeat_everyone(state, now=NOW + 45)
    heartbeat_everyone(state, now=NOW + 60)
    heartbeat_everyone(state, now=NOW + 75)
    expired = desk.tick(state, now=NOW + DEFAULTS.offer_timeout + DEFAULTS.offer_extension)
    assert of_kind(expired, OfferExpired) == [OfferExpired(token="a", counsellor_id="c1")]


def test_an_offer_is_extended_once_only_and_the_refusal_changes_nothing() -> None:
    state = offered_desk(NOW)
    desk.offer_extend(state, counsellor_id="c1", token="a", now=NOW + 5)
    deadline = state.tickets["a"].offer_expires_at
    with pytest.raises(errors.OfferAlreadyExtended) as refused:
        desk.offer_extend(state, counsellor_id="c1", token="a", now=NOW + 10)
    assert refused.value.code == "offer_already_extended"
    assert state.tickets["a"].offer_expires_at == deadline


@pytest.mark.parametrize("case", ["someone_else", "past_deadline", "unknown", "off_shift"])
def test_only_a_standing_offer_of_ones_own_can_be_extended(case: str) -> None:
    state = offered_desk(NOW)
    online(state, "c2", poles=["emploi"], now=NOW)
    counsellor, token, now = {"someone_else": ("c2", "a", NOW),
                              "past_deadline": ("c1", "a", NOW + DEFAULTS.offer_timeout),
                              "unknown": ("c1", "nobody", NOW),
                              "off_shift": ("c9", "a", NOW)}[case]
    refusal = errors.NotOnShift if case == "off_shift" else errors.NoSuchOffer
    with pytest.raises(refusal):
        desk.offer_extend(state, counsellor_id=counsellor, token=token, now=now)
    assert state.tickets["a"].offer_extended is False


def test_the_next_counsellor_gets_a_fresh_offer_they_may_extend_again() -> None:
    state = offered_desk(NOW)
    desk.offer_extend(state, counsellor_id="c1", token="a", now=NOW)
    online(state, "c2", poles=["emploi"], now=NOW + 1)
    deadline = NOW + DEFAULTS.offer_timeout + DEFAULTS.offer_extension
    heartbeat_everyone(state, now=deadline - 15)
    heartbeat_everyone(state, now=deadline - 1)
    assert offers(desk.tick(state, now=deadline)) == [("a", "c2")]
    assert state.tickets["a"].offer_extended is False
    assert desk.offer_extend(state, counsellor_id="c2", token="a", now=deadline + 1)


def test_an_extended_offer_is_accepted_as_any_other() -> None:
    state = offered_desk(NOW)
    desk.offer_extend(state, counsellor_id="c1", token="a", now=NOW + 29)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW + 50)
    ticket = state.tickets["a"]
    assert ticket.status is TicketStatus.IN_CONVERSATION
    assert (ticket.offer_expires_at, ticket.offer_extended) == (None, False)
    assert state.conversations["k1"].waited == 50.0


def test_the_counsellors_screen_shows_the_extension_on_reconnect_and_as_it_happens() -> None:
    state = offered_desk(NOW)
    [before] = offers_of(state, state.counsellors["c1"])
    assert before.extended is False
    events = desk.offer_extend(state, counsellor_id="c1", token="a", now=NOW)
    [after] = offers_of(state, state.counsellors["c1"])
    assert after.extended is True and after.expires_at == before.expires_at + 60
    [(group, message)] = deliveries(events, summaries={}, cards={}, shifts={})
    assert group == counsellor_group("c1")
    frame = OfferFrame.model_validate(message.frame)
    assert frame.offer == after and frame.offer.visitor == visitor_handle("a")


def test_the_wire_names_exactly_the_desks_counsellor_statuses() -> None:
    assert set(get_args(CounsellorStatusName)) == {status.value for status in CounsellorStatus}
