"""Why the desk refused a request: one class per failure, each with a stable ``code``.

The websocket layer maps ``code`` to an error frame; the codes never change meaning.
A refused request leaves the desk state untouched.
"""

from __future__ import annotations

from typing import ClassVar


class DeskError(Exception):
    """Base of every refusal by the desk."""

    code: ClassVar[str] = "desk_error"


class UnknownPole(DeskError):
    """No such pole."""

    code = "unknown_pole"


class PoleClosed(DeskError):
    """The pole is closed now; ``opens_at`` says when it opens next (None: not scheduled)."""

    code = "pole_closed"

    def __init__(self, pole: str, opens_at: float | None) -> None:
        super().__init__(f"pole {pole!r} is closed (opens at {opens_at})")
        self.pole = pole
        self.opens_at = opens_at


class QueueFull(DeskError):
    """The pole's queue is at capacity."""

    code = "queue_full"


class TokenBlocked(DeskError):
    """This visitor token is blocked until ``until``."""

    code = "blocked"

    def __init__(self, until: float) -> None:
        super().__init__(f"blocked until {until}")
        self.until = until


class AlreadyQueued(DeskError):
    """This token already holds a ticket; resume it instead of joining again."""

    code = "already_queued"


class UnknownTicket(DeskError):
    """No ticket for this token: it never existed, left, or its grace period ran out."""

    code = "unknown_ticket"


class NotOnShift(DeskError):
    """This counsellor has no shift running (never started, drained, or lost)."""

    code = "not_on_shift"


# The same failure seen from a lookup; kept as a name for callers that think in those terms.
UnknownCounsellor = NotOnShift


class InvalidCapacity(DeskError):
    """Capacity must be at least 1 and not below the conversations already running."""

    code = "invalid_capacity"


class NoSuchOffer(DeskError):
    """This visitor is not offered to you (never was, or the offer expired or was withdrawn)."""

    code = "no_such_offer"


class AtCapacity(DeskError):
    """The counsellor has no free slot."""

    code = "at_capacity"


class UnknownConversation(DeskError):
    """No such running conversation."""

    code = "unknown_conversation"


class NotInConversation(DeskError):
    """This counsellor is not part of that conversation."""

    code = "not_in_conversation"


class InvalidTransition(DeskError):
    """The request does not fit the current state; names the expected and actual states."""

    code = "invalid_transition"

    def __init__(self, what: str, expected: str, actual: str) -> None:
        super().__init__(f"{what}: expected {expected}, actual {actual}")
        self.expected = expected
        self.actual = actual


class CannotInviteSelf(DeskError):
    """A counsellor cannot invite themself."""

    code = "cannot_invite_self"


class InviteeUnavailable(DeskError):
    """The invitee is not on shift, paused, draining, already in it, or has no free slot."""

    code = "invitee_unavailable"


class SamePole(DeskError):
    """A transfer must go to another pole."""

    code = "same_pole"


class InvalidBlockDuration(DeskError):
    """A block lasts a positive number of hours."""

    code = "invalid_block_duration"


class ConversationIdInUse(DeskError):
    """The caller's new conversation id is already taken."""

    code = "conversation_id_in_use"
