"""Why a room refused a request: one class per failure, its stable `code` and message.

As the desk's (chat/core/errors.py): the realtime layer answers a refusal with an error
frame of its code and its message, translated; a refused request changes nothing.
"""

from __future__ import annotations

from typing import ClassVar


def gettext_noop(message: str) -> str:
    """Mark `message` for translation; translated when it is sent (the core has no Django)."""
    return message


class RoomError(Exception):
    """Base of every refusal by a room."""

    code: ClassVar[str] = "room_error"
    message: ClassVar[str] = ""


class NotInRoom(RoomError):
    """This token holds no place in the room (never joined, left, or lost)."""

    code = "not_in_room"
    message = gettext_noop("You are not in this room; you can join it again.")


class NotSeated(RoomError):
    """Only a seated participant may write or raise a hand; this one is on the waiting list."""

    code = "not_seated"
    message = gettext_noop("You are on the waiting list; you can write once you have a seat.")


class RoomNotOpen(RoomError):
    """The room is closed or paused: nobody writes until it opens (again)."""

    code = "room_not_open"
    message = gettext_noop("The room is not open right now.")


class Muted(RoomError):
    code = "muted"
    message = gettext_noop("A facilitator has muted you for now.")


class SlowMode(RoomError):
    """Slow mode: one message per `slow_mode` seconds; `retry_at` says when the next may go."""

    code = "slow_mode"
    message = gettext_noop("Slow mode is on: please wait a little before your next message.")

    def __init__(self, retry_at: float) -> None:
        super().__init__(f"slow mode until {retry_at}")
        self.retry_at = retry_at


class Barred(RoomError):
    """A facilitator removed this token from the room: it may not come back today."""

    code = "removed"
    message = gettext_noop("You were removed from this room and cannot come back today.")


class AlreadyInRoom(RoomError):
    """This token already holds a place: resume it (hello) instead of joining again."""

    code = "already_in_room"
    message = gettext_noop("You are already in this room.")


class UnknownParticipant(RoomError):
    """The facilitator named a participant who is not in the room (any more)."""

    code = "unknown_participant"
    message = gettext_noop("This participant is no longer in the room.")


class NoSuchStep(RoomError):
    """There is no further step in this room's exercise."""

    code = "no_such_step"
    message = gettext_noop("There is no further step in this exercise.")


class InvalidSlowMode(RoomError):
    code = "invalid_slow_mode"
    message = gettext_noop("Choose a slow mode of up to ten minutes.")


class RoomFull(RoomError):
    """Every seat is taken and the waiting list is as long as it may be."""

    code = "room_full"
    message = gettext_noop("This room and its waiting list are full; please try a later session.")
