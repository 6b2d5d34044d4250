"""Rules for running conversations: end, transfer, invite, leave, block."""

from __future__ import annotations

from collections.abc import Mapping

from chat.core import errors
from chat.core.events import (
    ConversationTransferred,
    CounsellorInvited,
    Event,
    VisitorBlocked,
    VisitorRequeued,
)
from chat.core.model import (
    DEFAULTS,
    CounsellorStatus,
    DeskConfig,
    DeskState,
    PolePolicy,
)
from chat.core.reasons import EndReason, LeaveReason, RequeueReason
from chat.core.routing import load
from chat.core.steps import (
    VISITOR,
    conversation_of,
    end_conversation,
    finish,
    free_slot,
    leave_conversation,
    open_pole,
    requeue,
    require_member,
)

SECONDS_PER_HOUR = 3600.0


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
    conversation = conversation_of(state, conversation_id)
    if ended_by != VISITOR:
        require_member(conversation, ended_by)
    reason = EndReason.VISITOR if ended_by == VISITOR else EndReason.COUNSELLOR
    events = end_conversation(
        state, conversation, reason=reason, outcome_tags=outcome_tags or (), now=now
    )
    del state.tickets[conversation.token]
    return finish(state, events, [], now, config)


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
    conversation = conversation_of(state, conversation_id)
    require_member(conversation, counsellor_id)
    if to_pole == conversation.pole:
        raise errors.SamePole(to_pole)
    open_pole(policies, to_pole)
    events = end_conversation(
        state, conversation, reason=EndReason.TRANSFERRED, outcome_tags=(), now=now
    )
    ticket = state.tickets[conversation.token]
    requeue(ticket, pole=to_pole, head=False, now=now)
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
    events.append(
        VisitorRequeued(token=ticket.token, pole=to_pole, reason=RequeueReason.TRANSFERRED)
    )
    return finish(state, events, [to_pole], now, config)


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
    conversation = conversation_of(state, conversation_id)
    require_member(conversation, counsellor_id)
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
    return finish(state, events, [], now, config)


def conversation_leave(
    state: DeskState,
    *,
    conversation_id: str,
    counsellor_id: str,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """A counsellor leaves a conversation; the next one becomes lead; the last one ends it."""
    conversation = conversation_of(state, conversation_id)
    require_member(conversation, counsellor_id)
    if len(conversation.counsellor_ids) == 1:
        return conversation_end(
            state, conversation_id=conversation_id, ended_by=counsellor_id, now=now, config=config
        )
    counsellor = state.counsellors[counsellor_id]
    events: list[Event] = [leave_conversation(conversation, counsellor, LeaveReason.LEFT)]
    events += free_slot(state, counsellor, conversation_id, now)
    return finish(state, events, [], now, config)


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
    conversation = conversation_of(state, conversation_id)
    require_member(conversation, counsellor_id)
    if not hours > 0:
        raise errors.InvalidBlockDuration(str(hours))
    until = now + hours * SECONDS_PER_HOUR
    token = conversation.token
    state.blocked[token] = max(until, state.blocked.get(token, until))
    events = end_conversation(
        state, conversation, reason=EndReason.BLOCKED, outcome_tags=(), now=now
    )
    del state.tickets[token]
    events.append(VisitorBlocked(token=token, until=state.blocked[token]))
    return finish(state, events, [], now, config)
