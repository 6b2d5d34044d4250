"""Why the desk refused a request: one class per failure, its stable ``code`` and message.

The websocket layer answers a refusal with an error frame of its ``code`` and its
``message``, translated into the client's language (virtualcite/realtime/errors.py); the codes
never change meaning. A refused request leaves the desk state untouched.
"""

from __future__ import annotations

from typing import ClassVar


def gettext_noop(message: str) -> str:
    """Mark `message` for translation (Django's makemessages reads this name); the core
    itself stays free of Django, and the message is translated when it is sent."""
    return message


class DeskError(Exception):
    """Base of every refusal by the desk."""

    code: ClassVar[str] = "desk_error"
    message: ClassVar[str] = ""


class UnknownPole(DeskError):
    """No such pole."""

    code = "unknown_pole"
    message = gettext_noop("This topic does not exist.")


class PoleClosed(DeskError):
    """The pole is closed now; ``opens_at`` says when it opens next (None: not scheduled)."""

    code = "pole_closed"
    message = gettext_noop("This desk is closed right now.")

    def __init__(self, pole: str, opens_at: float | None) -> None:
        super().__init__(f"pole {pole!r} is closed (opens at {opens_at})")
        self.pole = pole
        self.opens_at = opens_at


class QueueFull(DeskError):
    """The pole's queue is at capacity."""

    code = "queue_full"
    message = gettext_noop("This desk is full right now; please try again a little later.")


class TokenBlocked(DeskError):
    """This visitor token is blocked until ``until``."""

    code = "blocked"
    message = gettext_noop("You cannot join the desk for now.")

    def __init__(self, until: float) -> None:
        super().__init__(f"blocked until {until}")
        self.until = until


class AlreadyQueued(DeskError):
    """This token already holds a ticket; resume it instead of joining again."""

    code = "already_queued"
    message = gettext_noop("You are already waiting or in a conversation.")


class UnknownTicket(DeskError):
    """No ticket for this token: it never existed, left, or its grace period ran out."""

    code = "unknown_ticket"
    message = gettext_noop("Your place has expired; you can join again.")


class NotOnShift(DeskError):
    """This counsellor has no shift running (never started, drained, or lost)."""

    code = "not_on_shift"
    message = gettext_noop("Start your shift first.")


class InvalidCapacity(DeskError):
    """Capacity must be at least 1 and not below the conversations already running."""

    code = "invalid_capacity"
    message = gettext_noop("Choose between 1 and your maximum of conversations.")


class NoSuchOffer(DeskError):
    """This visitor is not offered to you (never was, or the offer expired or was withdrawn)."""

    code = "no_such_offer"
    message = gettext_noop("This visitor is no longer offered to you.")


class OfferAlreadyExtended(DeskError):
    """The offer was already extended once: it cannot be extended again."""

    code = "offer_already_extended"
    message = gettext_noop("You already asked for a moment on this offer: accept or decline it.")


class UnknownConversation(DeskError):
    """No such running conversation."""

    code = "unknown_conversation"
    message = gettext_noop("This conversation has ended.")


class NotInConversation(DeskError):
    """This counsellor is not part of that conversation."""

    code = "not_in_conversation"
    message = gettext_noop("You are not part of this conversation.")


class InvalidTransition(DeskError):
    """The request does not fit the current state; names the expected and actual states."""

    code = "invalid_transition"
    message = gettext_noop("This is not possible in the current state.")

    def __init__(self, what: str, expected: str, actual: str) -> None:
        super().__init__(f"{what}: expected {expected}, actual {actual}")
        self.expected = expected
        self.actual = actual


class CannotInviteSelf(DeskError):
    """A counsellor cannot invite themself."""

    code = "cannot_invite_self"
    message = gettext_noop("You are already in this conversation.")


class InviteeUnavailable(DeskError):
    """The invitee is not on shift, paused, draining, already in it, or has no free slot."""

    code = "invitee_unavailable"
    message = gettext_noop("This colleague cannot join right now.")


class SamePole(DeskError):
    """A transfer must go to another pole."""

    code = "same_pole"
    message = gettext_noop("The visitor is already on this topic.")


class InvalidBlockDuration(DeskError):
    """A block lasts a positive number of hours."""

    code = "invalid_block_duration"
    message = gettext_noop("Choose a block duration of up to 30 days.")


class ConversationIdInUse(DeskError):
    """The caller's new conversation id is already taken."""

    code = "conversation_id_in_use"
    message = gettext_noop("Please try again.")
