"""Letting time pass: offers, leases, grace periods and blocks expire."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from chat.core.errors import UnknownTicket
from chat.core.estimate import prune_served
from chat.core.events import (
    CounsellorLost,
    Event,
    OfferExpired,
    VisitorDisconnected,
    VisitorRequeued,
)
from chat.core.model import (
    DEFAULTS,
    CounsellorStatus,
    DeskConfig,
    DeskState,
    TicketStatus,
)
from chat.core.reasons import (
    AbandonReason,
    EndReason,
    LeaveReason,
    PauseReason,
    RequeueReason,
    WithdrawReason,
)
from chat.core.steps import (
    clear_offer,
    end_conversation,
    finish,
    leave_conversation,
    left_queue,
    pause,
    requeue,
    withdraw,
    withdraw_all,
)
from chat.core.visitors import come_back


def tick(state: DeskState, *, now: float, config: DeskConfig = DEFAULTS) -> list[Event]:
    """Let time pass: expire offers, leases, grace periods and blocks, then route.

    Run by every process's maintenance step, at the end of ``maintain`` (each step is one
    atomic change of the store). The order matters: counsellors are lost before visitors are
    requeued, so a visitor requeued by a lost counsellor is routed in the same call.
    """
    events: list[Event] = []
    events += _expire_offers(state, now, config)
    events += _lose_counsellors(state, now)
    events += _expire_visitor_leases(state, now, config)
    events += _drop_lost_visitors(state, now, config)
    for token in [t for t, until in state.blocked.items() if until <= now]:
        del state.blocked[token]
    prune_served(state, now, config)
    # Estimates drift with time, so every queue is re-examined (changes only are announced).
    dirty = {t.pole for t in state.tickets.values()}
    return finish(state, events, dirty, now, config)


def maintain(
    state: DeskState,
    *,
    tokens: Iterable[str],
    counsellor_ids: Iterable[str],
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """One process's periodic step: renew the leases of its live sockets, then tick.

    The same as a heartbeat per socket followed by `tick`, but it routes once instead of after
    every heartbeat (each routing pass walks the queues and counsellors). Unknown tokens and
    counsellors are skipped: they ended or expired since the process last looked.

    No routing happens before every socket is renewed: routing after each renewal made the
    outcome depend on the order of ``tokens`` (a set, in no particular order), and a visitor
    back from a disconnection could be passed over by one behind them whose socket happened to
    come first (tests/unit/test_desk_liveness.py, the stateful suite's shrunk example).
    """
    events: list[Event] = []
    for token in tokens:
        ticket = state.tickets.get(token)
        if ticket is None:
            continue
        if ticket.disconnected_at is not None or ticket.lease_expires_at <= now:
            # Its grace may have run out before this renewal: refused before any change.
            with contextlib.suppress(UnknownTicket):
                events += come_back(state, ticket, now=now, config=config)
            continue
        ticket.lease_expires_at = now + config.lease_ttl
    for counsellor_id in counsellor_ids:
        counsellor = state.counsellors.get(counsellor_id)
        if counsellor is not None:
            counsellor.lease_expires_at = now + config.lease_ttl
    return events + tick(state, now=now, config=config)


def _expire_offers(state: DeskState, now: float, config: DeskConfig) -> list[Event]:
    """An offer timing out counts as a decline; two in a row pause the silent counsellor."""
    expired = sorted(
        (
            t
            for t in state.tickets.values()
            if t.status is TicketStatus.OFFERED
            and t.offer_expires_at is not None
            and t.offer_expires_at <= now
        ),
        key=lambda t: (t.offer_expires_at or 0.0, t.token),
    )
    events: list[Event] = []
    for ticket in expired:
        if ticket.status is not TicketStatus.OFFERED:
            continue  # already withdrawn when its counsellor was paused earlier in this loop
        counsellor_id = clear_offer(state, ticket)
        ticket.declined_by.append(counsellor_id)
        events.append(OfferExpired(token=ticket.token, counsellor_id=counsellor_id))
        counsellor = state.counsellors.get(counsellor_id)
        if counsellor is None:
            continue
        counsellor.missed_offers_in_row += 1
        if (
            counsellor.missed_offers_in_row >= config.missed_offers_before_pause
            and counsellor.status is CounsellorStatus.AVAILABLE
        ):
            events += pause(state, counsellor, PauseReason.MISSED_OFFERS)
    return events


def counsellor_remove(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """Take a counsellor off the desk now, as if their lease had expired.

    For a counsellor who may no longer counsel (their role was withdrawn): waiting for the
    lease would leave their visitors talking to nobody and offer them the next visitor.
    Unknown counsellors are ignored (already gone).
    """
    if counsellor_id not in state.counsellors:
        return []
    events = _lose(state, counsellor_id, now)
    return finish(state, events, {t.pole for t in state.tickets.values()}, now, config)


def counsellor_dropped(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """A counsellor's socket was dropped (daphne's ping went unanswered, or the connection
    broke): shorten their lease to ``config.dropped_lease``.

    A page that reloads closes its socket cleanly and keeps the whole lease; a dropped one
    has been silent already, and their visitors must not wait the full lease on top. A live
    socket elsewhere (another tab, another process) renews the lease before it runs out.
    """
    counsellor = state.counsellors.get(counsellor_id)
    if counsellor is not None:
        counsellor.lease_expires_at = min(counsellor.lease_expires_at, now + config.dropped_lease)
    return []


def _lose_counsellors(state: DeskState, now: float) -> list[Event]:
    """A counsellor whose lease expired is gone: their visitors go back to the queue head."""
    events: list[Event] = []
    lost = sorted(c for c, k in state.counsellors.items() if k.lease_expires_at <= now)
    for counsellor_id in lost:
        events += _lose(state, counsellor_id, now)
    return events


def _lose(state: DeskState, counsellor_id: str, now: float) -> list[Event]:
    """Remove a counsellor: offers withdrawn, conversations requeued at the head or handed
    over to the colleague who shares them."""
    events: list[Event] = []
    counsellor = state.counsellors[counsellor_id]
    events += withdraw_all(state, counsellor, WithdrawReason.COUNSELLOR_LOST)
    # Taken out of routing first, so freeing its slots cannot trigger an offline event.
    counsellor.status = CounsellorStatus.PAUSED
    requeued: list[str] = []
    for conversation_id in list(counsellor.conversation_ids):
        conversation = state.conversations[conversation_id]
        if len(conversation.counsellor_ids) == 1:
            events += end_conversation(
                state, conversation, reason=EndReason.COUNSELLOR_LOST, outcome_tags=(), now=now
            )
            ticket = state.tickets[conversation.token]
            requeue(ticket, pole=conversation.pole, head=True, now=now)
            requeued.append(ticket.token)
            events.append(
                VisitorRequeued(
                    token=ticket.token, pole=ticket.pole, reason=RequeueReason.COUNSELLOR_LOST
                )
            )
        else:
            events.append(leave_conversation(conversation, counsellor, LeaveReason.LOST))
            counsellor.conversation_ids.remove(conversation_id)
    del state.counsellors[counsellor_id]
    events.append(CounsellorLost(counsellor_id=counsellor_id, requeued_tokens=tuple(requeued)))
    return events


def _expire_visitor_leases(state: DeskState, now: float, config: DeskConfig) -> list[Event]:
    """A visitor whose lease expired is treated as disconnected from the lease's expiry."""
    events: list[Event] = []
    for ticket in sorted(state.tickets.values(), key=lambda t: t.token):
        if ticket.disconnected_at is None and ticket.lease_expires_at <= now:
            ticket.disconnected_at = ticket.lease_expires_at
            if ticket.status is TicketStatus.OFFERED:
                events.append(withdraw(state, ticket, WithdrawReason.VISITOR_DISCONNECTED))
            events.append(
                VisitorDisconnected(
                    token=ticket.token,
                    pole=ticket.pole,
                    grace_until=ticket.lease_expires_at + config.visitor_grace,
                )
            )
    return events


def _drop_lost_visitors(state: DeskState, now: float, config: DeskConfig) -> list[Event]:
    """A visitor still away after the grace period is gone, from a queue or a conversation."""
    events: list[Event] = []
    gone = sorted(
        t.token
        for t in state.tickets.values()
        if t.disconnected_at is not None and now - t.disconnected_at >= config.visitor_grace
    )
    for token in gone:
        ticket = state.tickets[token]
        if ticket.status is TicketStatus.IN_CONVERSATION:
            assert ticket.conversation_id is not None
            events += end_conversation(
                state,
                state.conversations[ticket.conversation_id],
                reason=EndReason.VISITOR_LOST,
                outcome_tags=(),
                now=now,
            )
        else:
            events.append(left_queue(ticket, AbandonReason.LOST, now))
        del state.tickets[token]
    return events
