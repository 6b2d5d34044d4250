"""Pole alerts: which poles need help, and which counsellors are told."""

from __future__ import annotations

from typing import get_args

from chat.alerting import alerts_for
from chat.core.queries import PoleLoad
from chat.frames import AlertKindName
from virtualcite.staffing.alerts import AlertKind, AlertThresholds, PoleAlert, pole_alerts


def load(pole: str, *, waiting: int = 0, longest: float = 0.0, online: int = 1,
         available: int = 1) -> PoleLoad:
    return PoleLoad(pole=pole, waiting=waiting, longest_wait=longest, counsellors_online=online,
                    counsellors_available=available, conversations=0, estimate_seconds=None)


QUIET = AlertThresholds(waiting_over=None, wait_minutes_over=None, nobody_available=False)


def test_more_visitors_waiting_than_the_threshold_is_an_alert() -> None:
    limits = {"find-training": AlertThresholds(waiting_over=5, nobody_available=False)}
    assert pole_alerts([load("find-training", waiting=5)], limits, {"find-training"}) == []
    assert pole_alerts([load("find-training", waiting=6)], limits, {"find-training"}) == [
        PoleAlert("find-training", AlertKind.WAITING_OVER, 6, 5)]


def test_a_wait_past_the_threshold_is_an_alert_in_whole_minutes() -> None:
    limits = {"find-training": AlertThresholds(wait_minutes_over=10, nobody_available=False)}
    assert pole_alerts([load("find-training", waiting=1, longest=600.0)], limits, ()) == []
    assert pole_alerts([load("find-training", waiting=1, longest=725.0)], limits, ()) == [
        PoleAlert("find-training", AlertKind.WAIT_OVER, 12, 10)]


def test_nobody_available_counts_only_while_the_pole_is_open() -> None:
    limits = {"find-training": AlertThresholds()}
    busy = load("find-training", waiting=2, online=2, available=0)
    assert pole_alerts([busy], limits, open_poles={"find-training"}) == [
        PoleAlert("find-training", AlertKind.NOBODY_AVAILABLE, 2, 0)]
    assert pole_alerts([busy], limits, open_poles=set()) == []
    assert pole_alerts([load("find-training", available=1)], limits, {"find-training"}) == []


def test_an_open_pole_without_any_load_has_nobody_available() -> None:
    """The loads list only the poles with a queue or a shift: the others have nobody."""
    limits = {"find-training": AlertThresholds(waiting_over=0)}
    assert pole_alerts([], limits, {"find-training"}) == [
        PoleAlert("find-training", AlertKind.NOBODY_AVAILABLE, 0, 0)]


def test_a_queue_still_there_after_closing_still_needs_help() -> None:
    limits = {"find-training": AlertThresholds(waiting_over=3, wait_minutes_over=5)}
    queue = load("find-training", waiting=4, longest=400.0, available=0)
    assert [alert.kind for alert in pole_alerts([queue], limits, open_poles=())] == [
        AlertKind.WAITING_OVER, AlertKind.WAIT_OVER]


def test_alerts_come_pole_by_pole_in_the_thresholds_order_and_skip_unknown_poles() -> None:
    limits = {"find-a-job": AlertThresholds(waiting_over=1),
              "find-training": AlertThresholds(waiting_over=1), "quiet": QUIET}
    loads = [load("find-training", waiting=3, available=0), load("retired", waiting=50),
             load("find-a-job", waiting=2, available=0), load("quiet", waiting=9, available=0)]
    assert [(a.pole, a.kind) for a in pole_alerts(loads, limits, {"find-a-job",
                                                                  "find-training"})] == [
        ("find-a-job", AlertKind.WAITING_OVER), ("find-a-job", AlertKind.NOBODY_AVAILABLE),
        ("find-training", AlertKind.WAITING_OVER), ("find-training", AlertKind.NOBODY_AVAILABLE)]


ALERTS = [PoleAlert("find-training", AlertKind.WAITING_OVER, 6, 5),
          PoleAlert("find-a-job", AlertKind.NOBODY_AVAILABLE, 0, 0),
          PoleAlert("create-business", AlertKind.WAIT_OVER, 20, 15)]


def test_a_counsellor_is_told_of_the_poles_they_may_serve_and_are_not_on_shift_for() -> None:
    told = alerts_for(ALERTS, may_serve=("find-training", "find-a-job"),
                      shift_poles=("find-a-job",))
    assert told == (ALERTS[0],)


def test_a_counsellor_off_shift_is_told_nothing() -> None:
    assert alerts_for(ALERTS, may_serve=("find-training", "find-a-job"), shift_poles=None) == ()
    assert alerts_for(ALERTS, may_serve=(), shift_poles=("discover-jobs",)) == ()


def test_the_wire_names_exactly_the_alert_kinds() -> None:
    assert list(get_args(AlertKindName)) == [kind.value for kind in AlertKind]
