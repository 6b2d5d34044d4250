"""Every frame of the websocket protocol as a pydantic model with a literal `type`.

Frames from clients are validated on arrival against their route's union (`VISITOR_FRAMES`,
`COUNSELLOR_FRAMES`) by virtualcite/realtime/decoding.py, strictly (`ClientFrame`); every
frame the server sends is built from a model here too (on the bases and common frames of
virtualcite/realtime/protocol.py), and docs/protocol.md is checked against this module by a
test. Message text appears only in `MessageIn`/`MessageOut` and the
colleague frames: it crosses the channel layer and is never stored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from chat.limits import MAX_NOTE_CHARS, MAX_RECEIPT_IDS
from virtualcite.library import ResourceCard
from virtualcite.realtime.protocol import (
    NO_INPUT_IN_ERRORS,
    ClientFrame,
    Error,
    Frame,
    Hello,
    Ping,
    Pong,
    Slug,
    Text,
)

ConversationId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[-a-zA-Z0-9_]+$")]
VisitorHandle = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-f0-9]+$")]
ClientId = Annotated[str, Field(min_length=1, max_length=64)]


# --- frames both kinds of client send -------------------------------------------------------

class TypingIn(ClientFrame):
    type: Literal["typing"]
    conversation: ConversationId | None = None  # counsellors name it; a visitor has only one
    active: bool


class MessageIn(ClientFrame):
    """A chat message; the visitor's has no conversation (they have only one)."""

    type: Literal["message"]
    conversation: ConversationId | None = None
    text: Text
    client_id: str | None = Field(default=None, max_length=64)  # echoed back as an ack


class ReceivedIn(ClientFrame):
    """The page displayed these messages of the other side: the acknowledgement says only
    that the server took a message; this says it reached a page (relayed, never stored)."""

    type: Literal["received"]
    conversation: ConversationId | None = None  # counsellors name it; a visitor has only one
    client_ids: list[ClientId] = Field(max_length=MAX_RECEIPT_IDS)
    resumed: bool = False  # first receipt after (re)connecting: the other side resends


# --- visitor frames --------------------------------------------------------------------------

class Join(ClientFrame):
    type: Literal["join"]
    pole: Slug


class Leave(ClientFrame):
    """Leave the queue (or end the running conversation) and forget the token."""

    type: Literal["leave"]


class EndByVisitor(ClientFrame):
    type: Literal["end"]


class Rate(ClientFrame):
    type: Literal["rate"]
    conversation: ConversationId
    score: int = Field(ge=1, le=5)


VisitorFrame = Annotated[
    Hello | Ping | Join | Leave | MessageIn | TypingIn | ReceivedIn | EndByVisitor | Rate,
    Field(discriminator="type"),
]
VISITOR_FRAMES: TypeAdapter[VisitorFrame] = TypeAdapter(VisitorFrame, config=NO_INPUT_IN_ERRORS)


# --- counsellor frames -----------------------------------------------------------------------

class ShiftStart(ClientFrame):
    type: Literal["shift_start"]
    poles: list[Slug] = Field(min_length=1, max_length=20)
    capacity: int = Field(ge=1, le=10)


class Pause(ClientFrame):
    type: Literal["pause"]


class Resume(ClientFrame):
    type: Literal["resume"]


class ShiftEnd(ClientFrame):
    """End the shift by draining: running conversations finish, no new offers."""

    type: Literal["shift_end"]


class Accept(ClientFrame):
    type: Literal["accept"]
    visitor: VisitorHandle


class Decline(ClientFrame):
    type: Literal["decline"]
    visitor: VisitorHandle


class ExtendOffer(ClientFrame):
    """"Need a moment": the standing offer runs longer, once (chat/core/offers.py)."""

    type: Literal["extend_offer"]
    visitor: VisitorHandle


class SendResource(ClientFrame):
    type: Literal["send_resource"]
    conversation: ConversationId
    resource: int = Field(ge=1)


class Transfer(ClientFrame):
    type: Literal["transfer"]
    conversation: ConversationId
    pole: Slug
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)


class Invite(ClientFrame):
    type: Literal["invite"]
    conversation: ConversationId
    colleague: str = Field(min_length=1, max_length=32)


class LeaveConversation(ClientFrame):
    """An invited colleague steps out; the conversation goes on with the others."""

    type: Literal["leave_conversation"]
    conversation: ConversationId


class EndByCounsellor(ClientFrame):
    type: Literal["end"]
    conversation: ConversationId
    outcome_tags: list[Annotated[str, Field(max_length=40)]] = Field(default=[], max_length=10)


class Block(ClientFrame):
    type: Literal["block"]
    conversation: ConversationId
    hours: float = Field(gt=0, le=24 * 30)


class ColleagueMessageIn(ClientFrame):
    """To everyone on shift; `help` flags a request for help."""

    type: Literal["colleague_message"]
    text: Text
    help: bool = False


