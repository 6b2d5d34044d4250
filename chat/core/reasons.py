"""Why something happened at the desk: one enum per kind of reason an event carries.

Declared once here, so the core, the frames (chat/frames.py types each frame's ``reason`` as a
``Literal`` of these values) and the page scripts cannot drift apart;
tests/unit/test_reasons.py checks the frames against them.
"""

from __future__ import annotations

from enum import StrEnum


class EndReason(StrEnum):
    """Why a conversation ended (ConversationEnded)."""

    VISITOR = "visitor"  # the visitor ended it, or left
    COUNSELLOR = "counsellor"  # its last counsellor ended it, or left
    VISITOR_LOST = "visitor_lost"  # the visitor's grace period ran out
    COUNSELLOR_LOST = "counsellor_lost"  # its only counsellor's lease expired
    BLOCKED = "blocked"
    TRANSFERRED = "transferred"  # the visitor was passed on to another pole
    # The desk's state was lost (chat/core/reform.py): told by the sockets, which remember
    # the conversation, since no state is left to end it in.
    DESK_RESTARTED = "desk_restarted"


class RequeueReason(StrEnum):
    """Why a visitor went back into a queue, keeping their arrival (VisitorRequeued)."""

    COUNSELLOR_LOST = "counsellor_lost"  # at the head of the queue
    TRANSFERRED = "transferred"
    DESK_RESTARTED = "desk_restarted"  # the lost state was re-formed from the sockets


class WithdrawReason(StrEnum):
    """Why an offer was taken back without the counsellor's doing (OfferWithdrawn)."""

    VISITOR_LEFT = "visitor_left"
    VISITOR_DISCONNECTED = "visitor_disconnected"
    COUNSELLOR_PAUSED = "counsellor_paused"
    COUNSELLOR_DRAINING = "counsellor_draining"
    COUNSELLOR_LOST = "counsellor_lost"
    CAPACITY_LOWERED = "capacity_lowered"
    POLES_CHANGED = "poles_changed"


class PauseReason(StrEnum):
    """Why a counsellor stopped receiving offers (CounsellorPaused)."""

    REQUESTED = "requested"
    MISSED_OFFERS = "missed_offers"  # DeskConfig.missed_offers_before_pause in a row


class AbandonReason(StrEnum):
    """Why a visitor left a queue before any conversation (VisitorLeft)."""

    LEFT = "left"
    LOST = "lost"  # their grace period ran out


class LeaveReason(StrEnum):
    """Why a counsellor left a conversation that goes on with colleagues
    (CounsellorLeftConversation)."""

    LEFT = "left"
    LOST = "lost"  # their lease expired


class PositionReason(StrEnum):
    """Why a waiting visitor's place went back (PositionChanged); joining visitors always go
    behind, so this is the only one."""

    REQUEUED_AHEAD = "requeued_ahead"  # a visitor was put in the queue ahead


class RefusalReason(StrEnum):
    """Why the desk refused a visitor's join (VisitorRefused: the refusals' figure)."""

    CLOSED = "closed"  # the pole is closed now
    FULL = "full"  # its queue is at capacity
    BLOCKED = "blocked"  # a counsellor blocked this token
