"""What a counsellor's screen is told when a shift ends (core rule, then chat/publisher.py)."""

from __future__ import annotations

from chat.core import desk
from chat.core.model import DeskState
from chat.core.testing import online
from chat.publisher import deliveries

NOW = 1_000_000.0


def shift_frames(events: list) -> list[dict]:
    out = deliveries(events, summaries={}, cards={}, shifts={"c1": None})
    return [message.frame for _group, message in out if message.frame["type"] == "shift"]


def test_ending_a_shift_with_nothing_running_says_draining_then_offline_in_order() -> None:
    state = DeskState()
    online(state, "c1", poles=["emploi", "formation"], capacity=2, now=NOW)
    events = desk.counsellor_drain(state, counsellor_id="c1", now=NOW)
    assert shift_frames(events) == [
        {"type": "shift", "shift": {"status": "draining", "poles": ["emploi", "formation"],
                                    "capacity": 2}, "reason": None},
        {"type": "shift", "shift": None, "reason": "offline"},
    ]