CounsellorFrame = Annotated[
    Hello | Ping | ShiftStart | Pause | Resume | ShiftEnd | Accept | Decline | ExtendOffer
    | MessageIn | TypingIn | ReceivedIn | SendResource | Transfer | Invite | LeaveConversation
    | EndByCounsellor | Block | ColleagueMessageIn,
    Field(discriminator="type"),
]
COUNSELLOR_FRAMES: TypeAdapter[CounsellorFrame] = TypeAdapter(
    CounsellorFrame, config=NO_INPUT_IN_ERRORS)


# --- pieces of server frames -----------------------------------------------------------------

class CounsellorCard(Frame):
    """Who advises: a first name or pseudonym and the institution (neutrality: it is shown)."""

    id: str
    name: str
    institution: str


class PoleStatus(Frame):
    slug: str
    name: str
    colour: str
    open: bool
    opens_at: float | None  # epoch seconds, when closed
    counsellors_online: int  # on shift for the pole, whatever they are doing
    counsellors_available: int  # of them, taking visitors with a free place now
    waiting: int
    longest_wait: float
    estimate_seconds: float | None  # for someone joining now; null means unknown


class VisitorState(Frame):
    """Everything a visitor's screen shows, sent on (re)connect so no lost event leaves it wrong."""

    status: Literal["idle", "waiting", "chatting"]
    blocked_until: float | None = None  # epoch seconds; set while this token is blocked
    pole: str | None = None
    position: int | None = None
    estimate_seconds: float | None = None
    disconnected: bool = False
    conversation: str | None = None
    counsellors: list[CounsellorCard] = Field(default_factory=list)
    version: int = 0  # the desk's version this state was read at (see `position`)


class Offer(Frame):
    visitor: str  # the visitor's public handle, never their token
    pseudonym: str
    pole: str
    expires_at: float
    handover_note: str | None
    transferred_from: str | None
    extended: bool = False  # the one extension (`extend_offer`) was used


class ConversationSummary(Frame):
    id: str
    visitor: str
    pseudonym: str
    pole: str
    started_at: float
    waited: float
    counsellors: list[CounsellorCard]
    visitor_connected: bool


# The values of chat/core/model.py `CounsellorStatus`; the page has words for each (wire.js
# COUNSELLOR_STATUSES, checked by tests/js/workspace.test.mjs).
CounsellorStatusName = Literal["available", "paused", "draining"]


class Shift(Frame):
    status: CounsellorStatusName
    poles: list[str]
    capacity: int


class ColleagueCard(Frame):
    id: str
    name: str
    institution: str
    poles: list[str]
    status: CounsellorStatusName
    load: int
    capacity: int


class CounsellorState(Frame):
    """Everything a counsellor's screen shows, sent on (re)connect and on request."""

    me: CounsellorCard
    shift: Shift | None
    offers: list[Offer]
    conversations: list[ConversationSummary]
    poles: list[PoleStatus]
    colleagues: list[ColleagueCard]


# --- server frames ---------------------------------------------------------------------------

# Each frame's `reason`: exactly the values the server sends on it, from the enums of
# chat/core/reasons.py (converted by chat/publisher.py) and the few the publisher adds for events
# that carry none; tests/unit/test_reasons.py checks both directions.
EndedReason = Literal["visitor", "counsellor", "visitor_lost", "counsellor_lost", "blocked",
                      "transferred", "desk_restarted"]  # EndReason
CounsellorLeftReason = Literal["left", "lost"]  # LeaveReason
ClosedReason = Literal[EndedReason, CounsellorLeftReason]
RequeuedReason = Literal["counsellor_lost", "transferred", "desk_restarted"]  # RequeueReason
OfferGoneReason = Literal[
    "expired", "declined",  # OfferExpired, OfferDeclined
    "visitor_left", "visitor_disconnected", "counsellor_paused", "counsellor_draining",
    "counsellor_lost", "capacity_lowered", "poles_changed",  # WithdrawReason
]
ShiftReason = Literal[
    "requested", "missed_offers",  # PauseReason
    "offline", "lost",  # CounsellorWentOffline, CounsellorLost
]


class Welcome(Frame):
    """Answer to a visitor's `hello`: the token to keep, and the state to show."""

    type: Literal["welcome"] = "welcome"
    token: str | None
    state: VisitorState
    server_time: float


class StaffWelcome(Frame):
    type: Literal["staff_welcome"] = "staff_welcome"
    state: CounsellorState
    server_time: float
    outcome_tags: dict[str, str]  # tag -> label in the counsellor's language


class StateFrame(Frame):
    """The visitor's full state again (after a heartbeat or a desk change they must see)."""

    type: Literal["state"] = "state"
    state: VisitorState


class StaffStateFrame(Frame):
    type: Literal["staff_state"] = "staff_state"
    state: CounsellorState


class Lobby(Frame):
    type: Literal["lobby"] = "lobby"
    poles: list[PoleStatus]


class Queued(Frame):
    type: Literal["queued"] = "queued"
    token: str
    pole: str
    position: int
    estimate_seconds: float | None
    version: int  # the desk's version after the join (see `position`)


class Position(Frame):
    type: Literal["position"] = "position"
    pole: str
    position: int
    estimate_seconds: float | None
    # Set when the place went back: a visitor was put in the queue ahead (PositionReason).
    reason: Literal["requeued_ahead"] | None = None
    # The desk's version when it was computed: older than what the page shows means stale.
    version: int


