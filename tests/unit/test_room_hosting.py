"""Facilitators: opening, a room without its facilitator pauses then closes, pins and steps."""

from __future__ import annotations

import pytest

from rooms.core import errors
from rooms.core.events import StatusChanged
from rooms.core.hosting import facilitator_arrive, pin_set, step_next
from rooms.core.liveness import facilitator_away, maintain
from rooms.core.model import DEFAULTS, RoomStatus
from rooms.core.reasons import StatusReason
from rooms.core.testing import NOW, arrive, opened


def test_the_last_facilitator_gone_pauses_the_room_until_one_is_back() -> None:
    state = opened(capacity=2)
    arrive(state, "a")
    facilitator_away(state, facilitator_id="f1", now=NOW + 1)

    events = maintain(state, tokens=["a"], facilitator_ids=[],
                      now=NOW + 1 + DEFAULTS.away_lease)
    assert StatusChanged(RoomStatus.PAUSED, StatusReason.FACILITATOR_AWAY) in events
    with pytest.raises(errors.RoomNotOpen):
        from rooms.core.floor import message_allowed
        message_allowed(state, token="a", now=NOW + 10)

    back = facilitator_arrive(state, facilitator_id="f2", name="Omar", now=NOW + 20)
    assert StatusChanged(RoomStatus.OPEN, StatusReason.FACILITATOR_BACK) in back


def test_a_paused_room_closes_when_no_facilitator_came_back_within_the_grace() -> None:
    state = opened(capacity=2)
    arrive(state, "a")
    paused_at = NOW + DEFAULTS.lease_ttl
    maintain(state, tokens=["a"], facilitator_ids=[], now=paused_at)
    assert state.status is RoomStatus.PAUSED

    events = maintain(state, tokens=["a"], facilitator_ids=[],
                      now=paused_at + DEFAULTS.facilitator_grace)

    assert StatusChanged(RoomStatus.CLOSED, StatusReason.FACILITATOR_LOST) in events
    assert state.participants == {}


def test_a_reload_of_the_facilitator_does_not_pause_the_room() -> None:
    state = opened(capacity=2)
    facilitator_away(state, facilitator_id="f1", now=NOW + 1)
    facilitator_arrive(state, facilitator_id="f1", name="Nadia", now=NOW + 2)

    assert maintain(state, tokens=[], facilitator_ids=["f1"],
                    now=NOW + 2 + DEFAULTS.away_lease) == []
    assert state.status is RoomStatus.OPEN


def test_pins_keep_their_order_and_steps_go_forward_to_the_last() -> None:
    state = opened()
    pin_set(state, resource_id=7, pinned=True)
    pin_set(state, resource_id=3, pinned=True)
    assert pin_set(state, resource_id=7, pinned=True) == []
    pin_set(state, resource_id=7, pinned=False)
    assert state.pinned == [3]

    step_next(state, steps=2)
    step_next(state, steps=2)
    assert state.step == 1
    with pytest.raises(errors.NoSuchStep):
        step_next(state, steps=2)
