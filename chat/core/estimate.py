"""Honest wait estimates: from the pole's observed service rate, or "unknown".

A visitor would rather read "unknown" than a made-up figure, so the estimate exists only when
the pole has served enough visitors recently and someone is there to serve the next ones.
"""

from __future__ import annotations

import math

from chat.core.model import DEFAULTS, CounsellorStatus, DeskConfig, DeskState

# Screens show whole minutes; re-announcing finer changes would only flood the sockets.
ANNOUNCE_GRANULARITY = 60.0


def recent_matches(state: DeskState, pole: str, now: float, config: DeskConfig) -> list[float]:
    """Match timestamps of ``pole`` inside the estimate window (oldest first)."""
    since = now - config.estimate_window
    return [t for t in state.served.get(pole, ()) if since < t <= now]


def service_rate(
    state: DeskState, pole: str, now: float, config: DeskConfig = DEFAULTS
) -> float | None:
    """Matches per second over the recent window, or None without enough observations.

    The span runs from the oldest observation in the window to now, so a desk that has gone
    quiet sees its rate fall instead of keeping the pace of its last burst.
    """
    matches = recent_matches(state, pole, now, config)
    if len(matches) < config.estimate_min_observations:
        return None
    span = now - matches[0]
    if span <= 0:
        return None
    return len(matches) / span


def counsellors_serving(state: DeskState, pole: str, now: float) -> int:
    """Counsellors on shift for ``pole`` who take new visitors (not paused, not draining)."""
    return sum(
        1
        for c in state.counsellors.values()
        if pole in c.poles and c.status is CounsellorStatus.AVAILABLE and c.lease_expires_at > now
    )


def estimate_from_rate(position: int, rate: float | None) -> float | None:
    """Seconds until the visitor at ``position`` (1-based) is matched, at ``rate``."""
    if rate is None or rate <= 0 or position < 1:
        return None
    return position / rate


def wait_estimate(
    state: DeskState, pole: str, position: int, now: float, config: DeskConfig = DEFAULTS
) -> float | None:
    """Estimated seconds before the visitor at ``position`` is offered to a counsellor.

    None ("unknown") when fewer than ``estimate_min_observations`` matches happened in the
    window, or when no counsellor currently takes visitors for this pole: a rate observed
    while counsellors were present says nothing once they are all gone.
    """
    if counsellors_serving(state, pole, now) == 0:
        return None
    return estimate_from_rate(position, service_rate(state, pole, now, config))


def rounded(estimate: float | None) -> float | None:
    """An estimate rounded up to the announced granularity (never promises too short a wait)."""
    if estimate is None:
        return None
    return math.ceil(estimate / ANNOUNCE_GRANULARITY) * ANNOUNCE_GRANULARITY


def prune_served(state: DeskState, now: float, config: DeskConfig) -> None:
    """Forget matches older than the window, so the state stays small."""
    since = now - config.estimate_window
    for pole in list(state.served):
        kept = [t for t in state.served[pole] if t > since]
        if kept:
            state.served[pole] = kept
        else:
            del state.served[pole]
