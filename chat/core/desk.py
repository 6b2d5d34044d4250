"""The desk's rules: every change to the desk state goes through one of these functions.

Each function checks everything first and raises a DeskError before changing anything, then
mutates ``state`` in place, runs routing (a visitor may have arrived or a slot freed), tells the
waiting visitors whose place moved, and returns the events in the order they happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chat.core import errors
from chat.core.estimate import prune_served
from chat.core.events import (
    ConversationEnded,
    ConversationStarted,
    ConversationTransferred,
    CounsellorDraining,
    CounsellorInvited,
    CounsellorLeftConversation,
    CounsellorLost,
    CounsellorOnline,
    CounsellorPaused,
    CounsellorResumed,
    CounsellorWentOffline,
    Event,
    OfferDeclined,
    OfferExpired,
    OfferWithdrawn,
    VisitorBlocked,
    VisitorDisconnected,
    VisitorLeft,
    VisitorQueued,
    VisitorRequeued,
    VisitorResumed,
)
from chat.core.model import (
    DEFAULTS,
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
from chat.core.routing import day_key, load, route

SECONDS_PER_HOUR = 3600.0
VISITOR = "visitor"  # ``ended_by`` value when the visitor ends a conversation


# --- lookups that refuse ------------------------------------------------------------------


def _ticket(state: DeskState, token: str) -> Ticket:
    ticket = state.tickets.get(token)
    if ticket is None:
        raise errors.UnknownTicket(token)
    return ticket


def _counsellor(state: DeskState, counsellor_id: str) -> Counsellor:
    counsellor = state.counsellors.get(counsellor_id)
    if counsellor is None:
        raise errors.NotOnShift(counsellor_id)
    return counsellor


def _conversation(state: DeskState, conversation_id: str) -> Conversation:
    conversation = state.conversations.get(conversation_id)
    if conversation is None:
        raise errors.UnknownConversation(conversation_id)
    return conversation


def _member(conversation: Conversation, counsellor_id: str) -> None:
    if counsellor_id not in conversation.counsellor_ids:
        raise errors.NotInConversation(f"{counsellor_id} not in {conversation.id}")


def _open_pole(policies: Mapping[str, PolePolicy], pole: str) -> PolePolicy:
    policy = policies.get(pole)
    if policy is None:
        raise errors.UnknownPole(pole)
    if not policy.is_open:
        raise errors.PoleClosed(pole, policy.opens_at)
    return policy


def _offer_of(state: DeskState, counsellor_id: str, token: str, now: float) -> Ticket:
    """The ticket offered to ``counsellor_id``, if the offer still stands."""
    _counsellor(state, counsellor_id)
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


def _finish(
    state: DeskState, events: list[Event], dirty: Iterable[str], now: float, config: DeskConfig
) -> list[Event]:
    """Route, then announce position changes of the touched poles."""
    events.extend(route(state, now, config))
    events.extend(announce_positions(state, dirty, now, config))
    return events


def _clear_offer(state: DeskState, ticket: Ticket) -> str:
    """Take the offer back from its counsellor; the ticket waits again in its place."""
    counsellor_id = ticket.offered_to
    assert counsellor_id is not None, "only offered tickets have an offer to clear"
    counsellor = state.counsellors.get(counsellor_id)
    if counsellor is not None and ticket.token in counsellor.offered_tokens:
        counsellor.offered_tokens.remove(ticket.token)
    ticket.status = TicketStatus.WAITING
    ticket.offered_to = None
    ticket.offer_expires_at = None
    return counsellor_id


def _withdraw(state: DeskState, ticket: Ticket, reason: str) -> Event:
    """Cancel an offer nobody answered wrongly: it does not count as a decline."""
    counsellor_id = _clear_offer(state, ticket)
    return OfferWithdrawn(token=ticket.token, counsellor_id=counsellor_id, reason=reason)


def _withdraw_all(state: DeskState, counsellor: Counsellor, reason: str) -> list[Event]:
    """Cancel every pending offer of ``counsellor``."""
    return [
        _withdraw(state, state.tickets[token], reason) for token in list(counsellor.offered_tokens)
    ]


def _free_slot(
    state: DeskState, counsellor: Counsellor, conversation_id: str, now: float
) -> list[Event]:
    """Release one conversation slot; a draining counsellor with none left goes offline."""
    counsellor.conversation_ids.remove(conversation_id)
    counsellor.idle_since = now
    if counsellor.status is CounsellorStatus.DRAINING and not counsellor.conversation_ids:
        del state.counsellors[counsellor.id]
        return [CounsellorWentOffline(counsellor_id=counsellor.id)]
    return []


def _end_conversation(
    state: DeskState,
    conversation: Conversation,
    *,
    reason: str,
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
        events.extend(_free_slot(state, counsellor, conversation.id, now))
    return events


def _requeue(ticket: Ticket, *, pole: str, head: bool, now: float) -> None:
    """Put a ticket back in a queue, keeping its original arrival time."""
    ticket.pole = pole
    ticket.status = TicketStatus.WAITING
    ticket.conversation_id = None
    ticket.queued_at = now
    ticket.requeued = head
    ticket.declined_by = []
    ticket.position = 0
    ticket.estimate_seconds = None


def _forget_declines(state: DeskState, counsellor_id: str) -> None:
    """A counsellor who comes back (resume, reconnect) may be offered anyone again."""
    for ticket in state.tickets.values():
        if counsellor_id in ticket.declined_by:
            ticket.declined_by.remove(counsellor_id)


def _queue_length(state: DeskState, pole: str) -> int:
    return sum(
        1
        for t in state.tickets.values()
        if t.pole == pole and t.status is not TicketStatus.IN_CONVERSATION
    )


# --- visitors -----------------------------------------------------------------------------


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
    policy = _open_pole(policies, pole)
    if _queue_length(state, pole) >= policy.capacity:
        raise errors.QueueFull(pole)
    ticket = Ticket(
        token=token,
        pole=pole,
        pseudonym=pseudonym,
        arrived_at=now,
        status=TicketStatus.WAITING,
        lease_expires_at=now + config.lease_ttl,
        queued_at=now,
    )
    state.tickets[token] = ticket
    rest = _finish(state, [], [pole], now, config)
    return [VisitorQueued(token=token, pole=pole, position=ticket.position), *rest]


def visitor_leave(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """A visitor leaves: from the queue (an abandonment) or by ending their conversation."""
    ticket = _ticket(state, token)
    events: list[Event] = []
    if ticket.status is TicketStatus.IN_CONVERSATION:
        assert ticket.conversation_id is not None
        conversation = state.conversations[ticket.conversation_id]
        events += _end_conversation(state, conversation, reason=VISITOR, outcome_tags=(), now=now)
    else:
        if ticket.status is TicketStatus.OFFERED:
            events.append(_withdraw(state, ticket, "visitor_left"))
        events.append(
            VisitorLeft(token=token, pole=ticket.pole, waited=now - ticket.queued_at, reason="left")
        )
    del state.tickets[token]
    return _finish(state, events, [ticket.pole], now, config)


def visitor_heartbeat(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """Renew a visitor's lease; a heartbeat from a visitor in grace proves they are back."""
    ticket = _ticket(state, token)
    if ticket.disconnected_at is not None or ticket.lease_expires_at <= now:
        return visitor_resume(state, token=token, now=now, config=config)
    ticket.lease_expires_at = now + config.lease_ttl
    return _finish(state, [], [], now, config)


