"""Routing: who is offered to whom, whenever a visitor arrives or a slot frees.

Fairness order for visitors: requeued visitors (their counsellor was lost) first, then by
original arrival time, then by token so the order is total and deterministic. For counsellors:
the lowest load ratio, then the one idle longest, then the institution with the fewest
conversations today (neutral across partners), then the id.
"""

from __future__ import annotations

import time

from chat.core.events import Event, OfferMade
from chat.core.model import (
    Counsellor,
    CounsellorStatus,
    DeskConfig,
    DeskState,
    Ticket,
    TicketStatus,
)


def queue_key(ticket: Ticket) -> tuple[bool, float, str]:
    """Sort key of a ticket in its queue: requeued first, then arrival, then token."""
    return (not ticket.requeued, ticket.arrived_at, ticket.token)


def load(counsellor: Counsellor) -> int:
    """Slots in use: running conversations plus offers awaiting an answer."""
    return len(counsellor.conversation_ids) + len(counsellor.offered_tokens)


def day_key(now: float, config: DeskConfig) -> str:
    """The day ``now`` falls on, for the per-institution count of conversations today."""
    return time.strftime("%Y-%m-%d", time.gmtime(now + config.day_offset_seconds))


def institution_count(state: DeskState, institution: str, day: str) -> int:
    """Conversations started today by ``institution`` (a stale day counts as zero)."""
    if state.institution_day != day:
        return 0
    return state.institution_conversations.get(institution, 0)


def can_take_offers(counsellor: Counsellor, now: float) -> bool:
    """On shift, not paused or draining, lease alive, and a free slot."""
    return (
        counsellor.status is CounsellorStatus.AVAILABLE
        and counsellor.lease_expires_at > now
        and load(counsellor) < counsellor.capacity
    )


def is_offerable(ticket: Ticket, now: float) -> bool:
    """Waiting, connected (no grace running), and its lease alive."""
    return (
        ticket.status is TicketStatus.WAITING
        and ticket.disconnected_at is None
        and ticket.lease_expires_at > now
    )


def make_offer(ticket: Ticket, counsellor: Counsellor, now: float, config: DeskConfig) -> Event:
    """Offer ``ticket`` to ``counsellor``; the offer holds one of the counsellor's slots."""
    ticket.status = TicketStatus.OFFERED
    ticket.offered_to = counsellor.id
    ticket.offer_expires_at = now + config.offer_timeout
    ticket.offer_extended = False
    counsellor.offered_tokens.append(ticket.token)
    return OfferMade(
        token=ticket.token,
        counsellor_id=counsellor.id,
        pole=ticket.pole,
        pseudonym=ticket.pseudonym,
        expires_at=ticket.offer_expires_at,
        handover_note=ticket.handover_note,
        transferred_from=ticket.transferred_from,
    )


def route(state: DeskState, now: float, config: DeskConfig) -> list[Event]:
    """Offer waiting visitors to free counsellors until no more match.

    Visitors are taken in fairness order across all poles, so a counsellor serving two poles
    gets whichever visitor has waited longest. A visitor is not offered to a counsellor who
    declined or let expire their offer during this wait; if only such counsellors have a free
    slot, the visitor waits for someone else (a new counsellor, or one who resumes) while the
    visitors behind them may still be offered. Cost: one pass over counsellors, and a sort of
    the waiting visitors only when someone has a free slot.
    """
    free: dict[str, list[Counsellor]] = {}
    for counsellor in state.counsellors.values():
        if can_take_offers(counsellor, now):
            for pole in counsellor.poles:
                free.setdefault(pole, []).append(counsellor)
    if not free:
        return []
    candidates = [t for t in state.tickets.values() if t.pole in free and is_offerable(t, now)]
    if not candidates:
        return []
    candidates.sort(key=queue_key)
    day = day_key(now, config)
    events: list[Event] = []
    for ticket in candidates:
        pool = free.get(ticket.pole)
        if not pool:
            continue
        best: Counsellor | None = None
        best_key: tuple[float, float, int, str] | None = None
        for counsellor in pool:
            if counsellor.id in ticket.declined_by:
                continue
            key = (
                load(counsellor) / counsellor.capacity,
                counsellor.idle_since,
                institution_count(state, counsellor.institution, day),
                counsellor.id,
            )
            if best_key is None or key < best_key:
                best, best_key = counsellor, key
        if best is None:
            continue
        events.append(make_offer(ticket, best, now, config))
        if load(best) >= best.capacity:
            for pole in best.poles:
                pool_of_pole = free.get(pole)
                if pool_of_pole is not None:
                    pool_of_pole.remove(best)
                    if not pool_of_pole:
                        del free[pole]
            if not free:
                break
    return events
