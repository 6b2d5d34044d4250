"""Facts the desk reports after each change, for the websocket layer and the anonymous figures.

One frozen dataclass per fact, each with a stable ``kind``. Events carry tokens (so the
websocket layer can reach the right socket) but never message text; the aggregates written from
them later drop the token too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from chat.core.reasons import (
    AbandonReason,
    EndReason,
    LeaveReason,
    PauseReason,
    PositionReason,
    RefusalReason,
    RequeueReason,
    WithdrawReason,
)


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every desk event."""

    kind: ClassVar[str] = "event"


@dataclass(frozen=True, slots=True)
class VisitorQueued(Event):
    """A visitor joined a pole's queue."""

    kind: ClassVar[str] = "visitor_queued"
    token: str
    pole: str
    position: int


@dataclass(frozen=True, slots=True)
class PositionChanged(Event):
    """A waiting visitor's position or estimate (rounded to the minute) changed.

    A place only goes back (``reason`` PositionReason.REQUEUED_AHEAD) when a visitor is put in
    the queue ahead: one whose counsellor was lost, or one passed on from another pole who keeps
    their arrival time. Joining visitors always go behind.
    """

    kind: ClassVar[str] = "position_changed"
    token: str
    pole: str
    position: int
    estimate_seconds: float | None
    reason: PositionReason | None = None


@dataclass(frozen=True, slots=True)
class OfferMade(Event):
    """A visitor was offered to a counsellor, who must accept before ``expires_at``."""

    kind: ClassVar[str] = "offer_made"
    token: str
    counsellor_id: str
    pole: str
    pseudonym: str
    expires_at: float
    handover_note: str | None
    transferred_from: str | None


@dataclass(frozen=True, slots=True)
class OfferExtended(Event):
    """The counsellor asked for a moment: the standing offer now runs until ``expires_at``.

    It carries the whole offer, as ``OfferMade`` does, so the counsellor's page replaces it."""

    kind: ClassVar[str] = "offer_extended"
    token: str
    counsellor_id: str
    pole: str
    pseudonym: str
    expires_at: float
    handover_note: str | None
    transferred_from: str | None


@dataclass(frozen=True, slots=True)
class OfferExpired(Event):
    """A counsellor let an offer time out; the visitor keeps their place."""

    kind: ClassVar[str] = "offer_expired"
    token: str
    counsellor_id: str


@dataclass(frozen=True, slots=True)
class OfferDeclined(Event):
    """A counsellor declined an offer; the visitor keeps their place."""

    kind: ClassVar[str] = "offer_declined"
    token: str
    counsellor_id: str


@dataclass(frozen=True, slots=True)
class OfferWithdrawn(Event):
    """An offer disappeared without the counsellor's doing (visitor gone, counsellor paused,
    draining or lost, shift changed)."""

    kind: ClassVar[str] = "offer_withdrawn"
    token: str
    counsellor_id: str
    reason: WithdrawReason


@dataclass(frozen=True, slots=True)
class CounsellorOnline(Event):
    """A counsellor started (or updated) a shift."""

    kind: ClassVar[str] = "counsellor_online"
    counsellor_id: str
    institution: str
    poles: tuple[str, ...]
    capacity: int


@dataclass(frozen=True, slots=True)
class CounsellorPaused(Event):
    """A counsellor stopped receiving offers, by choice or after missed offers."""

    kind: ClassVar[str] = "counsellor_paused"
    counsellor_id: str
    reason: PauseReason


@dataclass(frozen=True, slots=True)
class CounsellorResumed(Event):
    """A paused or draining counsellor receives offers again."""

    kind: ClassVar[str] = "counsellor_resumed"
    counsellor_id: str


