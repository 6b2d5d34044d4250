"""Rules for counsellors' shifts: online, pause, resume, drain, heartbeat."""

from __future__ import annotations

from chat.core import errors
from chat.core.events import (
    CounsellorDraining,
    CounsellorResumed,
    CounsellorWentOffline,
    Event,
    OfferWithdrawn,
)
from chat.core.model import (
    DEFAULTS,
    CounsellorStatus,
    DeskConfig,
    DeskState,
)
from chat.core.reasons import PauseReason, WithdrawReason
from chat.core.routing import load
from chat.core.steps import (
    counsellor_of,
    finish,
    forget_declines,
    pause,
    seat_counsellor,
    shift_told,
    withdraw,
    withdraw_all,
)


def counsellor_online(
    state: DeskState,
    *,
    counsellor_id: str,
    display_name: str,
    institution: str,
    poles: list[str],
    capacity: int,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """Start a shift, or update it (poles, capacity) and renew its lease on a reconnect.

    A draining counsellor who calls it again is back on shift; a paused one stays paused,
    since pausing was their own choice. Capacity may not drop below the running conversations.
    """
    existing = state.counsellors.get(counsellor_id)
    running = len(existing.conversation_ids) if existing is not None else 0
    if capacity < 1 or capacity < running:
        raise errors.InvalidCapacity(f"capacity {capacity} with {running} conversations")
    unique_poles = list(dict.fromkeys(poles))
    events: list[Event] = []
    if existing is None:
        counsellor = seat_counsellor(
            state,
            counsellor_id=counsellor_id,
            display_name=display_name,
            institution=institution,
            poles=unique_poles,
            capacity=capacity,
            now=now,
            config=config,
        )
    else:
        counsellor = existing
        counsellor.display_name = display_name
        counsellor.institution = institution
        counsellor.poles = unique_poles
        counsellor.capacity = capacity
        counsellor.lease_expires_at = now + config.lease_ttl
        if counsellor.status is CounsellorStatus.DRAINING:
            counsellor.status = CounsellorStatus.AVAILABLE
        for token in list(counsellor.offered_tokens):
            if state.tickets[token].pole not in unique_poles:
                events.append(withdraw(state, state.tickets[token], WithdrawReason.POLES_CHANGED))
        while load(counsellor) > counsellor.capacity:
            newest = counsellor.offered_tokens[-1]
            events.append(withdraw(state, state.tickets[newest], WithdrawReason.CAPACITY_LOWERED))
    forget_declines(state, counsellor_id)
    events.insert(0, shift_told(counsellor))
    dirty = {state.tickets[e.token].pole for e in events if isinstance(e, OfferWithdrawn)}
    # Estimates depend on who is on shift for each pole.
    dirty.update(unique_poles)
    return finish(state, events, dirty, now, config)


def counsellor_pause(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """Stop receiving offers for a while; running conversations go on, pending offers pass on."""
    counsellor = counsellor_of(state, counsellor_id)
    if counsellor.status is CounsellorStatus.PAUSED:
        return []
    if counsellor.status is not CounsellorStatus.AVAILABLE:
        raise errors.InvalidTransition("pause", CounsellorStatus.AVAILABLE, counsellor.status)
    events = pause(state, counsellor, PauseReason.REQUESTED)
    return finish(state, events, counsellor.poles, now, config)


def counsellor_resume(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """Receive offers again, after a pause or instead of finishing a drain.

    Also forgets this counsellor's earlier declines: coming back means "send me anyone".
    """
    counsellor = counsellor_of(state, counsellor_id)
    if counsellor.status is CounsellorStatus.AVAILABLE:
        return []
    counsellor.status = CounsellorStatus.AVAILABLE
    counsellor.missed_offers_in_row = 0
    counsellor.lease_expires_at = max(counsellor.lease_expires_at, now + config.lease_ttl)
    forget_declines(state, counsellor_id)
    events: list[Event] = [CounsellorResumed(counsellor_id=counsellor_id)]
    return finish(state, events, counsellor.poles, now, config)


def counsellor_drain(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """End a shift gracefully: no new offers, running conversations finish, then offline."""
    counsellor = counsellor_of(state, counsellor_id)
    if counsellor.status is CounsellorStatus.DRAINING:
        return []
    counsellor.status = CounsellorStatus.DRAINING
    events = withdraw_all(state, counsellor, WithdrawReason.COUNSELLOR_DRAINING)
    # Draining is always told, then going offline when nothing runs: a screen sees the same
    # sequence whether the last conversation ends now or later.
    events.append(CounsellorDraining(counsellor_id=counsellor_id,
                                     poles=tuple(counsellor.poles),
                                     capacity=counsellor.capacity))
    if not counsellor.conversation_ids:
        del state.counsellors[counsellor_id]
        events.append(CounsellorWentOffline(counsellor_id=counsellor_id))
    return finish(state, events, counsellor.poles, now, config)


def counsellor_heartbeat(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """Renew a counsellor's lease. A lost counsellor gets NotOnShift and must go online again."""
    counsellor = counsellor_of(state, counsellor_id)
    counsellor.lease_expires_at = now + config.lease_ttl
    return finish(state, [], [], now, config)
