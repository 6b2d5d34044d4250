"""Receipts never cost a page its rate limit: the page's cadence (receipts.js) against the
server's bucket (virtualcite/realtime/limits.py), on an injected clock."""

from __future__ import annotations

import re
from pathlib import Path

from chat.limits import MAX_RECEIPT_IDS
from virtualcite.realtime.limits import FRAMES_PER_SECOND, HEARTBEAT_SECONDS, TokenBucket

SCRIPTS = Path(__file__).resolve().parents[2] / "frontend" / "static" / "frontend" / "js"


def page_constant(name: str, script: str = "receipts.js") -> int:
    match = re.search(rf"export const {name} = (\d+);", (SCRIPTS / script).read_text())
    assert match, f"{script} has no {name}"
    return int(match.group(1))


RECEIPT_GAP_SECONDS = page_constant("RECEIPT_GAP_MS") / 1000
RESEND_PACE_SECONDS = page_constant("RESEND_PACE_MS", "own_messages.js") / 1000


def test_the_page_batches_no_more_ids_than_the_server_takes() -> None:
    assert page_constant("MAX_RECEIPT_IDS") == MAX_RECEIPT_IDS


def test_receipts_take_at_most_half_the_sustained_rate() -> None:
    assert 1 / RECEIPT_GAP_SECONDS <= FRAMES_PER_SECOND / 2


def test_a_fast_senders_receipts_are_never_refused() -> None:
    """The other side sends at the rate limit for ten minutes, so this page has a receipt to
    send at every gap, while it owes resends all along and its person types fast: a message a
    second and a typing notice every 3 s (typing.js), with the 10 s heartbeat. Not one frame
    is refused."""
    bucket = TokenBucket(updated=0.0)
    frames: list[tuple[float, str]] = []
    ticks = int(600 / RECEIPT_GAP_SECONDS)
    frames += [(n * RECEIPT_GAP_SECONDS, "received") for n in range(ticks)]
    frames += [(n * RESEND_PACE_SECONDS + 0.2, "resend")
               for n in range(int(600 / RESEND_PACE_SECONDS))]
    frames += [(n + 0.05, "message") for n in range(600)]
    frames += [(n * 3.0 + 0.1, "typing") for n in range(200)]
    frames += [(n * HEARTBEAT_SECONDS + 0.15, "ping") for n in range(60)]
    refused = [(at, kind) for at, kind in sorted(frames) if not bucket.allow(now=at)]
    assert refused == []
    # A fast sender's 5 messages a second fill each receipt with two ids, far below the cap.
    assert FRAMES_PER_SECOND * RECEIPT_GAP_SECONDS <= MAX_RECEIPT_IDS
