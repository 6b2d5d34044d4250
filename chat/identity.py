"""Visitor tokens, their public handles, and the channel-layer group names.

A visitor token is the only key to a place in the queue or a conversation: it is never shown
to counsellors nor sent through Redis as a group name. Counsellors see a *handle*, derived
from the token with the server's secret so it cannot be turned back into the token.
"""

from __future__ import annotations

import secrets

from virtualcite.realtime.identity import digest

HANDLE_HEX = 16


def new_conversation_id() -> str:
    return secrets.token_hex(8)


def visitor_handle(token: str) -> str:
    """What counsellors see and send back (accept/decline) instead of the token."""
    return digest(b"handle:", token)[:HANDLE_HEX]


def visitor_group(token: str) -> str:
    return "visitor." + digest(b"group:", token)[:32]


def counsellor_group(counsellor_id: str) -> str:
    return f"counsellor.{counsellor_id}"


def conversation_group(token: str) -> str:
    """The group of a visitor's conversations (one at a time), derived from their token.

    The visitor's sockets join it as soon as they hold the token, long before any
    conversation, and a counsellor joins it before the visitor is told of the match: so a
    conversation's members are all in its group before either side learns it exists, and
    a greeting sent at once reaches the visitor. A conversation that ends (or is passed on)
    takes its counsellors out of the group; frames of an earlier conversation that were on
    their way carry its id, which the page no longer shows.
    """
    return "conversation." + digest(b"talk:", token)[:32]


# Everyone watching pole figures: visitors in the lobby and counsellors on their desk page.
LOBBY_GROUP = "lobby"
# Everyone on shift: the colleague channel and the list of colleagues.
STAFF_GROUP = "staff"
