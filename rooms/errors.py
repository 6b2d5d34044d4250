"""How the rooms' core refusals are answered: the part of a message that changes with the case.

The refusals themselves carry their codes and messages (rooms/core/errors.py); rooms/apps.py
registers their base with the realtime layer.
"""

from __future__ import annotations

from django.utils.translation import ngettext

from rooms.core.errors import RoomError, SlowMode
from virtualcite.realtime.errors import seconds_until


def detail(refusal: RoomError) -> str | None:
    """When a participant in slow mode may write again."""
    if isinstance(refusal, SlowMode):
        seconds = seconds_until(refusal.retry_at)
        return ngettext("You can write again in %(seconds)d second.",
                        "You can write again in %(seconds)d seconds.",
                        seconds) % {"seconds": seconds}
    return None
