"""Selectors: the desk state as each screen shows it (frames of chat/frames.py).

Pure functions of the state, called inside a store mutation or on a snapshot, so a
(re)connecting client always gets the truth rather than a replay of events it may have missed.
"""

from __future__ import annotations

from chat.core.model import Conversation, Counsellor, CounsellorStatus, DeskState, TicketStatus
from chat.core.queries import PoleLoad, queue_position
from chat.core.routing import load
from chat.frames import (
    ColleagueCard,
    ConversationSummary,
    CounsellorCard,
    Offer,
    Shift,
    VisitorState,
)
from chat.identity import visitor_handle


def counsellor_card(counsellor: Counsellor) -> CounsellorCard:
    return CounsellorCard(id=counsellor.id, name=counsellor.display_name,
                          institution=counsellor.institution)


def _cards(state: DeskState, conversation: Conversation) -> list[CounsellorCard]:
    return [counsellor_card(state.counsellors[cid]) for cid in conversation.counsellor_ids
            if cid in state.counsellors]


def visitor_state(state: DeskState, token: str | None) -> VisitorState:
    ticket = state.tickets.get(token) if token else None
    if ticket is None:
        # A blocked token has no ticket; its page must still say when it may join again.
        return VisitorState(status="idle", blocked_until=state.blocked.get(token or ""),
                            version=state.version)
    if ticket.status is TicketStatus.IN_CONVERSATION and ticket.conversation_id:
        conversation = state.conversations[ticket.conversation_id]
        return VisitorState(status="chatting", pole=ticket.pole, conversation=conversation.id,
                            counsellors=_cards(state, conversation),
                            disconnected=ticket.disconnected_at is not None,
                            version=state.version)
    # The core keeps each ticket's announced position current; 0 means "not announced yet".
    position = ticket.position or queue_position(state, ticket.token)
    return VisitorState(status="waiting", pole=ticket.pole, position=position,
                        estimate_seconds=ticket.estimate_seconds,
                        disconnected=ticket.disconnected_at is not None,
                        version=state.version)


def conversation_summary(state: DeskState, conversation: Conversation) -> ConversationSummary:
    ticket = state.tickets.get(conversation.token)
    return ConversationSummary(
        id=conversation.id, visitor=visitor_handle(conversation.token),
        pseudonym=ticket.pseudonym if ticket else "", pole=conversation.pole,
        started_at=conversation.started_at, waited=conversation.waited,
        counsellors=_cards(state, conversation),
        visitor_connected=ticket is not None and ticket.disconnected_at is None,
    )


def offers_of(state: DeskState, counsellor: Counsellor) -> list[Offer]:
    offers = []
    for token in counsellor.offered_tokens:
        ticket = state.tickets.get(token)
        if ticket is None or ticket.offer_expires_at is None:
            continue
        offers.append(Offer(visitor=visitor_handle(token), pseudonym=ticket.pseudonym,
                            pole=ticket.pole, expires_at=ticket.offer_expires_at,
                            handover_note=ticket.handover_note,
                            transferred_from=ticket.transferred_from,
                            extended=ticket.offer_extended))
    return offers


def shift_of(counsellor: Counsellor | None) -> Shift | None:
    if counsellor is None:
        return None
    return Shift(status=counsellor.status.value, poles=list(counsellor.poles),
                 capacity=counsellor.capacity)


def conversations_of(state: DeskState, counsellor: Counsellor) -> list[ConversationSummary]:
    return [conversation_summary(state, state.conversations[cid])
            for cid in counsellor.conversation_ids if cid in state.conversations]


def colleagues(state: DeskState) -> list[ColleagueCard]:
    """Everyone on shift, for the invite list and the colleague channel."""
    return [
        ColleagueCard(id=c.id, name=c.display_name, institution=c.institution,
                      poles=list(c.poles), status=c.status.value, load=load(c),
                      capacity=c.capacity)
        for c in sorted(state.counsellors.values(), key=lambda c: c.display_name)
        if c.status is not CounsellorStatus.DRAINING or c.conversation_ids
    ]


def load_figures(load_: PoleLoad) -> dict[str, object]:
    """A pole's live figures as a channel-layer message payload (language-neutral)."""
    return {"pole": load_.pole, "waiting": load_.waiting, "longest_wait": load_.longest_wait,
            "counsellors_online": load_.counsellors_online,
            "counsellors_available": load_.counsellors_available,
            "estimate_seconds": load_.estimate_seconds}
