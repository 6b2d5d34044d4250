"""Limits of the desk's own frames; those every route shares: virtualcite/realtime/limits.py."""

from __future__ import annotations

# A handover note is a line or two for the next counsellor, not a case file.
MAX_NOTE_CHARS = 500
# Pole figures reach lobby sockets at most this often per process (chat/lobby.py): fresh
# enough for a person watching a queue, and bounded however many changes and watchers.
LOBBY_INTERVAL_SECONDS = 1.0
# A receipt (`received`) names the messages a page displayed since its last one: it sends
# at most one every 400 ms, so even a sender at the rate limit fills a few ids per receipt.
MAX_RECEIPT_IDS = 50
