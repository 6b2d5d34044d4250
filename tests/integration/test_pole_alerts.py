"""Pole alerts through the real consumers: a counsellor of another pole is told, and helps."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from chat.core.queries import PoleLoad
from tests.integration.people import counsellor, waiting_visitor
from virtualcite.models import Pole
from virtualcite.staffing.alerts import (
    CACHE_SECONDS,
    AlertKind,
    AlertThresholds,
    ThresholdDirectory,
    pole_alerts,
)

pytestmark = pytest.mark.usefixtures("live_desk")

# The maintenance step that evaluates the alerts runs every 2 s: this leaves it several.
STEP_WAIT = 10.0


def set_thresholds(slug: str, **fields: object) -> None:
    Pole.objects.filter(slug=slug).update(**fields)


async def test_visitors_queued_past_a_threshold_reach_a_counsellor_of_another_pole_who_helps(
) -> None:
    # Karim (AFPA) may serve find-training and find-a-job; he is on shift for find-a-job.
    await database_sync_to_async(set_thresholds)("find-training", alert_waiting_over=2,
                                                 alert_nobody_available=False)
    karim = await counsellor("karim", ["find-a-job"], capacity=2)
    # Camille is on shift for find-a-job too, but find-training is not in her profile.
    camille = await counsellor("camille", ["find-a-job"], capacity=2)
    for _ in range(3):
        await waiting_visitor("find-training")

    alert = await karim.expect("pole_alerts", timeout=STEP_WAIT)
    while not alert["alerts"]:  # a step that ran before the third visitor joined
        alert = await karim.expect("pole_alerts", timeout=STEP_WAIT)
    assert alert["alerts"] == [{"pole": "find-training", "name": "Trouver une formation",
                                "kind": "waiting_over", "value": 3, "threshold": 2}]

    # The same step's alerts, as Camille's page sees them after a reconnect: not hers to take.
    await camille.send(type="hello")
    await camille.expect("staff_welcome")
    assert all(a["pole"] != "find-training" for a in
               (await camille.expect("pole_alerts"))["alerts"])

    # One click: the shift frame with the pole added.
    await karim.send(type="shift_start", poles=["find-a-job", "find-training"], capacity=2)
    state = await karim.expect("staff_state")
    assert state["state"]["shift"]["poles"] == ["find-a-job", "find-training"]
    assert (await karim.expect("pole_alerts"))["alerts"] == []  # on shift for it now
    offer = await karim.expect("offer")
    assert offer["offer"]["pole"] == "find-training"


async def test_an_open_pole_nobody_can_answer_is_an_alert_until_someone_takes_it() -> None:
    # find-training is open around the clock in the demo, and nobody is on shift for it.
    karim = await counsellor("karim", ["find-a-job"])
    alert = await karim.expect("pole_alerts", timeout=STEP_WAIT)
    while not alert["alerts"]:
        alert = await karim.expect("pole_alerts", timeout=STEP_WAIT)
    assert [(a["pole"], a["kind"], a["value"]) for a in alert["alerts"]] == [
        ("find-training", "nobody_available", 0)]
    hugo = await counsellor("hugo", ["find-training"])
    assert (await karim.expect("pole_alerts", timeout=STEP_WAIT))["alerts"] == []
    await hugo.close()


async def test_a_counsellor_off_shift_is_greeted_with_no_alert() -> None:
    karim = await counsellor("karim")
    assert (await karim.expect("pole_alerts"))["alerts"] == []


async def test_an_english_page_gets_the_pole_s_english_name() -> None:
    from tests.integration.desk_client import DeskClient, session_headers

    headers = await database_sync_to_async(session_headers)("karim")
    karim = DeskClient("/ws/counsellor/?lang=en", headers)
    assert (await karim.connect())[0]
    await karim.send(type="hello")
    await karim.expect("staff_welcome")
    await karim.send(type="shift_start", poles=["find-a-job"], capacity=1)
    alert = await karim.expect("pole_alerts", timeout=STEP_WAIT)
    while not alert["alerts"]:
        alert = await karim.expect("pole_alerts", timeout=STEP_WAIT)
    assert alert["alerts"][0]["name"] == "Find a training course"


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_thresholds_are_read_from_the_poles_and_an_edit_shows_once_the_cache_ages(
) -> None:
    clock = Clock()
    directory = ThresholdDirectory(clock=clock)
    await database_sync_to_async(set_thresholds)("find-training", alert_waiting_over=4,
                                                 alert_wait_minutes_over=10)
    thresholds = await directory.thresholds()
    assert list(thresholds)[:3] == ["find-a-job", "discover-jobs", "find-training"]
    assert thresholds["find-training"] == AlertThresholds(waiting_over=4, wait_minutes_over=10,
                                                          nobody_available=True)
    assert thresholds["find-a-job"] == AlertThresholds()  # the defaults: nobody available only
    await database_sync_to_async(set_thresholds)("find-training", alert_waiting_over=None)
    assert (await directory.thresholds())["find-training"].waiting_over == 4  # cached
    clock.now += CACHE_SECONDS + 1
    refreshed = await directory.thresholds()
    assert refreshed["find-training"].waiting_over is None
    queue = PoleLoad(pole="find-training", waiting=9, longest_wait=900.0, counsellors_online=1,
                     counsellors_available=1, conversations=0, estimate_seconds=None)
    assert [a.kind for a in pole_alerts([queue], refreshed, {"find-training"})
            if a.pole == "find-training"] == [AlertKind.WAIT_OVER]
