"""When a room's sessions run: pure arithmetic over its schedule, tested without a database.

A schedule entry is one-off (a date) or weekly (a weekday, optionally between two dates), with
an opening and a closing time in the Cité's time zone; 00:00 as a closing time means midnight,
as for a pole's hours (virtualcite/opening.py). Local times are built with the zone itself, not
by adding fixed offsets, so a 10:00 session stays at 10:00 across a change of summer time, and
every comparison is made on the instants (a shared ``tzinfo`` would compare wall clocks).
Sessions that overlap or touch are one session: a room open 22:00–00:00 and 00:00–01:00 is
open from 22:00 to 01:00.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

# Look this far ahead for a room's next session; beyond it, for a visitor, there is none.
SEARCH_DAYS = 60
MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class ScheduleEntry:
    """One line of a room's schedule: ``day`` for a one-off session, else ``weekday``."""

    opens: time
    closes: time
    day: date | None = None
    weekday: int | None = None  # Monday is 0, as in date.weekday()
    starts_on: date | None = None  # a weekly entry's first and last dates, both optional
    ends_on: date | None = None

    def runs_on(self, day: date) -> bool:
        if self.day is not None:
            return day == self.day
        return (self.weekday == day.weekday()
                and (self.starts_on is None or day >= self.starts_on)
                and (self.ends_on is None or day <= self.ends_on))


@dataclass(frozen=True)
class Session:
    """A run of a room, from ``start`` to ``end`` (aware, in the Cité's zone)."""

    start: datetime
    end: datetime

    def is_running(self, moment: datetime) -> bool:
        return _instant(self.start) <= _instant(moment) < _instant(self.end)


def _instant(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _session_on(day: date, entry: ScheduleEntry, zone: tzinfo) -> Session:
    start = datetime.combine(day, entry.opens, tzinfo=zone)
    end_day = day + timedelta(days=1) if entry.closes == MIDNIGHT else day
    return Session(start=start, end=datetime.combine(end_day, entry.closes, tzinfo=zone))


def sessions(entries: Iterable[ScheduleEntry], *, after: datetime, zone: tzinfo,
             days: int = SEARCH_DAYS) -> Iterator[Session]:
    """Every session not yet ended at ``after`` (the one running, then the next ones), in
    order, that starts within ``days`` local days of it."""
    entry_list = list(entries)
    first_day = after.astimezone(zone).date() - timedelta(days=1)  # one may run past midnight
    pending: Session | None = None
    for offset in range(days + 2):
        day = first_day + timedelta(days=offset)
        todays = sorted((_session_on(day, entry, zone) for entry in entry_list
                         if entry.runs_on(day)), key=lambda session: _instant(session.start))
        for session in todays:
            if pending is not None and _instant(session.start) <= _instant(pending.end):
                if _instant(session.end) > _instant(pending.end):
                    pending = Session(start=pending.start, end=session.end)
                continue
            if pending is not None and _instant(pending.end) > _instant(after):
                yield pending
            pending = session
    if pending is not None and _instant(pending.end) > _instant(after):
        yield pending


def current_session(entries: Iterable[ScheduleEntry], *, at: datetime,
                    zone: tzinfo) -> Session | None:
    """The session running at ``at``, or None."""
    first = next(sessions(entries, after=at, zone=zone), None)
    return first if first is not None and first.is_running(at) else None


def next_sessions(entries: Iterable[ScheduleEntry], *, after: datetime, zone: tzinfo,
                  days: int = SEARCH_DAYS) -> Iterator[Session]:
    """The sessions starting after ``after``, in order (the one running, if any, left out)."""
    return (session for session in sessions(entries, after=after, zone=zone, days=days)
            if _instant(session.start) > _instant(after))


def current_or_next(entries: Iterable[ScheduleEntry], *, at: datetime,
                    zone: tzinfo) -> Session | None:
    """The session running at ``at``, else the next one within SEARCH_DAYS, else None."""
    return next(sessions(entries, after=at, zone=zone), None)
