"""A room's sessions: one-off and weekly entries, the one running now, the next ones, and the
change of summer time in the Cité's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from rooms.schedule import (
    ScheduleEntry,
    Session,
    current_or_next,
    current_session,
    next_sessions,
    sessions,
)

PARIS = ZoneInfo("Europe/Paris")
# 2026-11-24 is a Tuesday (weekday 1).
TUESDAY_AFTERNOONS = [ScheduleEntry(weekday=1, opens=time(14), closes=time(16))]


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


def test_a_weekly_session_runs_from_its_opening_until_just_before_its_closing() -> None:
    assert current_session(TUESDAY_AFTERNOONS, at=at(24, 14), zone=PARIS) == Session(
        at(24, 14), at(24, 16))
    assert current_session(TUESDAY_AFTERNOONS, at=at(24, 15, 59), zone=PARIS) is not None
    assert current_session(TUESDAY_AFTERNOONS, at=at(24, 16), zone=PARIS) is None
    assert current_session(TUESDAY_AFTERNOONS, at=at(23, 15), zone=PARIS) is None


def test_the_next_sessions_are_every_week_at_the_same_local_time() -> None:
    upcoming = list(islice(next_sessions(TUESDAY_AFTERNOONS, after=at(24, 15), zone=PARIS), 3))
    assert [session.start for session in upcoming] == [
        at(1, 14, month=12), at(8, 14, month=12), at(15, 14, month=12)]


def test_the_session_running_is_not_a_next_session_but_is_current_or_next() -> None:
    assert next(next_sessions(TUESDAY_AFTERNOONS, after=at(24, 15), zone=PARIS)).start == at(
        1, 14, month=12)
    running = current_or_next(TUESDAY_AFTERNOONS, at=at(24, 15), zone=PARIS)
    assert running is not None and running.start == at(24, 14)


def test_a_one_off_session_happens_once() -> None:
    once = [ScheduleEntry(day=date(2026, 11, 26), opens=time(10), closes=time(12, 30))]
    assert list(sessions(once, after=at(20, 9), zone=PARIS)) == [
        Session(at(26, 10), at(26, 12, 30))]
    assert list(sessions(once, after=at(26, 12, 30), zone=PARIS)) == []


def test_a_weekly_entry_keeps_to_its_first_and_last_dates() -> None:
    bounded = [ScheduleEntry(weekday=1, opens=time(14), closes=time(16),
                             starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 8))]
    assert [session.start for session in sessions(bounded, after=at(20, 9), zone=PARIS)] == [
        at(1, 14, month=12), at(8, 14, month=12)]


def test_several_weekly_slots_come_in_time_order() -> None:
    slots = [ScheduleEntry(weekday=3, opens=time(9), closes=time(10)),
             ScheduleEntry(weekday=1, opens=time(18), closes=time(19)),
             ScheduleEntry(weekday=1, opens=time(9), closes=time(10))]
    starts = [session.start for session in islice(sessions(slots, after=at(23, 0),
                                                           zone=PARIS), 4)]
    assert starts == [at(24, 9), at(24, 18), at(26, 9), at(1, 9, month=12)]


def test_overlapping_or_touching_entries_are_one_session_even_across_midnight() -> None:
    entries = [ScheduleEntry(day=date(2026, 11, 24), opens=time(22), closes=time(0)),
               ScheduleEntry(day=date(2026, 11, 25), opens=time(0), closes=time(1)),
               ScheduleEntry(day=date(2026, 11, 25), opens=time(0, 30), closes=time(0, 45))]
    assert list(sessions(entries, after=at(24, 12), zone=PARIS)) == [
        Session(at(24, 22), at(25, 1))]
    # Found from its second half too, after midnight.
    assert current_session(entries, at=at(25, 0, 50), zone=PARIS) == Session(at(24, 22),
                                                                             at(25, 1))


def test_closing_at_midnight_runs_to_the_end_of_the_day() -> None:
    evening = [ScheduleEntry(weekday=1, opens=time(20), closes=time(0))]
    assert current_session(evening, at=at(24, 23, 59), zone=PARIS) == Session(at(24, 20),
                                                                             at(25, 0))


def test_no_entry_or_none_within_the_horizon_means_no_session() -> None:
    assert current_or_next([], at=at(24, 9), zone=PARIS) is None
    far = [ScheduleEntry(day=date(2027, 6, 1), opens=time(10), closes=time(11))]
    assert current_or_next(far, at=at(24, 9), zone=PARIS) is None


def test_a_weekly_session_keeps_its_local_hour_across_the_spring_change() -> None:
    # Summer time starts in Paris on Sunday 2026-03-29 at 02:00 (UTC+1 becomes UTC+2).
    sundays = [ScheduleEntry(weekday=6, opens=time(10), closes=time(12))]
    before, after = islice(sessions(sundays, after=at(21, 12, month=3), zone=PARIS), 2)
    assert (before.start.hour, after.start.hour) == (10, 10)
    assert before.start.astimezone(UTC).hour == 9
    assert after.start.astimezone(UTC).hour == 8
    assert after.end - after.start == timedelta(hours=2)


def test_a_session_through_the_night_of_a_change_lasts_the_hours_really_elapsed() -> None:
    spring = [ScheduleEntry(day=date(2026, 3, 29), opens=time(1), closes=time(4))]
    autumn = [ScheduleEntry(day=date(2026, 10, 25), opens=time(1), closes=time(4))]
    (short,) = sessions(spring, after=at(28, 12, month=3), zone=PARIS)
    (long,) = sessions(autumn, after=at(24, 12, month=10), zone=PARIS)
    assert short.end.timestamp() - short.start.timestamp() == 2 * 3600
    assert long.end.timestamp() - long.start.timestamp() == 4 * 3600
    # Running is decided on instants: 01:45 UTC (03:45 local) is inside, 02:00 UTC is not.
    assert short.is_running(datetime(2026, 3, 29, 1, 45, tzinfo=UTC))
    assert not short.is_running(datetime(2026, 3, 29, 2, 0, tzinfo=UTC))


def test_a_moment_in_another_zone_is_read_in_the_citys_local_day() -> None:
    # 23:30 UTC on Monday is 00:30 on Tuesday in Paris: Tuesday's session is next, that day.
    monday_night_utc = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    upcoming = current_or_next(TUESDAY_AFTERNOONS, at=monday_night_utc, zone=PARIS)
    assert upcoming == Session(at(24, 14), at(24, 16))
