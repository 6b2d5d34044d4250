"""Rules for visitors: join, leave, heartbeat, disconnect, resume."""

from __future__ import annotations

from collections.abc import Mapping

from chat.core import errors
from chat.core.events import (
    Event,
    VisitorDisconnected,
    VisitorQueued,
    VisitorRefused,
    VisitorResumed,
)
from chat.core.model import (
    DEFAULTS,
    DeskConfig,
    DeskState,
    PolePolicy,
    Ticket,
    TicketStatus,
)
from chat.core.reasons import AbandonReason, EndReason, RefusalReason, WithdrawReason
from chat.core.steps import (
    end_conversation,
    finish,
    left_queue,
    open_pole,
    queue_length,
    queue_ticket,
    ticket_of,
    withdraw,
)


def visitor_join(
    state: DeskState,
    *,
    token: str,
    pseudonym: str,
    pole: str,
    policies: Mapping[str, PolePolicy],
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """A visitor takes a ticket in ``pole``'s queue.

    Refused when the pole is unknown, the token is blocked, the token already holds a ticket
    (resume it instead), the pole is closed (with its next opening) or its queue is full.
    """
    if pole not in policies:
        raise errors.UnknownPole(pole)
    until = state.blocked.get(token)
    if until is not None and until > now:
        raise errors.TokenBlocked(until)
    if token in state.tickets:
        raise errors.AlreadyQueued(token)
    policy = open_pole(policies, pole)
    if queue_length(state, pole) >= policy.capacity:
        raise errors.QueueFull(pole)
    ticket = queue_ticket(
        state, token=token, pole=pole, pseudonym=pseudonym, arrived_at=now, now=now, config=config
    )
    rest = finish(state, [], [pole], now, config)
    return [VisitorQueued(token=token, pole=pole, position=ticket.position), *rest]


def join_refused(pole: str, refusal: errors.DeskError) -> VisitorRefused | None:
    """The figure of a join turned away (closed, full, blocked: a visit the desk could not
    take); None for a refusal that is no visit (an unknown pole, a second ticket)."""
    match refusal:
        case errors.PoleClosed():
            return VisitorRefused(pole=pole, reason=RefusalReason.CLOSED)
        case errors.QueueFull():
            return VisitorRefused(pole=pole, reason=RefusalReason.FULL)
        case errors.TokenBlocked():
            return VisitorRefused(pole=pole, reason=RefusalReason.BLOCKED)
    return None


def visitor_leave(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """A visitor leaves: from the queue (an abandonment) or by ending their conversation."""
    ticket = ticket_of(state, token)
    events: list[Event] = []
    if ticket.status is TicketStatus.IN_CONVERSATION:
        assert ticket.conversation_id is not None
        conversation = state.conversations[ticket.conversation_id]
        events += end_conversation(
            state, conversation, reason=EndReason.VISITOR, outcome_tags=(), now=now
        )
    else:
        if ticket.status is TicketStatus.OFFERED:
            events.append(withdraw(state, ticket, WithdrawReason.VISITOR_LEFT))
        events.append(left_queue(ticket, AbandonReason.LEFT, now))
    del state.tickets[token]
    return finish(state, events, [ticket.pole], now, config)


def visitor_heartbeat(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """Renew a visitor's lease; a heartbeat from a visitor in grace proves they are back."""
    ticket = ticket_of(state, token)
    if ticket.disconnected_at is not None or ticket.lease_expires_at <= now:
        return visitor_resume(state, token=token, now=now, config=config)
    ticket.lease_expires_at = now + config.lease_ttl
    return finish(state, [], [], now, config)


def visitor_disconnect(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """A visitor's socket closed: their place (or conversation) is kept during the grace period.

    A disconnected visitor is not offered to anyone, so no counsellor waits on a closed page.
    """
    ticket = ticket_of(state, token)
    if ticket.disconnected_at is not None:
        return []
    ticket.disconnected_at = now
    events: list[Event] = []
    if ticket.status is TicketStatus.OFFERED:
        events.append(withdraw(state, ticket, WithdrawReason.VISITOR_DISCONNECTED))
    events.append(
        VisitorDisconnected(token=token, pole=ticket.pole, grace_until=now + config.visitor_grace)
    )
    return finish(state, events, [], now, config)


def visitor_resume(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """A visitor comes back with their token within the grace period (reload, network blip).

    Refused with UnknownTicket once the grace period is over, even before tick() removed it.
    Their position is announced again, since the new page knows nothing yet.
    """
    ticket = ticket_of(state, token)
    events = come_back(state, ticket, now=now, config=config)
    dirty = [ticket.pole] if ticket.status is not TicketStatus.IN_CONVERSATION else []
    return finish(state, events, dirty, now, config)


def come_back(state: DeskState, ticket: Ticket, *, now: float, config: DeskConfig) -> list[Event]:
    """The state change of a resume, without routing: the caller routes once it is done.

    ``maintain`` renews every socket of a process this way and routes once at the end, so a
    visitor's place does not depend on the order in which the process lists its sockets.
    Raises UnknownTicket (before any change) once the grace period is over.
    """
    lost_since = ticket.disconnected_at
    if lost_since is None and ticket.lease_expires_at <= now:
        lost_since = ticket.lease_expires_at  # the lease ran out before tick() noticed
    if lost_since is not None and now - lost_since >= config.visitor_grace:
        raise errors.UnknownTicket(ticket.token)
    events: list[Event] = []
    if ticket.disconnected_at is not None:
        events.append(VisitorResumed(token=ticket.token, pole=ticket.pole))
    ticket.disconnected_at = None
    ticket.lease_expires_at = now + config.lease_ttl
    ticket.position = 0  # forces a fresh PositionChanged for the new page
    return events
