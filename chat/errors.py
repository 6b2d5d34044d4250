"""Failures of the live desk outside the core's rules; one class each, mapped to error codes.

The core's refusals (chat/core/errors.py) carry their own codes; `error_frame` maps both
families to an `error` frame with a message in the client's language, in one place.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import DatabaseError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from chat.codes import ErrorCode
from chat.core.errors import DeskError, PoleClosed
from chat.frames import Error
from chat.store.errors import StoreError


class LiveDeskError(Exception):
    """Base of the live desk's own refusals."""

    code: ErrorCode


class Forbidden(LiveDeskError):
    """The staff member lacks the role or the pole for this frame."""

    code = ErrorCode.FORBIDDEN


class NotInConversation(LiveDeskError):
    """The frame names a conversation this connection does not take part in."""

    code = ErrorCode.NOT_IN_CONVERSATION


class NoConversation(LiveDeskError):
    """A visitor frame that needs a running conversation, sent without one."""

    code = ErrorCode.NO_CONVERSATION


class UnknownResource(LiveDeskError):
    """The resource does not exist or is not published."""

    code = ErrorCode.UNKNOWN_RESOURCE


class NothingToRate(LiveDeskError):
    """No ended conversation of this visitor is waiting for a rating."""

    code = ErrorCode.NOTHING_TO_RATE


def _messages() -> dict[str, str]:
    return {
        ErrorCode.MALFORMED_FRAME: _("This request could not be read."),
        ErrorCode.UNKNOWN_FRAME: _("This request is not understood here."),
        ErrorCode.FRAME_TOO_LARGE: _("This request is too large."),
        ErrorCode.MESSAGE_TOO_LONG: _("Your message is too long; please split it."),
        ErrorCode.EMPTY_MESSAGE: _("Your message is empty."),
        ErrorCode.RATE_LIMITED: _("You are sending too fast; please wait a moment."),
        ErrorCode.HELLO_FIRST: _("The connection is not ready yet."),
        ErrorCode.FORBIDDEN: _("You are not allowed to do this."),
        ErrorCode.NOT_IN_CONVERSATION: _("You are not part of this conversation."),
        ErrorCode.NO_CONVERSATION: _("You are not in a conversation."),
        ErrorCode.UNKNOWN_RESOURCE: _("This resource is not available."),
        ErrorCode.NOTHING_TO_RATE: _("There is no conversation to rate."),
        ErrorCode.SERVICE_UNAVAILABLE: _(
            "The desk is briefly unavailable; your place is kept. Please try again."),
        ErrorCode.INTERNAL_ERROR: _(
            "Something went wrong on our side; your place is kept. Please try again."),
        ErrorCode.TOO_MANY_CONNECTIONS: _(
            "This conversation is already open in too many tabs; please use one of them."),
        ErrorCode.UNKNOWN_POLE: _("This topic does not exist."),
        ErrorCode.POLE_CLOSED: _("This desk is closed right now."),
        ErrorCode.QUEUE_FULL: _("This desk is full right now; please try again a little later."),
        ErrorCode.BLOCKED: _("You cannot join the desk for now."),
        ErrorCode.ALREADY_QUEUED: _("You are already waiting or in a conversation."),
        ErrorCode.UNKNOWN_TICKET: _("Your place has expired; you can join again."),
        ErrorCode.NOT_ON_SHIFT: _("Start your shift first."),
        ErrorCode.INVALID_CAPACITY: _("Choose between 1 and your maximum of conversations."),
        ErrorCode.NO_SUCH_OFFER: _("This visitor is no longer offered to you."),
        ErrorCode.AT_CAPACITY: _("No free slot for another conversation."),
        ErrorCode.UNKNOWN_CONVERSATION: _("This conversation has ended."),
        ErrorCode.INVALID_TRANSITION: _("This is not possible in the current state."),
        ErrorCode.CANNOT_INVITE_SELF: _("You are already in this conversation."),
        ErrorCode.INVITEE_UNAVAILABLE: _("This colleague cannot join right now."),
        ErrorCode.SAME_POLE: _("The visitor is already on this topic."),
        ErrorCode.INVALID_BLOCK_DURATION: _("Choose a block duration of up to 30 days."),
        ErrorCode.CONVERSATION_ID_IN_USE: _("Please try again."),
    }


def error_frame(code: str, *, frame_type: str | None = None, detail: str | None = None,
                client_id: str | None = None) -> Error:
    message = _messages().get(code, _("Something went wrong."))
    if detail:
        message = f"{message} {detail}"
    return Error(code=code, message=message, frame=frame_type, client_id=client_id)


def error_for(exception: Exception, *, frame_type: str | None,
              client_id: str | None = None) -> Error:
    """The error frame for a refusal raised by a service (`client_id`: the refused frame's)."""
    if isinstance(exception, StoreError | RedisError | DatabaseError):
        return error_frame(ErrorCode.SERVICE_UNAVAILABLE, frame_type=frame_type,
                           client_id=client_id)
    if isinstance(exception, LiveDeskError):
        return error_frame(exception.code, frame_type=frame_type, client_id=client_id)
    if isinstance(exception, DeskError):
        return error_frame(exception.code, frame_type=frame_type, detail=_detail(exception),
                           client_id=client_id)
    raise exception


def _detail(exception: DeskError) -> str | None:
    """The part of a refusal that changes with the case: when a closed pole opens."""
    if isinstance(exception, PoleClosed) and exception.opens_at:
        when = timezone.localtime(datetime.fromtimestamp(exception.opens_at, tz=UTC))
        return _("It opens %(when)s.") % {"when": formats.date_format(when, "l j F, H:i")}
    return None