@dataclass(frozen=True, slots=True)
class CounsellorDraining(Event):
    """A counsellor is ending their shift: running conversations finish, no new offers.

    Carries the shift it drains, since with nothing running the counsellor is already gone
    from the state (CounsellorWentOffline follows at once) when the event is told.
    """

    kind: ClassVar[str] = "counsellor_draining"
    counsellor_id: str
    poles: tuple[str, ...]
    capacity: int


@dataclass(frozen=True, slots=True)
class CounsellorWentOffline(Event):
    """A counsellor's shift ended cleanly (drained)."""

    kind: ClassVar[str] = "counsellor_went_offline"
    counsellor_id: str


@dataclass(frozen=True, slots=True)
class CounsellorLost(Event):
    """A counsellor's lease expired; their visitors went back to the head of their queues."""

    kind: ClassVar[str] = "counsellor_lost"
    counsellor_id: str
    requeued_tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConversationStarted(Event):
    """A counsellor accepted an offer: a conversation begins."""

    kind: ClassVar[str] = "conversation_started"
    conversation_id: str
    token: str
    pole: str
    counsellor_id: str
    display_name: str
    institution: str
    waited: float
    transferred_from: str | None


@dataclass(frozen=True, slots=True)
class ConversationTransferred(Event):
    """A conversation was handed to another pole; the visitor waits there, place kept."""

    kind: ClassVar[str] = "conversation_transferred"
    conversation_id: str
    token: str
    from_pole: str
    to_pole: str
    counsellor_id: str


@dataclass(frozen=True, slots=True)
class CounsellorInvited(Event):
    """A colleague (of any institution) joined a running conversation."""

    kind: ClassVar[str] = "counsellor_invited"
    conversation_id: str
    token: str
    counsellor_id: str
    display_name: str
    institution: str
    invited_by: str


@dataclass(frozen=True, slots=True)
class CounsellorLeftConversation(Event):
    """A counsellor left a conversation that goes on with colleagues, by choice or lost.

    It names who left: a lost counsellor is no longer in the state by the time the event is
    told to the colleague and the visitor.
    """

    kind: ClassVar[str] = "counsellor_left_conversation"
    conversation_id: str
    token: str
    counsellor_id: str
    lead_id: str
    reason: LeaveReason
    display_name: str
    institution: str


@dataclass(frozen=True, slots=True)
class ConversationEnded(Event):
    """A conversation ended."""

    kind: ClassVar[str] = "conversation_ended"
    conversation_id: str
    token: str
    pole: str
    counsellor_ids: tuple[str, ...]
    institutions: tuple[str, ...]
    waited: float
    duration: float
    reason: EndReason
    outcome_tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VisitorRequeued(Event):
    """A visitor went back into a queue, keeping their arrival time."""

    kind: ClassVar[str] = "visitor_requeued"
    token: str
    pole: str
    reason: RequeueReason


@dataclass(frozen=True, slots=True)
class VisitorDisconnected(Event):
    """A visitor's connection was lost; their place is kept during the grace period."""

    kind: ClassVar[str] = "visitor_disconnected"
    token: str
    pole: str
    grace_until: float


@dataclass(frozen=True, slots=True)
class VisitorResumed(Event):
    """A visitor came back within the grace period."""

    kind: ClassVar[str] = "visitor_resumed"
    token: str
    pole: str


@dataclass(frozen=True, slots=True)
class VisitorLeft(Event):
    """A visitor left before any conversation (the abandonment figure), by choice or lost."""

    kind: ClassVar[str] = "visitor_left"
    token: str
    pole: str
    waited: float
    reason: AbandonReason


@dataclass(frozen=True, slots=True)
class VisitorBlocked(Event):
    """A counsellor blocked a visitor's token until ``until``."""

    kind: ClassVar[str] = "visitor_blocked"
    token: str
    until: float


@dataclass(frozen=True, slots=True)
class VisitorRefused(Event):
    """The desk refused a join: nothing changed but the figure of a visit turned away."""

    kind: ClassVar[str] = "visitor_refused"
    pole: str
    reason: RefusalReason
