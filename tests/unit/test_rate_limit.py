"""The per-socket rate limit stops floods, never a client the server kept waiting."""

from __future__ import annotations

from virtualcite.realtime.limits import (
    FRAME_BURST,
    FRAMES_PER_SECOND,
    MAX_HELD_UP_FRAMES,
    TokenBucket,
)


def test_a_burst_passes_and_the_next_frame_is_refused() -> None:
    bucket = TokenBucket(updated=0.0)
    assert all(bucket.allow(now=0.0) for _ in range(FRAME_BURST))
    assert not bucket.allow(now=0.0)
    assert bucket.allow(now=1.0 / FRAMES_PER_SECOND)  # the sustained rate refills it


def test_frames_sent_at_a_steady_pace_while_the_server_was_held_up_all_pass() -> None:
    bucket = TokenBucket(updated=0.0)
    # Ten seconds of a handler waiting on Redis; the client kept sending 4 frames a second,
    # and the 40 of them are handled at once when the handler returns.
    bucket.held_up(10.0)
    assert all(bucket.allow(now=10.0) for _ in range(40))


def test_what_a_stall_owes_is_bounded() -> None:
    bucket = TokenBucket(updated=0.0)
    bucket.held_up(3600.0)
    allowed = sum(bucket.allow(now=0.0) for _ in range(FRAME_BURST + MAX_HELD_UP_FRAMES + 10))
    assert allowed == FRAME_BURST + MAX_HELD_UP_FRAMES
