"""Tell waiting visitors when their place or estimate changes, and only then."""

from __future__ import annotations

from collections.abc import Iterable

from chat.core.estimate import counsellors_serving, estimate_from_rate, rounded, service_rate
from chat.core.events import Event, PositionChanged
from chat.core.model import QUEUED, DeskConfig, DeskState, Ticket
from chat.core.reasons import PositionReason
from chat.core.routing import queue_key


def announce_positions(
    state: DeskState, poles: Iterable[str], now: float, config: DeskConfig
) -> list[Event]:
    """Recompute the queues of ``poles`` and report every ticket whose place or estimate moved.

    The last announced values are kept on the ticket, so an unchanged queue costs one sort and
    no event. Estimates are rounded up to the minute before comparing.
    """
    wanted = set(poles)
    if not wanted:
        return []
    queues: dict[str, list[Ticket]] = {}
    for ticket in state.tickets.values():
        if ticket.pole in wanted and ticket.status in QUEUED:
            queues.setdefault(ticket.pole, []).append(ticket)
    events: list[Event] = []
    for pole in sorted(queues):
        queue = queues[pole]
        queue.sort(key=queue_key)
        rate = service_rate(state, pole, now, config)
        if counsellors_serving(state, pole, now) == 0:
            rate = None
        for index, ticket in enumerate(queue):
            position = index + 1
            estimate = rounded(estimate_from_rate(position, rate))
            if position != ticket.position or estimate != ticket.estimate_seconds:
                # 0: never announced to this page (joined or resumed), so nothing went back.
                went_back = 0 < ticket.position < position
                ticket.position = position
                ticket.estimate_seconds = estimate
                events.append(
                    PositionChanged(
                        token=ticket.token,
                        pole=pole,
                        position=position,
                        estimate_seconds=estimate,
                        reason=PositionReason.REQUEUED_AHEAD if went_back else None,
                    )
                )
    return events
