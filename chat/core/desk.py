"""The desk's rules: every change to the desk state goes through one of these functions.

Each function checks everything first and raises a DeskError before changing anything, then
mutates ``state`` in place, runs routing (a visitor may have arrived or a slot freed), tells the
waiting visitors whose place moved, and returns the events in the order they happened.

The rules are written in one module per actor (visitors, shifts, offers, conversations,
liveness); this module is the one place callers import them from.
"""

from __future__ import annotations

from chat.core.conversations import (
    conversation_end,
    conversation_invite,
    conversation_leave,
    conversation_transfer,
    visitor_block,
)
from chat.core.liveness import counsellor_dropped, counsellor_remove, maintain, tick
from chat.core.offers import offer_accept, offer_decline, offer_extend
from chat.core.reform import reform
from chat.core.shifts import (
    counsellor_drain,
    counsellor_heartbeat,
    counsellor_online,
    counsellor_pause,
    counsellor_resume,
)
from chat.core.steps import VISITOR
from chat.core.visitors import (
    join_refused,
    visitor_disconnect,
    visitor_heartbeat,
    visitor_join,
    visitor_leave,
    visitor_resume,
)

__all__ = [
    "VISITOR",
    "conversation_end",
    "conversation_invite",
    "conversation_leave",
    "conversation_transfer",
    "counsellor_drain",
    "counsellor_dropped",
    "counsellor_heartbeat",
    "counsellor_online",
    "counsellor_pause",
    "counsellor_remove",
    "counsellor_resume",
    "join_refused",
    "maintain",
    "offer_accept",
    "offer_decline",
    "offer_extend",
    "reform",
    "tick",
    "visitor_block",
    "visitor_disconnect",
    "visitor_heartbeat",
    "visitor_join",
    "visitor_leave",
    "visitor_resume",
]
