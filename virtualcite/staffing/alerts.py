"""Pole alerts: a queue past its pole's thresholds, or an open pole nobody can answer.

The thresholds are set per pole in the admin (`Pole.alert_waiting_over`,
`alert_wait_minutes_over`, `alert_nobody_available`); `pole_alerts` is a pure function of the
live loads (`chat.core.queries.PoleLoad`, which carries the counsellors available, unlike the
lobby's figures), those thresholds and which poles are open now. The managers' dashboard shows
the alerts; the counsellor sockets push them to counsellors who may serve the pole but are on
shift for others (chat/alerting.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from channels.db import database_sync_to_async

from chat.core.queries import PoleLoad
from virtualcite.models import Pole

# As chat/directory.py's: an admin edit of a threshold shows within a few seconds, without a
# query on every evaluation.
CACHE_SECONDS = 5.0


class AlertKind(StrEnum):
    """Why a pole needs help (the wire's `kind`, chat/frames.py `AlertKindName`)."""

    WAITING_OVER = "waiting_over"  # more visitors waiting than the threshold
    WAIT_OVER = "wait_over"  # the longest wait passed the threshold (minutes)
    NOBODY_AVAILABLE = "nobody_available"  # open, and no counsellor can take a visitor


@dataclass(frozen=True)
class PoleAlert:
    """One alert of one pole: `value` is the figure that passed `threshold`.

    waiting_over: visitors waiting / the most allowed; wait_over: the longest wait in whole
    minutes / the minutes allowed; nobody_available: visitors waiting / 0 (counsellors
    available: none).
    """

    pole: str
    kind: AlertKind
    value: int
    threshold: int


@dataclass(frozen=True)
class AlertThresholds:
    """A pole's thresholds; None switches that alert off."""

    waiting_over: int | None = None
    wait_minutes_over: int | None = None
    nobody_available: bool = True


def pole_alerts(loads: Iterable[PoleLoad], thresholds: Mapping[str, AlertThresholds],
                open_poles: Collection[str]) -> list[PoleAlert]:
    """Every alert now, pole by pole in the order of `thresholds` (the poles that have any),
    then by kind. A pole without a load has nobody waiting and nobody on shift; nobody
    available counts only while the pole is open, a queue whenever it is there (visitors
    still waiting after the closing hour still need someone)."""
    by_pole = {load.pole: load for load in loads}
    alerts: list[PoleAlert] = []
    for pole, limits in thresholds.items():
        load = by_pole.get(pole)
        waiting = load.waiting if load else 0
        if limits.waiting_over is not None and waiting > limits.waiting_over:
            alerts.append(PoleAlert(pole, AlertKind.WAITING_OVER, waiting, limits.waiting_over))
        longest = load.longest_wait if load else 0.0
        if limits.wait_minutes_over is not None and longest > limits.wait_minutes_over * 60:
            alerts.append(PoleAlert(pole, AlertKind.WAIT_OVER, int(longest // 60),
                                    limits.wait_minutes_over))
        available = load.counsellors_available if load else 0
        if limits.nobody_available and pole in open_poles and available == 0:
            alerts.append(PoleAlert(pole, AlertKind.NOBODY_AVAILABLE, waiting, 0))
    return alerts


class ThresholdDirectory:
    """The active poles' thresholds, in display order, cached for CACHE_SECONDS per process.
    The clock is injected (a test decides when the cache ages)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._thresholds: dict[str, AlertThresholds] = {}
        self._loaded_at = float("-inf")

    async def thresholds(self) -> dict[str, AlertThresholds]:
        if self.clock() - self._loaded_at > CACHE_SECONDS:
            loaded: dict[str, AlertThresholds] = await database_sync_to_async(
                _load_thresholds)()
            self._thresholds, self._loaded_at = loaded, self.clock()
        return self._thresholds

    def invalidate(self) -> None:
        """Read the thresholds again at the next call (tests; after an admin edit)."""
        self._loaded_at = float("-inf")


def _load_thresholds() -> dict[str, AlertThresholds]:
    return {slug: AlertThresholds(waiting_over=waiting, wait_minutes_over=minutes,
                                  nobody_available=nobody)
            for slug, waiting, minutes, nobody in Pole.objects.active().values_list(
                "slug", "alert_waiting_over", "alert_wait_minutes_over",
                "alert_nobody_available")}


alert_thresholds = ThresholdDirectory()
