"""The reports' periods, percentiles and number formats (virtualcite/figures/reports.py and
tables.py), without a database."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone, translation

from virtualcite.figures.reports import InvalidPeriod, Period, PeriodKind, percentile, ratio
from virtualcite.figures.tables import COLUMN, clock, csv_value, page_value


def test_a_period_starts_on_its_first_day_and_ends_on_the_next_periods() -> None:
    month = Period.containing(PeriodKind.MONTH, date(2026, 12, 14))
    assert (month.start, month.end, month.slug) == (date(2026, 12, 1), date(2027, 1, 1),
                                                    "2026-12")
    year = Period.parse("year", "2026-06-30")
    assert (year.start, year.end, year.slug) == (date(2026, 1, 1), date(2027, 1, 1), "2026")
    day = Period.parse("day", "2026-03-14")
    assert (day.end, day.slug) == (date(2026, 3, 15), "2026-03-14")


def test_previous_and_following_cross_the_years() -> None:
    january = Period.containing(PeriodKind.MONTH, date(2026, 1, 20))
    assert january.previous() == Period(PeriodKind.MONTH, date(2025, 12, 1))
    assert january.previous().following() == january
    assert Period.parse("day", "2026-01-01").previous().start == date(2025, 12, 31)


def test_buckets_are_the_hours_the_days_or_the_months() -> None:
    assert Period.parse("day", "2026-03-29").buckets() == list(range(24))  # summer time too
    assert len(Period.parse("month", "2028-02-10").buckets()) == 29
    assert Period.parse("year", "2026-05-05").buckets()[-1] == date(2026, 12, 1)
    moment = datetime(2026, 3, 14, 17, 0)
    assert [Period.parse(kind, "2026-03-14").bucket_of(moment)
            for kind in ("day", "month", "year")] == [17, 13, 2]


def test_bounds_are_the_citys_local_midnights() -> None:
    start, end = Period.parse("day", "2026-03-29").bounds()  # the night clocks go forward
    zone = timezone.get_current_timezone()
    assert (start, end) == (datetime.combine(date(2026, 3, 29), time(0), tzinfo=zone),
                            datetime.combine(date(2026, 3, 30), time(0), tzinfo=zone))
    assert end.timestamp() - start.timestamp() == 23 * 3600


@pytest.mark.parametrize("kind,day", [("week", "2026-03-14"), ("day", "2026-02-30"),
                                      ("month", "14/03/2026"), ("year", "1969-12-31"),
                                      ("year", "9999-01-01")])
def test_periods_outside_what_the_reports_read_are_refused(kind: str, day: str) -> None:
    with pytest.raises(InvalidPeriod):
        Period.parse(kind, day)


def test_percentiles_are_nearest_rank_and_always_an_observed_value() -> None:
    values = list(range(1, 11))
    assert (percentile(values, 0.5), percentile(values, 0.9)) == (5, 9)
    assert percentile([42], 0.9) == 42
    assert percentile([], 0.5) is None
    assert ratio(1, 8) == 12.5 and ratio(0, 0) is None


def test_a_cell_on_the_page_is_its_csv_value_in_the_pages_language() -> None:
    level, wait, mean = COLUMN["service_level"], COLUMN["wait_p50_seconds"], COLUMN["rating_mean"]
    assert (csv_value(level, 200 / 3), csv_value(wait, 125.4), csv_value(mean, 4.25)) == (
        "66.7", "125", "4.2")
    with translation.override("fr"):
        assert page_value(level, 200 / 3) == "66,7\u00a0%"
        assert page_value(mean, None) == "–"
    with translation.override("en"):
        assert page_value(level, 200 / 3) == "66.7\u00a0%"
    assert page_value(wait, 125.4) == "2:05"
    assert (clock(59), clock(3725)) == ("0:59", "1:02:05")
    assert csv_value(level, None) == ""
