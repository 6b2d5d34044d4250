"""Rules for offers: a counsellor accepts or declines the visitor offered to them, or asks
for a moment first."""

from __future__ import annotations

from chat.core import errors
from chat.core.estimate import prune_served
from chat.core.events import (
    ConversationStarted,
    Event,
    OfferDeclined,
    OfferExtended,
)
from chat.core.model import (
    DEFAULTS,
    Conversation,
    DeskConfig,
    DeskState,
    TicketStatus,
)
from chat.core.routing import day_key
from chat.core.steps import (
    clear_offer,
    finish,
    standing_offer,
)


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
    ticket = standing_offer(state, counsellor_id, token, now)
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
    ticket.offer_extended = False
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
    return finish(state, events, [ticket.pole], now, config)


def offer_decline(
    state: DeskState, *, counsellor_id: str, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """The counsellor declines: the visitor keeps their place and goes to someone else."""
    ticket = standing_offer(state, counsellor_id, token, now)
    clear_offer(state, ticket)
    ticket.declined_by.append(counsellor_id)
    state.counsellors[counsellor_id].missed_offers_in_row = 0  # an answer, not a silence
    events: list[Event] = [OfferDeclined(token=token, counsellor_id=counsellor_id)]
    return finish(state, events, [], now, config)


def offer_extend(
    state: DeskState, *, counsellor_id: str, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    """The counsellor needs a moment: the standing offer runs ``config.offer_extension``
    seconds longer, once per offer (WCAG 2.2.1). Nothing else changes: the visitor keeps
    their place and is not told (they do not know of offers)."""
    ticket = standing_offer(state, counsellor_id, token, now)
    if ticket.offer_extended:
        raise errors.OfferAlreadyExtended(f"the offer of {token} was already extended")
    assert ticket.offer_expires_at is not None, "a standing offer has a deadline"
    ticket.offer_expires_at += config.offer_extension
    ticket.offer_extended = True
    return [
        OfferExtended(
            token=token,
            counsellor_id=counsellor_id,
            pole=ticket.pole,
            pseudonym=ticket.pseudonym,
            expires_at=ticket.offer_expires_at,
            handover_note=ticket.handover_note,
            transferred_from=ticket.transferred_from,
        )
    ]
