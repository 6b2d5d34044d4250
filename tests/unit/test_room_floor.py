"""Speaking in a room: hands in the order raised, the floor, mute, slow mode, removal."""

from __future__ import annotations

import pytest

from rooms.core import errors
from rooms.core.events import FloorChanged, HandChanged
from rooms.core.floor import (
    floor_give,
    floor_take_back,
    hand_lower,
    hand_raise,
    message_allowed,
    mute_set,
    participant_remove,
    slow_mode_set,
)
from rooms.core.queries import hands
from rooms.core.testing import DAY, NOW, arrive, opened


def test_hands_are_kept_in_the_order_they_were_raised() -> None:
    state = opened(capacity=3)
    arrive(state, "a", "b", "c")
    for token in ("c", "a", "b"):
        hand_raise(state, token=token)
    hand_raise(state, token="c")  # raising again keeps the first place

    hand_lower(state, token="a")
    hand_raise(state, token="a")  # lowered then raised: to the back

    assert [p.token for p in hands(state)] == ["c", "b", "a"]


def test_giving_the_floor_lowers_the_hand_and_taking_it_back_leaves_nobody() -> None:
    state = opened(capacity=2)
    arrive(state, "a", "b")
    hand_raise(state, token="b")

    assert floor_give(state, token="b") == [HandChanged(token="b", raised=False),
                                            FloorChanged(token="b")]
    assert floor_take_back(state) == [FloorChanged(token=None)] and state.floor is None


def test_only_seated_participants_write_and_never_while_muted_or_closed() -> None:
    state = opened(capacity=1)
    arrive(state, "a", "b")
    with pytest.raises(errors.NotSeated):
        message_allowed(state, token="b", now=NOW)
    with pytest.raises(errors.NotInRoom):
        message_allowed(state, token="nobody", now=NOW)

    mute_set(state, token="a", muted=True)
    with pytest.raises(errors.Muted):
        message_allowed(state, token="a", now=NOW)
    mute_set(state, token="a", muted=False)
    assert message_allowed(state, token="a", now=NOW) == []


def test_slow_mode_allows_one_message_per_interval_and_says_when_the_next_may_go() -> None:
    state = opened(capacity=1)
    arrive(state, "a")
    slow_mode_set(state, seconds=30)
    message_allowed(state, token="a", now=NOW)

    with pytest.raises(errors.SlowMode) as refused:
        message_allowed(state, token="a", now=NOW + 10)
    assert refused.value.retry_at == NOW + 30
    message_allowed(state, token="a", now=NOW + 30)
    with pytest.raises(errors.InvalidSlowMode):
        slow_mode_set(state, seconds=-1)


def test_a_removed_participant_frees_the_seat_and_is_barred_for_the_day() -> None:
    state = opened(capacity=1)
    arrive(state, "a", "b")
    floor_give(state, token="a")

    events = participant_remove(state, token="a", day=DAY)

    assert state.barred == {"a": DAY} and state.floor is None
    assert [e.kind for e in events] == ["dropped", "floor_changed", "seated"]
    with pytest.raises(errors.Barred):
        arrive(state, "a")
    with pytest.raises(errors.UnknownParticipant):
        participant_remove(state, token="a", day=DAY)
