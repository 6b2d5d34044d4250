"""Every error code and close code of the websocket protocol, listed once.

docs/protocol.md documents each of them; a test checks the two lists agree.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ErrorCode(StrEnum):
    """Codes carried by `error` frames; the connection stays open after any of them."""

    MALFORMED_FRAME = "malformed_frame"  # not JSON, no string `type`, a field wrong or unknown
    UNKNOWN_FRAME = "unknown_frame"  # a `type` this route does not accept
    FRAME_TOO_LARGE = "frame_too_large"
    MESSAGE_TOO_LONG = "message_too_long"
    EMPTY_MESSAGE = "empty_message"  # a text of only blanks or zero-width characters
    RATE_LIMITED = "rate_limited"
    HELLO_FIRST = "hello_first"  # any frame before `hello`
    FORBIDDEN = "forbidden"  # the staff member lacks the role for this frame
    NOT_IN_CONVERSATION = "not_in_conversation"
    NO_CONVERSATION = "no_conversation"  # a visitor frame that needs a running conversation
    UNKNOWN_RESOURCE = "unknown_resource"
    NOTHING_TO_RATE = "nothing_to_rate"
    SERVICE_UNAVAILABLE = "service_unavailable"  # the desk's store did not answer
    TOO_MANY_CONNECTIONS = "too_many_connections"  # followed by close code 4009
    INTERNAL_ERROR = "internal_error"  # a bug on the server's side; the socket stays open
    # Refusals of the desk's rules (chat/core/errors.py), passed through by their own code:
    UNKNOWN_POLE = "unknown_pole"
    POLE_CLOSED = "pole_closed"
    QUEUE_FULL = "queue_full"
    BLOCKED = "blocked"
    ALREADY_QUEUED = "already_queued"
    UNKNOWN_TICKET = "unknown_ticket"
    NOT_ON_SHIFT = "not_on_shift"
    INVALID_CAPACITY = "invalid_capacity"
    NO_SUCH_OFFER = "no_such_offer"
    AT_CAPACITY = "at_capacity"
    UNKNOWN_CONVERSATION = "unknown_conversation"
    INVALID_TRANSITION = "invalid_transition"
    CANNOT_INVITE_SELF = "cannot_invite_self"
    INVITEE_UNAVAILABLE = "invitee_unavailable"
    SAME_POLE = "same_pole"
    INVALID_BLOCK_DURATION = "invalid_block_duration"
    CONVERSATION_ID_IN_USE = "conversation_id_in_use"


class CloseCode(IntEnum):
    """Websocket close codes the server uses (4000–4999 is the application's range)."""

    UNAUTHENTICATED = 4001  # a staff route without a logged-in staff member
    FORBIDDEN = 4003  # logged in, but without the role this route serves
    TOO_MANY_CONNECTIONS = 4009  # one visitor token open in too many tabs
    ABUSE = 4029  # repeated rate-limit or size violations
    HELLO_TIMEOUT = 4008  # no `hello` within the handshake delay
    # One client address holds too many visitor sockets (virtualcite/connection_cap.py)
    TOO_MANY_SOCKETS = 4030
    INTERNAL_ERROR = 1011  # the server failed while handling a desk event; reconnect to resume
    # Not sent: what daphne reports when a connection ended without a close (a ping unanswered,
    # a broken network). The desk then shortens a counsellor's lease (DeskConfig.dropped_lease).
    DROPPED = 1006
