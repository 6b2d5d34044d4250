"""Selectors: pure reads of the desk state, for screens and the manager's dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from chat.core.estimate import wait_estimate
from chat.core.model import DEFAULTS, QUEUED, DeskConfig, DeskState, Ticket, TicketStatus
from chat.core.routing import can_take_offers, queue_key


@dataclass(frozen=True, slots=True)
class PoleLoad:
    """A pole's live figures: what the landing page and the manager's dashboard show."""

    pole: str
    waiting: int  # visitors in the queue, offered ones included
    longest_wait: float  # seconds the longest-waiting visitor has been in this queue
    counsellors_online: int  # on shift for this pole, whatever their status
    counsellors_available: int  # taking offers and with a free slot now
    conversations: int  # running conversations of this pole
    estimate_seconds: float | None  # for a visitor joining now; None means unknown
    offers_pending: int = 0  # visitors offered to a counsellor who has not answered yet


def queue_of(state: DeskState, pole: str) -> list[Ticket]:
    """The pole's queue in fairness order (waiting and offered tickets)."""
    return sorted(
        (t for t in state.tickets.values() if t.pole == pole and t.status in QUEUED),
        key=queue_key,
    )


def queue_position(state: DeskState, token: str) -> int | None:
    """1-based place of ``token`` in its pole's queue; None when not queued."""
    ticket = state.tickets.get(token)
    if ticket is None or ticket.status not in QUEUED:
        return None
    mine = queue_key(ticket)
    ahead = sum(
        1
        for t in state.tickets.values()
        if t.pole == ticket.pole and t.status in QUEUED and queue_key(t) < mine
    )
    return ahead + 1


def pole_load(state: DeskState, pole: str, now: float, config: DeskConfig = DEFAULTS) -> PoleLoad:
    """Live figures of ``pole``."""
    queued = [t for t in state.tickets.values() if t.pole == pole and t.status in QUEUED]
    on_shift = [c for c in state.counsellors.values() if pole in c.poles]
    return PoleLoad(
        pole=pole,
        waiting=len(queued),
        longest_wait=max((now - t.queued_at for t in queued), default=0.0),
        counsellors_online=len(on_shift),
        counsellors_available=sum(1 for c in on_shift if can_take_offers(c, now)),
        conversations=sum(1 for c in state.conversations.values() if c.pole == pole),
        estimate_seconds=wait_estimate(state, pole, len(queued) + 1, now, config),
        offers_pending=sum(1 for t in queued if t.status is TicketStatus.OFFERED),
    )


@dataclass(frozen=True, slots=True)
class PoleStaffing:
    """Who is on shift for a pole, by institution (the managers' dashboard: the charter's
    neutrality makes every partner's share visible)."""

    pole: str
    online: dict[str, int]  # institution short name -> counsellors on shift for the pole
    available: dict[str, int]  # of them, taking offers with a free slot now


def pole_staffing(state: DeskState, pole: str, now: float) -> PoleStaffing:
    online: dict[str, int] = {}
    available: dict[str, int] = {}
    for counsellor in state.counsellors.values():
        if pole not in counsellor.poles:
            continue
        online[counsellor.institution] = online.get(counsellor.institution, 0) + 1
        if can_take_offers(counsellor, now):
            available[counsellor.institution] = available.get(counsellor.institution, 0) + 1
    return PoleStaffing(pole=pole, online=dict(sorted(online.items())),
                        available=dict(sorted(available.items())))
