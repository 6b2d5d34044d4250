"""Building blocks of the rules: lookups that refuse, and state changes several rules share.

Lookups raise a DeskError before anything changes; the changes assume the checks are done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from chat.core import errors
from chat.core.events import (
    ConversationEnded,
    CounsellorLeftConversation,
    CounsellorOnline,
    CounsellorPaused,
    CounsellorWentOffline,
    Event,
    OfferWithdrawn,
    VisitorLeft,
)
from chat.core.model import (
    QUEUED,
    Conversation,
    Counsellor,
    CounsellorStatus,
    DeskConfig,
    DeskState,
    PolePolicy,
    Ticket,
    TicketStatus,
)
from chat.core.positions import announce_positions
from chat.core.reasons import AbandonReason, EndReason, LeaveReason, PauseReason, WithdrawReason
from chat.core.routing import route

VISITOR: Final = EndReason.VISITOR.value  # ``ended_by`` when the visitor ends a conversation


# --- lookups that refuse ------------------------------------------------------------------


def ticket_of(state: DeskState, token: str) -> Ticket:
    """The ticket of ``token``, or UnknownTicket."""
    ticket = state.tickets.get(token)
    if ticket is None:
        raise errors.UnknownTicket(token)
    return ticket


def counsellor_of(state: DeskState, counsellor_id: str) -> Counsellor:
    """The counsellor on shift, or NotOnShift."""
    counsellor = state.counsellors.get(counsellor_id)
    if counsellor is None:
        raise errors.NotOnShift(counsellor_id)
    return counsellor


def conversation_of(state: DeskState, conversation_id: str) -> Conversation:
    """The running conversation, or UnknownConversation."""
    conversation = state.conversations.get(conversation_id)
    if conversation is None:
        raise errors.UnknownConversation(conversation_id)
    return conversation


def require_member(conversation: Conversation, counsellor_id: str) -> None:
    """Only the counsellors of a conversation may act on it."""
    if counsellor_id not in conversation.counsellor_ids:
        raise errors.NotInConversation(f"{counsellor_id} not in {conversation.id}")


def open_pole(policies: Mapping[str, PolePolicy], pole: str) -> PolePolicy:
    """The policy of a pole open now, or UnknownPole / PoleClosed."""
    policy = policies.get(pole)
    if policy is None:
        raise errors.UnknownPole(pole)
    if not policy.is_open:
        raise errors.PoleClosed(pole, policy.opens_at)
    return policy


def standing_offer(state: DeskState, counsellor_id: str, token: str, now: float) -> Ticket:
    """The ticket offered to ``counsellor_id``, if the offer still stands."""
    counsellor_of(state, counsellor_id)
    ticket = state.tickets.get(token)
    if (
        ticket is None
        or ticket.status is not TicketStatus.OFFERED
        or ticket.offered_to != counsellor_id
        or (ticket.offer_expires_at is not None and ticket.offer_expires_at <= now)
    ):
        # An offer past its deadline is gone even before tick() notices: accepting it
        # would race the next counsellor.
        raise errors.NoSuchOffer(f"{token} is not offered to {counsellor_id}")
    return ticket


# --- state changes shared by several rules ------------------------------------------------


def queue_ticket(
    state: DeskState,
    *,
    token: str,
    pole: str,
    pseudonym: str,
    arrived_at: float,
    requeued: bool = False,
    now: float,
    config: DeskConfig,
) -> Ticket:
    """A waiting ticket with a fresh lease, queued from now; ``arrived_at`` decides its place."""
    ticket = Ticket(
        token=token,
        pole=pole,
        pseudonym=pseudonym,
        arrived_at=arrived_at,
        status=TicketStatus.WAITING,
        lease_expires_at=now + config.lease_ttl,
        queued_at=now,
        requeued=requeued,
    )
    state.tickets[token] = ticket
    return ticket


def seat_counsellor(
    state: DeskState,
    *,
    counsellor_id: str,
    display_name: str,
    institution: str,
    poles: list[str],
    capacity: int,
    status: CounsellorStatus = CounsellorStatus.AVAILABLE,
    now: float,
    config: DeskConfig,
) -> Counsellor:
    """A counsellor on shift with a fresh lease, idle from now."""
    counsellor = Counsellor(
        id=counsellor_id,
        display_name=display_name,
        institution=institution,
        poles=poles,
        capacity=capacity,
        status=status,
        lease_expires_at=now + config.lease_ttl,
        idle_since=now,
    )
    state.counsellors[counsellor_id] = counsellor
    return counsellor


def shift_told(counsellor: Counsellor) -> CounsellorOnline:
    """The shift a counsellor is on, as started, updated or re-formed."""
    return CounsellorOnline(
        counsellor_id=counsellor.id,
        institution=counsellor.institution,
        poles=tuple(counsellor.poles),
        capacity=counsellor.capacity,
    )


def left_queue(ticket: Ticket, reason: AbandonReason, now: float) -> VisitorLeft:
    """A visitor leaving before any conversation: their wait counts from their queueing."""
    return VisitorLeft(
        token=ticket.token, pole=ticket.pole, waited=now - ticket.queued_at, reason=reason
    )


def leave_conversation(
    conversation: Conversation, counsellor: Counsellor, reason: LeaveReason
) -> CounsellorLeftConversation:
    """Take a counsellor out of a conversation their colleagues carry on (the next becomes
    lead); the caller frees or drops the counsellor's slot."""
    conversation.counsellor_ids.remove(counsellor.id)
    return CounsellorLeftConversation(
        conversation_id=conversation.id,
        token=conversation.token,
        counsellor_id=counsellor.id,
        lead_id=conversation.counsellor_ids[0],
        reason=reason,
        display_name=counsellor.display_name,
        institution=counsellor.institution,
    )


