"""A room session's head counts: admitted, waited for a seat, left early (its figure)."""

from __future__ import annotations

from rooms.core.events import SessionEnded
from rooms.core.hosting import room_close, room_open
from rooms.core.liveness import tick
from rooms.core.model import DEFAULTS, RoomState
from rooms.core.seats import participant_away, participant_leave
from rooms.core.testing import NOW, arrive, opened


def ended(events: list) -> SessionEnded:
    (session,) = [event for event in events if isinstance(event, SessionEnded)]
    return session


def test_a_session_counts_who_was_seated_who_waited_and_who_left_early() -> None:
    state = opened(capacity=2)
    arrive(state, "a", "b", "c", "d")  # c and d wait for a seat
    participant_leave(state, token="a")  # a leaves early; c takes the seat
    participant_leave(state, token="d")  # d gave up waiting: not "left early", never seated

    session = ended(room_close(state, now=NOW + 1800))

    assert (session.admitted, session.waited, session.left_early) == (3, 2, 1)
    assert (session.opened_at, session.duration) == (NOW, 1800)


def test_people_waiting_in_the_lobby_before_the_opening_count_only_if_left_without_a_seat(
) -> None:
    state = RoomState()
    arrive(state, "a", "b", "c")  # the room is closed: they wait for it to open, not for a seat

    room_open(state, facilitator_id="f1", name="Nadia", capacity=2, now=NOW)
    session = ended(room_close(state, now=NOW + 60))

    assert (session.admitted, session.waited) == (2, 1)


def test_a_participant_lost_after_the_grace_left_early_and_the_closing_resets_the_counts(
) -> None:
    state = opened(capacity=2)
    arrive(state, "a")
    participant_away(state, token="a", now=NOW)
    tick(state, now=NOW + DEFAULTS.lease_ttl + DEFAULTS.grace + 1)

    assert ended(room_close(state, now=NOW + 600)).left_early == 1
    assert state.session is None
    assert [e for e in room_close(state, now=NOW + 700) if isinstance(e, SessionEnded)] == []


def test_a_closing_by_the_lost_facilitator_tells_the_session_too() -> None:
    state = opened(capacity=2)
    arrive(state, "a")
    late = NOW + DEFAULTS.lease_ttl + 1
    tick(state, now=late)  # the facilitator's lease ran out: paused
    events = tick(state, now=late + DEFAULTS.facilitator_grace + 1)

    assert ended(events).admitted == 1
