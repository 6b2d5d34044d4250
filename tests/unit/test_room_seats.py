"""A room's seats: capacity, the waiting list in arrival order, leaving, the grace period."""

from __future__ import annotations

import pytest

from rooms.core import errors
from rooms.core.events import Back, Dropped, Seated, Waiting
from rooms.core.hosting import room_close, room_open
from rooms.core.liveness import maintain
from rooms.core.model import DEFAULTS, RoomState, RoomStatus
from rooms.core.queries import position, seated, waiting
from rooms.core.reasons import DropReason
from rooms.core.seats import (
    participant_away,
    participant_join,
    participant_leave,
    participant_resume,
)
from rooms.core.testing import DAY, NOW, arrive, opened


def test_seats_go_in_arrival_order_and_the_rest_wait_with_their_place() -> None:
    state = opened(capacity=2)

    events = arrive(state, "a", "b", "c", "d")

    assert [p.token for p in seated(state)] == ["a", "b"]
    assert [position(state, t) for t in ("c", "d")] == [1, 2]
    assert Waiting(token="d", position=2) in events


def test_a_freed_seat_goes_to_the_first_waiting_and_the_others_move_up() -> None:
    state = opened(capacity=2)
    arrive(state, "a", "b", "c", "d")

    events = participant_leave(state, token="a")

    assert events == [Dropped(token="a", seated=True, reason=DropReason.LEFT),
                      Seated(token="c"), Waiting(token="d", position=1)]


def test_people_wait_in_a_closed_room_and_are_seated_in_order_when_it_opens() -> None:
    state = RoomState()
    arrive(state, "a", "b", "c")
    assert seated(state) == [] and position(state, "c") == 3

    events = room_open(state, facilitator_id="f1", name="Nadia", capacity=2, now=NOW)

    assert [e.token for e in events if isinstance(e, Seated)] == ["a", "b"]
    assert [p.token for p in waiting(state)] == ["c"]


def test_the_waiting_list_is_bounded_and_a_barred_token_cannot_come_back_today() -> None:
    state = opened(capacity=1)
    arrive(state, "seated", *[f"w{n}" for n in range(DEFAULTS.max_waiting)])
    with pytest.raises(errors.RoomFull):
        arrive(state, "one-too-many")

    other = opened(capacity=1)
    other.barred["x"] = DAY
    with pytest.raises(errors.Barred):
        arrive(other, "x")
    participant_join(other, token="x", pseudonym="P", day="2026-12-02", now=NOW)  # tomorrow


def test_joining_twice_is_refused_and_resuming_keeps_the_place() -> None:
    state = opened(capacity=1)
    arrive(state, "a", "b")
    with pytest.raises(errors.AlreadyInRoom):
        arrive(state, "b")

    participant_away(state, token="b", now=NOW + 1)
    participant_resume(state, token="b", now=NOW + 30)

    assert position(state, "b") == 1 and state.participants["b"].away_since is None


def test_a_seat_is_kept_for_the_grace_period_then_given_to_the_next() -> None:
    state = opened(capacity=1)
    arrive(state, "a", "b")
    participant_away(state, token="a", now=NOW + 1)

    assert maintain(state, tokens=["b"], facilitator_ids=["f1"],
                    now=NOW + DEFAULTS.grace) == []  # still within the grace
    events = maintain(state, tokens=["b"], facilitator_ids=["f1"],
                      now=NOW + 1 + DEFAULTS.grace)

    assert Dropped(token="a", seated=True, reason=DropReason.LOST) in events
    assert [p.token for p in seated(state)] == ["b"]


def test_a_process_that_died_stops_renewing_and_its_participants_are_lost_after_the_grace() -> None:
    state = opened(capacity=2)
    arrive(state, "a", "b")
    lease_end = NOW + DEFAULTS.lease_ttl

    maintain(state, tokens=["b"], facilitator_ids=["f1"], now=lease_end)
    events = maintain(state, tokens=["b"], facilitator_ids=["f1"],
                      now=lease_end + DEFAULTS.grace)

    assert [e.token for e in events if isinstance(e, Dropped)] == ["a"]


def test_closing_the_room_sends_everyone_out_and_clears_the_session() -> None:
    state = opened(capacity=1)
    arrive(state, "a", "b")
    state.barred["x"] = DAY

    events = room_close(state, now=NOW)

    assert [(e.token, e.reason) for e in events if isinstance(e, Dropped)] == [
        ("a", DropReason.ROOM_CLOSED), ("b", DropReason.ROOM_CLOSED)]
    assert state.participants == {} and state.status is RoomStatus.CLOSED
    assert state.barred == {"x": DAY}


def test_a_tab_still_open_elsewhere_brings_an_away_participant_back() -> None:
    state = opened(capacity=1)
    arrive(state, "a")
    participant_away(state, token="a", now=NOW + 1)  # one process's last tab closed

    events = maintain(state, tokens=["a"], facilitator_ids=["f1"], now=NOW + 2)  # another's

    assert events == [Back(token="a")] and state.participants["a"].away_since is None
    assert maintain(state, tokens=["a"], facilitator_ids=["f1"],
                    now=NOW + 2 + DEFAULTS.grace) == []
