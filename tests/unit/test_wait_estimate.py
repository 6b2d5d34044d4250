"""Wait estimates: from the observed service rate, or honestly unknown."""

from __future__ import annotations

from chat.core import desk
from chat.core.estimate import rounded, service_rate, wait_estimate
from chat.core.events import PositionChanged
from chat.core.model import DeskConfig, DeskState
from chat.core.queries import pole_load
from chat.core.testing import join, of_kind, online

NOW = 1_000_000.0


def served_desk(matches: list[float]) -> DeskState:
    """A desk with one counsellor online for "emploi" and the given match times."""
    state = DeskState(served={"emploi": matches})
    online(state, "c1", poles=["emploi"], now=NOW)
    return state


def test_the_estimate_is_unknown_without_enough_observations() -> None:
    state = served_desk([NOW - 100, NOW - 50])
    assert wait_estimate(state, "emploi", 1, NOW) is None


def test_the_estimate_is_unknown_when_no_counsellor_takes_visitors() -> None:
    state = served_desk([NOW - 300, NOW - 200, NOW - 100])
    desk.counsellor_pause(state, counsellor_id="c1", now=NOW)
    assert wait_estimate(state, "emploi", 1, NOW) is None


def test_the_estimate_follows_the_recent_service_rate() -> None:
    # Three matches over the last 600 s: one every 200 s.
    state = served_desk([NOW - 600, NOW - 400, NOW - 200])
    assert service_rate(state, "emploi", NOW) == 3 / 600
    assert wait_estimate(state, "emploi", 1, NOW) == 200.0
    assert wait_estimate(state, "emploi", 4, NOW) == 800.0


def test_matches_older_than_the_window_are_not_a_basis() -> None:
    config = DeskConfig(estimate_window=1800.0)
    state = served_desk([NOW - 2000, NOW - 1900, NOW - 100])
    assert wait_estimate(state, "emploi", 1, NOW, config) is None


def test_a_desk_gone_quiet_sees_its_estimate_grow() -> None:
    state = served_desk([NOW - 30, NOW - 20, NOW - 10])
    soon = wait_estimate(state, "emploi", 1, NOW)
    desk.counsellor_heartbeat(state, counsellor_id="c1", now=NOW + 600)
    later = wait_estimate(state, "emploi", 1, NOW + 600)
    assert soon is not None and later is not None and later > soon


def test_announced_estimates_are_rounded_up_to_the_minute() -> None:
    assert rounded(None) is None
    assert rounded(61.0) == 120.0
    assert rounded(120.0) == 120.0


def test_waiting_visitors_are_told_their_estimate() -> None:
    state = served_desk([NOW - 600, NOW - 400, NOW - 200])
    desk.counsellor_pause(state, counsellor_id="c1", now=NOW)
    online(state, "c2", poles=["emploi"], capacity=1, now=NOW)
    join(state, "a", "emploi", now=NOW)  # offered to c2 at once
    events = join(state, "b", "emploi", now=NOW)
    assert of_kind(events, PositionChanged) == [
        PositionChanged(token="b", pole="emploi", position=2, estimate_seconds=420.0)
    ]


def test_visitors_behind_are_told_when_the_queue_moves() -> None:
    state = DeskState()
    for token in "abc":
        join(state, token, "emploi", now=NOW)
    events = desk.visitor_leave(state, token="a", now=NOW + 1)
    assert of_kind(events, PositionChanged) == [
        PositionChanged(token="b", pole="emploi", position=1, estimate_seconds=None),
        PositionChanged(token="c", pole="emploi", position=2, estimate_seconds=None),
    ]


def test_an_unchanged_queue_announces_nothing() -> None:
    state = DeskState()
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW)
    assert of_kind(desk.tick(state, now=NOW + 1), PositionChanged) == []


def test_the_pole_load_gives_the_estimate_for_a_newcomer() -> None:
    state = served_desk([NOW - 600, NOW - 400, NOW - 200])
    join(state, "a", "emploi", now=NOW - 50)
    load = pole_load(state, "emploi", NOW)
    assert load.waiting == 1
    assert load.longest_wait == 50.0
    assert load.counsellors_online == 1
    assert load.counsellors_available == 0  # its only slot holds the offer to "a"
    assert load.estimate_seconds == 400.0
