"""Re-forming a desk whose state was lost, from what the live sockets still know.

When the shared store comes back empty (a Redis restarted without persistence), every place
and shift is gone while the sockets are still open. Each process then hands the desk what its
sockets remember: every waiting visitor with their original arrival, every visitor who was
talking (their conversation is gone: they go back to the head of their queue), every
counsellor with their poles, capacity and whether they were paused. Processes do this one
after the other; the arrival times, not the order of the calls, decide the queue order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chat.core.events import Event, VisitorRequeued
from chat.core.model import DEFAULTS, CounsellorStatus, DeskConfig, DeskState, TicketStatus
from chat.core.reasons import RequeueReason
from chat.core.steps import finish, queue_ticket, seat_counsellor, shift_told


@dataclass(frozen=True, slots=True)
class VisitorMemento:
    """What a visitor's socket knows of its place, refreshed by every maintenance step."""

    token: str
    pole: str
    pseudonym: str
    arrived_at: float
    requeued: bool
    chatting: bool


@dataclass(frozen=True, slots=True)
class CounsellorMemento:
    """What a counsellor's socket knows of their shift."""

    counsellor_id: str
    display_name: str
    institution: str
    poles: tuple[str, ...]
    capacity: int
    paused: bool


def visitor_memento(state: DeskState, token: str) -> VisitorMemento | None:
    """The memento of ``token``'s place, or None when it holds none."""
    ticket = state.tickets.get(token)
    if ticket is None:
        return None
    return VisitorMemento(
        token=token,
        pole=ticket.pole,
        pseudonym=ticket.pseudonym,
        arrived_at=ticket.arrived_at,
        requeued=ticket.requeued,
        chatting=ticket.status is TicketStatus.IN_CONVERSATION,
    )


def counsellor_memento(state: DeskState, counsellor_id: str) -> CounsellorMemento | None:
    """The memento of a counsellor's shift, or None when they are not on shift."""
    counsellor = state.counsellors.get(counsellor_id)
    if counsellor is None or counsellor.status is CounsellorStatus.DRAINING:
        return None  # a draining counsellor was leaving: their shift is not started again
    return CounsellorMemento(
        counsellor_id=counsellor.id,
        display_name=counsellor.display_name,
        institution=counsellor.institution,
        poles=tuple(counsellor.poles),
        capacity=counsellor.capacity,
        paused=counsellor.status is CounsellorStatus.PAUSED,
    )


def reform(
    state: DeskState,
    *,
    visitors: Iterable[VisitorMemento],
    counsellors: Iterable[CounsellorMemento],
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """Put back the places and shifts one process's sockets remember, then route.

    Entries the state already holds (re-formed by another process, or joined since) are
    left as they are. A visitor who was talking goes back to the head of their queue, as when
    a counsellor is lost: their conversation cannot be re-formed from one side.
    """
    events: list[Event] = []
    for memento in counsellors:
        if memento.counsellor_id in state.counsellors:
            continue
        counsellor = seat_counsellor(
            state,
            counsellor_id=memento.counsellor_id,
            display_name=memento.display_name,
            institution=memento.institution,
            poles=list(memento.poles),
            capacity=memento.capacity,
            status=CounsellorStatus.PAUSED if memento.paused else CounsellorStatus.AVAILABLE,
            now=now,
            config=config,
        )
        events.append(shift_told(counsellor))
    poles: set[str] = set()
    for visitor in visitors:
        if visitor.token in state.tickets:
            continue
        queue_ticket(
            state,
            token=visitor.token,
            pole=visitor.pole,
            pseudonym=visitor.pseudonym,
            arrived_at=visitor.arrived_at,
            requeued=visitor.requeued or visitor.chatting,
            now=now,
            config=config,
        )
        poles.add(visitor.pole)
        events.append(VisitorRequeued(token=visitor.token, pole=visitor.pole,
                                      reason=RequeueReason.DESK_RESTARTED))
    return finish(state, events, poles, now, config)