def finish(
    state: DeskState, events: list[Event], dirty: Iterable[str], now: float, config: DeskConfig
) -> list[Event]:
    """Route, then announce position changes of the touched poles."""
    events.extend(route(state, now, config))
    events.extend(announce_positions(state, dirty, now, config))
    return events


def clear_offer(state: DeskState, ticket: Ticket) -> str:
    """Take the offer back from its counsellor; the ticket waits again in its place."""
    counsellor_id = ticket.offered_to
    assert counsellor_id is not None, "only offered tickets have an offer to clear"
    counsellor = state.counsellors.get(counsellor_id)
    if counsellor is not None and ticket.token in counsellor.offered_tokens:
        counsellor.offered_tokens.remove(ticket.token)
    ticket.status = TicketStatus.WAITING
    ticket.offered_to = None
    ticket.offer_expires_at = None
    ticket.offer_extended = False
    return counsellor_id


def withdraw(state: DeskState, ticket: Ticket, reason: WithdrawReason) -> Event:
    """Cancel an offer nobody answered wrongly: it does not count as a decline."""
    counsellor_id = clear_offer(state, ticket)
    return OfferWithdrawn(token=ticket.token, counsellor_id=counsellor_id, reason=reason)


def withdraw_all(
    state: DeskState, counsellor: Counsellor, reason: WithdrawReason
) -> list[Event]:
    """Cancel every pending offer of ``counsellor``."""
    return [
        withdraw(state, state.tickets[token], reason) for token in list(counsellor.offered_tokens)
    ]


def free_slot(
    state: DeskState, counsellor: Counsellor, conversation_id: str, now: float
) -> list[Event]:
    """Release one conversation slot; a draining counsellor with none left goes offline."""
    counsellor.conversation_ids.remove(conversation_id)
    counsellor.idle_since = now
    if counsellor.status is CounsellorStatus.DRAINING and not counsellor.conversation_ids:
        del state.counsellors[counsellor.id]
        return [CounsellorWentOffline(counsellor_id=counsellor.id)]
    return []


def end_conversation(
    state: DeskState,
    conversation: Conversation,
    *,
    reason: EndReason,
    outcome_tags: Iterable[str],
    now: float,
) -> list[Event]:
    """Close ``conversation`` and free its counsellors; the caller decides the ticket's fate."""
    counsellors = [state.counsellors[cid] for cid in conversation.counsellor_ids]
    events: list[Event] = [
        ConversationEnded(
            conversation_id=conversation.id,
            token=conversation.token,
            pole=conversation.pole,
            counsellor_ids=tuple(conversation.counsellor_ids),
            institutions=tuple(c.institution for c in counsellors),
            waited=conversation.waited,
            duration=now - conversation.started_at,
            reason=reason,
            outcome_tags=tuple(outcome_tags),
        )
    ]
    del state.conversations[conversation.id]
    for counsellor in counsellors:
        events.extend(free_slot(state, counsellor, conversation.id, now))
    return events


def requeue(ticket: Ticket, *, pole: str, head: bool, now: float) -> None:
    """Put a ticket back in a queue, keeping its original arrival time."""
    ticket.pole = pole
    ticket.status = TicketStatus.WAITING
    ticket.conversation_id = None
    ticket.queued_at = now
    ticket.requeued = head
    ticket.declined_by = []
    ticket.position = 0
    ticket.estimate_seconds = None


def forget_declines(state: DeskState, counsellor_id: str) -> None:
    """A counsellor who comes back (resume, reconnect) may be offered anyone again."""
    for ticket in state.tickets.values():
        if counsellor_id in ticket.declined_by:
            ticket.declined_by.remove(counsellor_id)


def queue_length(state: DeskState, pole: str) -> int:
    """Visitors waiting (offered or not) in ``pole``, for its capacity."""
    return sum(1 for t in state.tickets.values() if t.pole == pole and t.status in QUEUED)


def pause(state: DeskState, counsellor: Counsellor, reason: PauseReason) -> list[Event]:
    """Stop offers to ``counsellor``; their pending offers pass on."""
    counsellor.status = CounsellorStatus.PAUSED
    events = withdraw_all(state, counsellor, WithdrawReason.COUNSELLOR_PAUSED)
    events.append(CounsellorPaused(counsellor_id=counsellor.id, reason=reason))
    return events
