"""Why things happen in a room, one enum per kind of reason (Literals on the wire)."""

from __future__ import annotations

from enum import StrEnum


class DropReason(StrEnum):
    """Why a participant is no longer in the room (seated or waiting)."""

    LEFT = "left"  # they left
    LOST = "lost"  # their socket was gone longer than the grace period
    REMOVED = "removed"  # a facilitator removed them (barred for the day)
    ROOM_CLOSED = "room_closed"  # the session ended


class StatusReason(StrEnum):
    """Why the room's status changed."""

    OPENED = "opened"  # a facilitator opened it
    CLOSED = "closed"  # a facilitator closed it
    FACILITATOR_AWAY = "facilitator_away"  # the last facilitator dropped: paused
    FACILITATOR_BACK = "facilitator_back"  # one is back: open again
    FACILITATOR_LOST = "facilitator_lost"  # nobody came back within the grace: closed