class Calling(Frame):
    """A counsellor is offered this visitor (`active`), or the offer passed on without a
    conversation (not `active`): the page calls the visitor back to the tab."""

    type: Literal["calling"] = "calling"
    active: bool
    version: int


class Matched(Frame):
    type: Literal["matched"] = "matched"
    conversation: str
    counsellor: CounsellorCard


class MessageOut(Frame):
    """A chat message, sanitised once on the server (links linkified, no HTML kept)."""

    type: Literal["message"] = "message"
    conversation: str
    sender: Literal["visitor", "counsellor"]
    author: CounsellorCard | None  # null for the visitor
    html: str
    sent_at: float
    client_id: str | None = None


class TypingOut(Frame):
    type: Literal["typing"] = "typing"
    conversation: str
    sender: Literal["visitor", "counsellor"]
    author: str | None  # counsellor's name
    active: bool


class Delivered(Frame):
    """A receipt relayed: the `receiver` side's page displayed the messages of these ids."""

    type: Literal["delivered"] = "delivered"
    conversation: str
    receiver: Literal["visitor", "counsellor"]
    client_ids: list[str]
    resumed: bool


class ResourceShared(Frame):
    type: Literal["resource"] = "resource"
    conversation: str
    card: ResourceCard
    author: CounsellorCard
    sent_at: float


class CounsellorJoined(Frame):
    type: Literal["counsellor_joined"] = "counsellor_joined"
    conversation: str
    counsellor: CounsellorCard


class CounsellorLeft(Frame):
    type: Literal["counsellor_left"] = "counsellor_left"
    conversation: str
    counsellor: CounsellorCard
    reason: CounsellorLeftReason


class Transferred(Frame):
    """The visitor was passed on to another pole; they keep their original arrival time."""

    type: Literal["transferred"] = "transferred"
    conversation: str
    from_pole: str
    to_pole: str


class Requeued(Frame):
    type: Literal["requeued"] = "requeued"
    pole: str
    reason: RequeuedReason


class Ended(Frame):
    type: Literal["ended"] = "ended"
    conversation: str
    reason: EndedReason
    can_rate: bool


class Rated(Frame):
    type: Literal["rated"] = "rated"
    conversation: str


class Left(Frame):
    type: Literal["left"] = "left"


class Blocked(Frame):
    type: Literal["blocked"] = "blocked"
    until: float


class OfferFrame(Frame):
    type: Literal["offer"] = "offer"
    offer: Offer


class OfferGone(Frame):
    """An offer the counsellor can no longer accept: expired, declined or withdrawn."""

    type: Literal["offer_gone"] = "offer_gone"
    visitor: str
    reason: OfferGoneReason


class ConversationOpened(Frame):
    type: Literal["conversation"] = "conversation"
    conversation: ConversationSummary


class ConversationClosed(Frame):
    type: Literal["conversation_closed"] = "conversation_closed"
    conversation: str
    reason: ClosedReason


class VisitorPresence(Frame):
    type: Literal["visitor_presence"] = "visitor_presence"
    conversation: str
    connected: bool


class ShiftChanged(Frame):
    type: Literal["shift"] = "shift"
    shift: Shift | None
    reason: ShiftReason | None = None


class ColleagueMessageOut(Frame):
    type: Literal["colleague_message"] = "colleague_message"
    author: CounsellorCard
    html: str
    help: bool
    sent_at: float


class Colleagues(Frame):
    """Everyone on shift, re-sent when someone's status or load changes."""

    type: Literal["colleagues"] = "colleagues"
    colleagues: list[ColleagueCard]


# The values of virtualcite/staffing/alerts.py `AlertKind`; tests/unit/test_pole_alerts.py
# checks that the two say the same.
AlertKindName = Literal["waiting_over", "wait_over", "nobody_available"]


class PoleAlertCard(Frame):
    """One alert of a pole (virtualcite/staffing/alerts.py `PoleAlert`)."""

    pole: str
    name: str  # in the socket's language
    kind: AlertKindName
    value: int
    threshold: int


class PoleAlerts(Frame):
    """The alerts of the poles this counsellor may serve but is not on shift for."""

    type: Literal["pole_alerts"] = "pole_alerts"
    alerts: list[PoleAlertCard]


ServerFrame = Annotated[
    Welcome | StaffWelcome | StateFrame | StaffStateFrame | Lobby | Pong | Queued | Position
    | Calling | Matched | MessageOut | TypingOut | Delivered | ResourceShared | CounsellorJoined
    | CounsellorLeft
    | Transferred | Requeued | Ended | Rated | Left | Blocked | OfferFrame | OfferGone
    | ConversationOpened | ConversationClosed | VisitorPresence | ShiftChanged
    | ColleagueMessageOut | Colleagues | PoleAlerts | Error,
    Field(discriminator="type"),
]
SERVER_FRAMES: TypeAdapter[ServerFrame] = TypeAdapter(ServerFrame, config=NO_INPUT_IN_ERRORS)
