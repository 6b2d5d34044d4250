"""Who is offered to whom: fairness for visitors, load sharing for counsellors."""

from __future__ import annotations

from chat.core import desk
from chat.core.model import DeskState, TicketStatus
from chat.core.testing import join, offers, online, open_poles

NOW = 1_000_000.0


def test_a_visitor_is_offered_to_a_free_counsellor_of_the_pole() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    events = join(state, "a", "emploi", now=NOW)
    assert offers(events) == [("a", "c1")]
    assert state.tickets["a"].status is TicketStatus.OFFERED
    assert state.tickets["a"].offer_expires_at == NOW + 30.0


def test_a_counsellor_of_another_pole_is_not_offered_the_visitor() -> None:
    state = DeskState()
    online(state, "c1", poles=["formation"], now=NOW)
    assert offers(join(state, "a", "emploi", now=NOW)) == []


def test_a_freed_slot_goes_to_the_longest_waiting_visitor() -> None:
    state = DeskState()
    join(state, "late", "emploi", now=NOW + 5)
    join(state, "early", "emploi", now=NOW)
    events = online(state, "c1", poles=["emploi"], now=NOW + 10)
    assert offers(events) == [("early", "c1")]


def test_a_counsellor_of_two_poles_gets_whoever_waited_longest_across_them() -> None:
    state = DeskState()
    join(state, "emploi-visitor", "emploi", now=NOW + 1)
    join(state, "formation-visitor", "formation", now=NOW, policies=open_poles("formation"))
    events = online(state, "c1", poles=["emploi", "formation"], now=NOW + 2)
    assert offers(events) == [("formation-visitor", "c1")]


def test_the_least_loaded_counsellor_is_chosen() -> None:
    state = DeskState()
    online(state, "busy", poles=["emploi"], capacity=2, now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="busy", token="a", conversation_id="k1", now=NOW)
    online(state, "fresh", poles=["emploi"], capacity=2, now=NOW + 100)
    assert offers(join(state, "b", "emploi", now=NOW + 101)) == [("b", "fresh")]


def test_load_is_a_ratio_of_capacity() -> None:
    state = DeskState()
    online(state, "three", poles=["emploi"], capacity=3, now=NOW)
    online(state, "one", poles=["emploi"], capacity=1, now=NOW + 1)
    join(state, "a", "emploi", now=NOW + 2)  # to "three": both idle, "three" idle longer
    desk.offer_accept(state, counsellor_id="three", token="a", conversation_id="k1", now=NOW + 2)
    # "three" is at 1/3, "one" at 0/1: the empty one wins.
    assert offers(join(state, "b", "emploi", now=NOW + 3)) == [("b", "one")]


def test_ties_go_to_the_counsellor_idle_longest() -> None:
    state = DeskState()
    online(state, "recent", poles=["emploi"], now=NOW + 5)
    online(state, "waiting-long", poles=["emploi"], now=NOW)
    assert offers(join(state, "a", "emploi", now=NOW + 6)) == [("a", "waiting-long")]


def test_then_to_the_institution_with_fewest_conversations_today() -> None:
    state = DeskState()
    online(state, "p1", poles=["emploi"], capacity=2, institution="PoleEmploi", now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="p1", token="a", conversation_id="k1", now=NOW)
    desk.conversation_end(state, conversation_id="k1", ended_by="p1", now=NOW + 10)
    online(state, "p2", poles=["emploi"], institution="PoleEmploi", now=NOW + 10)
    online(state, "cidj", poles=["emploi"], institution="CIDJ", now=NOW + 10)
    # p1 went idle at NOW+10 too; all three tie on load and idleness.
    assert offers(join(state, "b", "emploi", now=NOW + 11)) == [("b", "cidj")]


def test_the_institution_count_starts_afresh_each_day() -> None:
    state = DeskState()
    online(state, "p1", poles=["emploi"], institution="PoleEmploi", now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_accept(state, counsellor_id="p1", token="a", conversation_id="k1", now=NOW)
    tomorrow = NOW + 86_400
    desk.counsellor_heartbeat(state, counsellor_id="p1", now=NOW)
    join(state, "b", "emploi", now=NOW)
    desk.conversation_end(state, conversation_id="k1", ended_by="visitor", now=NOW)
    desk.offer_accept(state, counsellor_id="p1", token="b", conversation_id="k2", now=NOW)
    assert state.institution_conversations == {"PoleEmploi": 2}
    desk.counsellor_heartbeat(state, counsellor_id="p1", now=tomorrow)
    desk.conversation_end(state, conversation_id="k2", ended_by="visitor", now=tomorrow)
    desk.visitor_join(
        state, token="c", pseudonym="c", pole="emploi", policies=open_poles("emploi"), now=tomorrow
    )
    desk.offer_accept(state, counsellor_id="p1", token="c", conversation_id="k3", now=tomorrow)
    assert state.institution_conversations == {"PoleEmploi": 1}


def test_a_counsellor_never_gets_more_than_their_capacity() -> None:
    state = DeskState()
    for i in range(5):
        join(state, f"v{i}", "emploi", now=NOW + i)
    events = online(state, "c1", poles=["emploi"], capacity=2, now=NOW + 10)
    assert offers(events) == [("v0", "c1"), ("v1", "c1")]


def test_a_paused_counsellor_is_not_offered_anyone() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    desk.counsellor_pause(state, counsellor_id="c1", now=NOW)
    assert offers(join(state, "a", "emploi", now=NOW)) == []


def test_a_decliner_is_skipped_for_that_visitor_but_gets_the_next_one() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW + 1)
    events = desk.offer_decline(state, counsellor_id="c1", token="a", now=NOW + 2)
    assert offers(events) == [("b", "c1")]
    assert state.tickets["a"].status is TicketStatus.WAITING


def test_a_declined_visitor_goes_to_another_counsellor_keeping_their_place() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW + 1)
    desk.offer_decline(state, counsellor_id="c1", token="a", now=NOW + 2)
    assert offers(online(state, "c2", poles=["emploi"], now=NOW + 3)) == [("a", "c2")]


def test_a_counsellor_who_resumes_may_be_offered_a_visitor_they_declined() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi"], now=NOW)
    join(state, "a", "emploi", now=NOW)
    desk.offer_decline(state, counsellor_id="c1", token="a", now=NOW + 1)
    desk.counsellor_pause(state, counsellor_id="c1", now=NOW + 2)
    assert offers(desk.counsellor_resume(state, counsellor_id="c1", now=NOW + 3)) == [("a", "c1")]


def test_a_disconnected_visitor_is_not_offered_but_keeps_their_place() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW + 1)
    desk.visitor_disconnect(state, token="a", now=NOW + 2)
    assert offers(online(state, "c1", poles=["emploi"], now=NOW + 3)) == [("b", "c1")]
    desk.offer_accept(state, counsellor_id="c1", token="b", conversation_id="k", now=NOW + 4)
    desk.conversation_end(state, conversation_id="k", ended_by="c1", now=NOW + 5)
    assert offers(desk.visitor_resume(state, token="a", now=NOW + 6)) == [("a", "c1")]


def test_routing_is_deterministic() -> None:
    def run() -> list[tuple[str, str]]:
        state = DeskState()
        for i in range(4):
            online(state, f"c{i}", poles=["emploi"], now=NOW)
        made: list[tuple[str, str]] = []
        for i in range(6):
            made += offers(join(state, f"v{i}", "emploi", now=NOW + 1))
        return made

    assert run() == run()
    assert [c for _, c in run()] == ["c0", "c1", "c2", "c3"]
