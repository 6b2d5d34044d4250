"""A room participant's handle and the channel-layer groups of a room.

A participant's token (one per room, kept by the page) is the only key to their seat; the
room and its facilitators see a handle, an HMAC of it (virtualcite/realtime/identity.py).
"""

from __future__ import annotations

from virtualcite.realtime.identity import digest

HANDLE_HEX = 16


def participant_handle(slug: str, token: str) -> str:
    return digest(f"room-handle:{slug}:".encode(), token)[:HANDLE_HEX]


def everyone_group(slug: str) -> str:
    """Every socket of the room: participants seated or waiting, facilitators."""
    return f"room.{slug}"


def members_group(slug: str) -> str:
    """Seated participants and facilitators: who hears the room's messages."""
    return f"room.{slug}.members"


def participant_group(slug: str, token: str) -> str:
    """A participant's own sockets (every tab on the token)."""
    return "room-participant." + digest(f"room-group:{slug}:".encode(), token)[:32]
