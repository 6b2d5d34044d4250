"""Opening hours arithmetic, pure so it can be tested without a database.

A window closing at 00:00 means "until midnight", so a pole open all evening needs no
23:59 trick.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

# Look this far ahead for the next opening; beyond it a pole is, for a visitor, simply closed.
SEARCH_DAYS = 60


@dataclass(frozen=True)
class OpeningWindow:
    weekday: int  # Monday is 0, as in datetime.weekday()
    opens: time
    closes: time


def _bounds(day: date, window: OpeningWindow, tzinfo: object) -> tuple[datetime, datetime]:
    start = datetime.combine(day, window.opens, tzinfo=tzinfo)  # type: ignore[arg-type]
    if window.closes == time(0, 0):
        end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tzinfo)  # type: ignore[arg-type]
    else:
        end = datetime.combine(day, window.closes, tzinfo=tzinfo)  # type: ignore[arg-type]
    return start, end


def is_open_at(
    moment: datetime, windows: Iterable[OpeningWindow], closed_days: frozenset[date]
) -> bool:
    """Whether `moment` (aware, in the Cité's time zone) falls inside an opening window."""
    if moment.date() in closed_days:
        return False
    for window in windows:
        if window.weekday != moment.weekday():
            continue
        start, end = _bounds(moment.date(), window, moment.tzinfo)
        if start <= moment < end:
            return True
    return False


def is_open_during(
    start: datetime, end: datetime, windows: Iterable[OpeningWindow],
    closed_days: frozenset[date]
) -> bool:
    """Whether some moment of [start, end) falls inside an opening window; both aware, in the
    Cité's time zone, and on one day (`end` at most its midnight), as a planned shift is."""
    day = start.date()
    if day in closed_days:
        return False
    for window in windows:
        if window.weekday != day.weekday():
            continue
        opens, closes = _bounds(day, window, start.tzinfo)
        if opens < end and start < closes:
            return True
    return False


def next_opening(
    moment: datetime, windows: Iterable[OpeningWindow], closed_days: frozenset[date]
) -> datetime | None:
    """The start of the next window after `moment`, or None if none within SEARCH_DAYS."""
    window_list = list(windows)
    for offset in range(SEARCH_DAYS + 1):
        day = moment.date() + timedelta(days=offset)
        if day in closed_days:
            continue
        starts = sorted(
            _bounds(day, window, moment.tzinfo)[0]
            for window in window_list
            if window.weekday == day.weekday()
        )
        for start in starts:
            if start > moment:
                return start
    return None
