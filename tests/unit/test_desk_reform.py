"""A desk whose state was lost is re-formed from what the sockets remember."""

from __future__ import annotations

from chat.core import desk
from chat.core.events import VisitorRequeued
from chat.core.model import CounsellorStatus, DeskState, TicketStatus
from chat.core.reasons import RequeueReason
from chat.core.reform import counsellor_memento, visitor_memento
from chat.core.testing import join, of_kind, offers, online

NOW = 1_000_000.0


def a_desk_before_the_loss() -> DeskState:
    """Camille talks with x; a, b and c wait in that order; Karim is paused."""
    state = DeskState()
    online(state, "camille", poles=["emploi"], now=NOW)
    online(state, "karim", poles=["emploi"], now=NOW)
    desk.counsellor_pause(state, counsellor_id="karim", now=NOW)
    join(state, "x", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="camille", token="x", conversation_id="k1",
                      now=NOW + 1)
    for offset, token in enumerate("abc"):
        join(state, token, "emploi", now=NOW + 2 + offset)
    return state


def test_waiting_visitors_come_back_in_their_original_order_whoever_reports_first() -> None:
    before = a_desk_before_the_loss()
    remembered = {t: visitor_memento(before, t) for t in "xabc"}
    staff = [counsellor_memento(before, c) for c in ("camille", "karim")]
    after = DeskState()  # Redis came back empty
    # Two processes: the one holding c and a reports first, then the one holding b and x.
    desk.reform(after, visitors=[remembered["c"], remembered["a"]], counsellors=[],
                now=NOW + 100)
    events = desk.reform(after, visitors=[remembered["b"], remembered["x"]],
                         counsellors=[m for m in staff if m], now=NOW + 101)
    queue = sorted((t for t in after.tickets.values()), key=lambda t: (not t.requeued,
                                                                       t.arrived_at))
    # x was talking: back at the head, as when a counsellor is lost; then a, b, c.
    assert [t.token for t in queue] == ["x", "a", "b", "c"]
    assert offers(events) == [("x", "camille")]
    assert after.counsellors["karim"].status is CounsellorStatus.PAUSED
    assert {e.token: e.reason for e in of_kind(events, VisitorRequeued)} == {
        "b": RequeueReason.DESK_RESTARTED, "x": RequeueReason.DESK_RESTARTED}


def test_places_already_back_are_left_as_they_are() -> None:
    before = a_desk_before_the_loss()
    after = DeskState()
    join(after, "a", "emploi", now=NOW + 50)  # a reloaded and joined again meanwhile
    events = desk.reform(after, visitors=[visitor_memento(before, "a")], counsellors=[],
                         now=NOW + 100)
    assert of_kind(events, VisitorRequeued) == []
    assert after.tickets["a"].status is TicketStatus.WAITING


def test_nothing_is_remembered_of_a_token_without_a_place_or_a_draining_shift() -> None:
    state = a_desk_before_the_loss()
    assert visitor_memento(state, "nobody") is None
    desk.counsellor_drain(state, counsellor_id="camille", now=NOW + 5)
    assert counsellor_memento(state, "camille") is None
