"""Limits every realtime route shares, each with where its value comes from (docs/protocol.md)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

# Long enough for a detailed question, short enough to keep a written conversation a dialogue.
MAX_MESSAGE_CHARS = 2000
# The longest legitimate frame is a counsellor's `message` of 2,000 characters, each escaped
# as an ASCII-only JSON encoder escapes the worst of them: an astral character (an emoji) as
# a surrogate pair, `\ud83d\ude00`, 12 bytes (a control character, `\u0001`, is only 6).
# With a 64-character client_id escaped the same way, a 64-character conversation id and the
# keys: 2,000 x 12 + 64 x 12 + 64 + 68 = 24,900 bytes (tests/unit/test_decoding.py builds it).
# Daphne itself rejects anything above 64 KiB (virtualcite/cli.py).
MAX_FRAME_BYTES = 32 * 1024
# Fast typists send a few lines per second; bursts cover pasting several short lines.
FRAMES_PER_SECOND = 5.0
FRAME_BURST = 15
# Violations (rate or size) tolerated within VIOLATION_WINDOW before the socket is closed.
MAX_VIOLATIONS = 10
VIOLATION_WINDOW_SECONDS = 60.0
# Tabs a person may open on one token (a visitor's, a room participant's): a reload
# overlaps briefly with the old socket.
MAX_CONNECTIONS_PER_TOKEN = 3
# Clients heartbeat every 10 s; a connection entry outlives two missed beats.
CONNECTION_TTL_SECONDS = 25.0
HEARTBEAT_SECONDS = 10.0
# A page sends `hello` as soon as its socket opens; a socket silent this long is not a page.
HELLO_TIMEOUT_SECONDS = 10.0


# What a stall may owe a client: a minute at the sustained rate, longer than any outage the
# store rides out (15 s, chat/store/redis.py), bounded so that it is no back door for floods.
MAX_HELD_UP_FRAMES = int(60 * FRAMES_PER_SECOND)


@dataclass
class TokenBucket:
    """Per-connection rate limit: FRAMES_PER_SECOND sustained, FRAME_BURST at once."""

    rate: float = FRAMES_PER_SECOND
    burst: float = FRAME_BURST
    tokens: float = FRAME_BURST
    updated: float = field(default_factory=time.monotonic)

    # Frames the client may have sent while the server was held up, beyond the burst.
    owed: float = 0.0

    def allow(self, now: float | None = None) -> bool:
        moment = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (moment - self.updated) * self.rate)
        self.updated = moment
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        if self.owed >= 1.0:
            self.owed -= 1.0
            return True
        return False

    def held_up(self, seconds: float) -> None:
        """The socket's handler waited `seconds` on the server (a Redis outage, say).

        Frames are counted when they are handled, not when they arrive: those a client sent
        at a steady pace meanwhile are handled in a burst afterwards. They are allowed, up to
        what the sustained rate gives for that time, so a server's stall never makes a
        well-behaved client look like a flood (and, after ten refusals, closes its socket).
        """
        self.owed = min(self.owed + seconds * self.rate, MAX_HELD_UP_FRAMES)


@dataclass
class ViolationCounter:
    """Counts limit violations in a sliding window; abuse means closing the socket."""

    limit: int = MAX_VIOLATIONS
    window: float = VIOLATION_WINDOW_SECONDS
    times: list[float] = field(default_factory=list)

    def record(self, now: float | None = None) -> bool:
        """Record one violation; True when the connection has now been abusive."""
        moment = time.monotonic() if now is None else now
        self.times = [t for t in self.times if moment - t < self.window]
        self.times.append(moment)
        return len(self.times) > self.limit