def visitor_disconnect(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """A visitor's socket closed: their place (or conversation) is kept during the grace period.

    A disconnected visitor is not offered to anyone, so no counsellor waits on a closed page.
    """
    ticket = _ticket(state, token)
    if ticket.disconnected_at is not None:
        return []
    ticket.disconnected_at = now
    events: list[Event] = []
    if ticket.status is TicketStatus.OFFERED:
        events.append(_withdraw(state, ticket, "visitor_disconnected"))
    events.append(
        VisitorDisconnected(token=token, pole=ticket.pole, grace_until=now + config.visitor_grace)
    )
    return _finish(state, events, [], now, config)


def visitor_resume(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """A visitor comes back with their token within the grace period (reload, network blip).

    Refused with UnknownTicket once the grace period is over, even before tick() removed it.
    Their position is announced again, since the new page knows nothing yet.
    """
    ticket = _ticket(state, token)
    lost_since = ticket.disconnected_at
    if lost_since is None and ticket.lease_expires_at <= now:
        lost_since = ticket.lease_expires_at  # the lease ran out before tick() noticed
    if lost_since is not None and now - lost_since >= config.visitor_grace:
        raise errors.UnknownTicket(token)
    events: list[Event] = []
    if ticket.disconnected_at is not None:
        events.append(VisitorResumed(token=token, pole=ticket.pole))
    ticket.disconnected_at = None
    ticket.lease_expires_at = now + config.lease_ttl
    ticket.position = 0  # forces a fresh PositionChanged for the new page
    dirty = [ticket.pole] if ticket.status is not TicketStatus.IN_CONVERSATION else []
    return _finish(state, events, dirty, now, config)


# --- counsellors --------------------------------------------------------------------------


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
        counsellor = Counsellor(
            id=counsellor_id,
            display_name=display_name,
            institution=institution,
            poles=unique_poles,
            capacity=capacity,
            status=CounsellorStatus.AVAILABLE,
            lease_expires_at=now + config.lease_ttl,
            idle_since=now,
        )
        state.counsellors[counsellor_id] = counsellor
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
                events.append(_withdraw(state, state.tickets[token], "poles_changed"))
        while load(counsellor) > counsellor.capacity:
            newest = counsellor.offered_tokens[-1]
            events.append(_withdraw(state, state.tickets[newest], "capacity_lowered"))
    _forget_declines(state, counsellor_id)
    events.insert(
        0,
        CounsellorOnline(
            counsellor_id=counsellor_id,
            institution=institution,
            poles=tuple(unique_poles),
            capacity=capacity,
        ),
    )
    dirty = {state.tickets[e.token].pole for e in events if isinstance(e, OfferWithdrawn)}
    # Estimates depend on who is on shift for each pole.
    dirty.update(unique_poles)
    return _finish(state, events, dirty, now, config)


def counsellor_pause(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """Stop receiving offers for a while; running conversations go on, pending offers pass on."""
    counsellor = _counsellor(state, counsellor_id)
    if counsellor.status is CounsellorStatus.PAUSED:
        return []
    if counsellor.status is not CounsellorStatus.AVAILABLE:
        raise errors.InvalidTransition("pause", CounsellorStatus.AVAILABLE, counsellor.status)
    events = _pause(state, counsellor, "requested")
    return _finish(state, events, counsellor.poles, now, config)


def _pause(state: DeskState, counsellor: Counsellor, reason: str) -> list[Event]:
    counsellor.status = CounsellorStatus.PAUSED
    events = _withdraw_all(state, counsellor, "counsellor_paused")
    events.append(CounsellorPaused(counsellor_id=counsellor.id, reason=reason))
    return events


def counsellor_resume(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """Receive offers again, after a pause or instead of finishing a drain.

    Also forgets this counsellor's earlier declines: coming back means "send me anyone".
    """
    counsellor = _counsellor(state, counsellor_id)
    if counsellor.status is CounsellorStatus.AVAILABLE:
        return []
    counsellor.status = CounsellorStatus.AVAILABLE
    counsellor.missed_offers_in_row = 0
    counsellor.lease_expires_at = max(counsellor.lease_expires_at, now + config.lease_ttl)
    _forget_declines(state, counsellor_id)
    events: list[Event] = [CounsellorResumed(counsellor_id=counsellor_id)]
    return _finish(state, events, counsellor.poles, now, config)


def counsellor_drain(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """End a shift gracefully: no new offers, running conversations finish, then offline."""
    counsellor = _counsellor(state, counsellor_id)
    if counsellor.status is CounsellorStatus.DRAINING:
        return []
    counsellor.status = CounsellorStatus.DRAINING
    events = _withdraw_all(state, counsellor, "counsellor_draining")
    if counsellor.conversation_ids:
        events.append(CounsellorDraining(counsellor_id=counsellor_id))
    else:
        del state.counsellors[counsellor_id]
        events.append(CounsellorWentOffline(counsellor_id=counsellor_id))
    return _finish(state, events, counsellor.poles, now, config)


def counsellor_heartbeat(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """Renew a counsellor's lease. A lost counsellor gets NotOnShift and must go online again."""
    counsellor = _counsellor(state, counsellor_id)
    counsellor.lease_expires_at = now + config.lease_ttl
    return _finish(state, [], [], now, config)


# --- offers -------------------------------------------------------------------------------


def offer_accept(
    state: DeskState,
    *,
    counsellor_id: str,
    token: str,
    conversation_id: str,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """The counsellor accepts the visitor offered to them: a conversation starts.

    The handover note is discarded here: it was meant for this counsellor only.
    """
    ticket = _offer_of(state, counsellor_id, token, now)
    if conversation_id in state.conversations:
        raise errors.ConversationIdInUse(conversation_id)
    counsellor = state.counsellors[counsellor_id]
    counsellor.offered_tokens.remove(token)
    counsellor.conversation_ids.append(conversation_id)
    counsellor.missed_offers_in_row = 0
    waited = now - ticket.queued_at
    state.conversations[conversation_id] = Conversation(
        id=conversation_id,
        token=token,
        pole=ticket.pole,
        counsellor_ids=[counsellor_id],
        started_at=now,
        waited=waited,
        transferred_from=ticket.transferred_from,
    )
    ticket.status = TicketStatus.IN_CONVERSATION
    ticket.conversation_id = conversation_id
    ticket.offered_to = None
    ticket.offer_expires_at = None
    ticket.handover_note = None
    ticket.requeued = False
    ticket.declined_by = []
    ticket.position = 0
    ticket.estimate_seconds = None
    state.served.setdefault(ticket.pole, []).append(now)
    prune_served(state, now, config)
    day = day_key(now, config)
    if state.institution_day != day:
        state.institution_day = day
        state.institution_conversations = {}
    counts = state.institution_conversations
    counts[counsellor.institution] = counts.get(counsellor.institution, 0) + 1
    events: list[Event] = [
        ConversationStarted(
            conversation_id=conversation_id,
            token=token,
            pole=ticket.pole,
            counsellor_id=counsellor_id,
            display_name=counsellor.display_name,
            institution=counsellor.institution,
            waited=waited,
            transferred_from=ticket.transferred_from,
        )
    ]
    return _finish(state, events, [ticket.pole], now, config)


def offer_decline(
    state: DeskState, *, counsellor_id: str, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """The counsellor declines: the visitor keeps their place and goes to someone else."""
    ticket = _offer_of(state, counsellor_id, token, now)
    _clear_offer(state, ticket)
    ticket.declined_by.append(counsellor_id)
    state.counsellors[counsellor_id].missed_offers_in_row = 0  # an answer, not a silence
    events: list[Event] = [OfferDeclined(token=token, counsellor_id=counsellor_id)]
    return _finish(state, events, [], now, config)


# --- conversations ------------------------------------------------------------------------


def conversation_end(
    state: DeskState,
    *,
    conversation_id: str,
    ended_by: str,
    outcome_tags: list[str] | None = None,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """The visitor (``ended_by='visitor'``) or one of its counsellors ends a conversation."""
    conversation = _conversation(state, conversation_id)
    if ended_by != VISITOR:
        _member(conversation, ended_by)
    reason = VISITOR if ended_by == VISITOR else "counsellor"
    events = _end_conversation(
        state, conversation, reason=reason, outcome_tags=outcome_tags or (), now=now
    )
    del state.tickets[conversation.token]
    return _finish(state, events, [], now, config)


def conversation_transfer(
    state: DeskState,
    *,
    conversation_id: str,
    counsellor_id: str,
    to_pole: str,
    note: str | None,
    policies: Mapping[str, PolePolicy],
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """Pass the visitor on to another pole, keeping their original arrival time.

    Every counsellor of the conversation is freed. The target queue's capacity is not
    checked: it limits newcomers, and this visitor is already in the desk.
    """
    conversation = _conversation(state, conversation_id)
    _member(conversation, counsellor_id)
    if to_pole == conversation.pole:
        raise errors.SamePole(to_pole)
    _open_pole(policies, to_pole)
    events = _end_conversation(state, conversation, reason="transferred", outcome_tags=(), now=now)
    ticket = state.tickets[conversation.token]
    _requeue(ticket, pole=to_pole, head=False, now=now)
    ticket.transferred_from = conversation.pole
    ticket.handover_note = note
    events.append(
        ConversationTransferred(
            conversation_id=conversation_id,
            token=ticket.token,
            from_pole=conversation.pole,
            to_pole=to_pole,
            counsellor_id=counsellor_id,
        )
    )
    events.append(VisitorRequeued(token=ticket.token, pole=to_pole, reason="transferred"))
    return _finish(state, events, [to_pole], now, config)


def conversation_invite(
    state: DeskState,
    *,
    conversation_id: str,
    counsellor_id: str,
    invitee_id: str,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """Bring a colleague into a running conversation (another institution is welcome).

    The invitee must be on shift, available (not paused or draining), not already in it,
    and have a free slot: the invitation takes one of their slots.
    """
    conversation = _conversation(state, conversation_id)
    _member(conversation, counsellor_id)
    if invitee_id == counsellor_id:
        raise errors.CannotInviteSelf(invitee_id)
    invitee = state.counsellors.get(invitee_id)
    if (
        invitee is None
        or invitee.status is not CounsellorStatus.AVAILABLE
        or invitee.lease_expires_at <= now
        or invitee_id in conversation.counsellor_ids
        or load(invitee) >= invitee.capacity
    ):
        raise errors.InviteeUnavailable(invitee_id)
    conversation.counsellor_ids.append(invitee_id)
    invitee.conversation_ids.append(conversation_id)
    events: list[Event] = [
        CounsellorInvited(
            conversation_id=conversation_id,
            token=conversation.token,
            counsellor_id=invitee_id,
            display_name=invitee.display_name,
            institution=invitee.institution,
            invited_by=counsellor_id,
        )
    ]
    return _finish(state, events, [], now, config)


def conversation_leave(
    state: DeskState,
    *,
    conversation_id: str,
    counsellor_id: str,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """A counsellor leaves a conversation; the next one becomes lead; the last one ends it."""
    conversation = _conversation(state, conversation_id)
    _member(conversation, counsellor_id)
    if len(conversation.counsellor_ids) == 1:
        return conversation_end(
            state, conversation_id=conversation_id, ended_by=counsellor_id, now=now, config=config
        )
    conversation.counsellor_ids.remove(counsellor_id)
    events: list[Event] = [
        CounsellorLeftConversation(
            conversation_id=conversation_id,
            token=conversation.token,
            counsellor_id=counsellor_id,
            lead_id=conversation.counsellor_ids[0],
            reason="left",
        )
    ]
    events += _free_slot(state, state.counsellors[counsellor_id], conversation_id, now)
    return _finish(state, events, [], now, config)


def visitor_block(
    state: DeskState,
    *,
    conversation_id: str,
    counsellor_id: str,
    hours: float,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """End an abusive visitor's conversation and refuse their token for ``hours``.

    Only the ephemeral token is blocked: the desk knows nothing else about a visitor.
    """
    conversation = _conversation(state, conversation_id)
    _member(conversation, counsellor_id)
    if not hours > 0:
        raise errors.InvalidBlockDuration(str(hours))
    until = now + hours * SECONDS_PER_HOUR
    token = conversation.token
    state.blocked[token] = max(until, state.blocked.get(token, until))
    events = _end_conversation(state, conversation, reason="blocked", outcome_tags=(), now=now)
    del state.tickets[token]
    events.append(VisitorBlocked(token=token, until=state.blocked[token]))
    return _finish(state, events, [], now, config)


# --- time ---------------------------------------------------------------------------------


def tick(state: DeskState, *, now: float, config: DeskConfig = DEFAULTS) -> list[Event]:
    """Let time pass: expire offers, leases, grace periods and blocks, then route.

    Called periodically by the reaper (one process at a time). The order matters: counsellors
    are lost before visitors are requeued, so a visitor requeued by a lost counsellor is
    routed in the same call.
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
    return _finish(state, events, dirty, now, config)


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
        counsellor_id = _clear_offer(state, ticket)
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
            events += _pause(state, counsellor, "missed_offers")
    return events


def _lose_counsellors(state: DeskState, now: float) -> list[Event]:
    """A counsellor whose lease expired is gone: their visitors go back to the queue head."""
    events: list[Event] = []
    lost = sorted(c for c, k in state.counsellors.items() if k.lease_expires_at <= now)
    for counsellor_id in lost:
        counsellor = state.counsellors[counsellor_id]
        events += _withdraw_all(state, counsellor, "counsellor_lost")
        # Taken out of routing first, so freeing its slots cannot trigger an offline event.
        counsellor.status = CounsellorStatus.PAUSED
        requeued: list[str] = []
        for conversation_id in list(counsellor.conversation_ids):
            conversation = state.conversations[conversation_id]
            if len(conversation.counsellor_ids) == 1:
                events += _end_conversation(
                    state, conversation, reason="counsellor_lost", outcome_tags=(), now=now
                )
                ticket = state.tickets[conversation.token]
                _requeue(ticket, pole=conversation.pole, head=True, now=now)
                requeued.append(ticket.token)
                events.append(
                    VisitorRequeued(token=ticket.token, pole=ticket.pole, reason="counsellor_lost")
                )
            else:
                conversation.counsellor_ids.remove(counsellor_id)
                counsellor.conversation_ids.remove(conversation_id)
                events.append(
                    CounsellorLeftConversation(
                        conversation_id=conversation_id,
                        token=conversation.token,
                        counsellor_id=counsellor_id,
                        lead_id=conversation.counsellor_ids[0],
                        reason="lost",
                    )
                )
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
                events.append(_withdraw(state, ticket, "visitor_disconnected"))
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
            events += _end_conversation(
                state,
                state.conversations[ticket.conversation_id],
                reason="visitor_lost",
                outcome_tags=(),
                now=now,
            )
        else:
            events.append(
                VisitorLeft(
                    token=token, pole=ticket.pole, waited=now - ticket.queued_at, reason="lost"
                )
            )
        del state.tickets[token]
    return events
