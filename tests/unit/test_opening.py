"""Opening hours: open now, closed dates, and the next opening."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from virtualcite.opening import OpeningWindow, is_open_at, next_opening

PARIS = ZoneInfo("Europe/Paris")
TUESDAY_AFTERNOONS = [OpeningWindow(weekday=1, opens=time(14), closes=time(18))]
NO_CLOSED_DAYS: frozenset[date] = frozenset()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=PARIS)  # 2026-11-24 is a Tuesday


def test_open_inside_a_window_and_closed_at_its_end() -> None:
    assert is_open_at(at(24, 14), TUESDAY_AFTERNOONS, NO_CLOSED_DAYS)
    assert is_open_at(at(24, 17, 59), TUESDAY_AFTERNOONS, NO_CLOSED_DAYS)
    assert not is_open_at(at(24, 18), TUESDAY_AFTERNOONS, NO_CLOSED_DAYS)
    assert not is_open_at(at(23, 15), TUESDAY_AFTERNOONS, NO_CLOSED_DAYS)


def test_a_window_closing_at_midnight_runs_to_the_end_of_the_day() -> None:
    evening = [OpeningWindow(weekday=1, opens=time(18), closes=time(0))]
    assert is_open_at(at(24, 23, 59), evening, NO_CLOSED_DAYS)


def test_closed_date_overrides_weekly_hours() -> None:
    assert not is_open_at(at(24, 15), TUESDAY_AFTERNOONS, frozenset({date(2026, 11, 24)}))


def test_next_opening_skips_closed_dates() -> None:
    closed = frozenset({date(2026, 11, 24)})
    assert next_opening(at(23, 9), TUESDAY_AFTERNOONS, closed) == at(24, 14).replace(day=1,
                                                                                month=12)


def test_next_opening_is_later_today_when_before_the_window() -> None:
    assert next_opening(at(24, 9), TUESDAY_AFTERNOONS, NO_CLOSED_DAYS) == at(24, 14)


def test_no_hours_means_no_next_opening() -> None:
    assert next_opening(at(24, 9), [], NO_CLOSED_DAYS) is None
