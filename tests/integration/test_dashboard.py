"""The managers' dashboard socket through the real consumers: who may open it, and what it
shows as the desk and the rooms change."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from tests.integration.desk_client import DeskClient, session_headers
from tests.integration.people import closed_with, counsellor, matched_pair, waiting_visitor
from tests.integration.room_people import facilitator, seated, with_capacity
from virtualcite.realtime.protocol import CloseCode
from virtualcite.staffing.frames import MANAGER_SERVER_FRAMES

pytestmark = pytest.mark.usefixtures("live_desk")


async def dashboard_socket(username: str | None = "marc", lang: str = "fr") -> DeskClient:
    headers = await database_sync_to_async(session_headers)(username) if username else None
    client = DeskClient(f"/ws/manage/?lang={lang}", headers, frames=MANAGER_SERVER_FRAMES)
    assert (await client.connect())[0]
    return client


def pole(frame: dict, slug: str) -> dict:
    return next(board for board in frame["poles"] if board["slug"] == slug)


async def test_only_a_logged_in_manager_may_open_the_dashboard() -> None:
    await closed_with(await dashboard_socket(None), CloseCode.UNAUTHENTICATED)
    await closed_with(await dashboard_socket("camille"), CloseCode.FORBIDDEN)
    marc = await dashboard_socket("marc")
    await marc.send(type="hello")
    assert (await marc.expect("dashboard"))["poles"]
    await marc.expect("day")


async def test_the_dashboard_follows_a_visitor_from_the_queue_to_a_conversation() -> None:
    marc = await dashboard_socket()
    await marc.send(type="hello")
    first = await marc.expect("dashboard")
    assert pole(first, "find-a-job")["waiting"] == 0
    assert pole(first, "find-a-job")["name"] == "Trouver un emploi"

    guest, _token = await waiting_visitor("find-a-job")
    queued = await marc.expect("dashboard", timeout=10)
    while pole(queued, "find-a-job")["waiting"] != 1:
        queued = await marc.expect("dashboard", timeout=10)

    camille = await counsellor("camille", ["find-a-job"])
    offer = (await camille.expect("offer"))["offer"]
    await camille.send(type="accept", visitor=offer["visitor"])
    await guest.expect("matched")
    served = await marc.expect("dashboard", timeout=10)
    while pole(served, "find-a-job")["conversations"] != 1:
        served = await marc.expect("dashboard", timeout=10)
    board = pole(served, "find-a-job")
    assert board["waiting"] == 0 and board["counsellors_online"] == 1
    assert [row["institution"] for row in board["by_institution"]] == ["France Travail"]


async def test_todays_service_level_counts_the_visits_answered_within_the_target() -> None:
    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await camille.send(type="end", conversation=conversation)
    await guest.expect("ended")
    left, _token = await waiting_visitor("find-training")
    await left.send(type="leave")
    await left.expect("left")
    marc = await dashboard_socket("marc", lang="en")
    await marc.send(type="hello")
    frame = await marc.expect("dashboard")

    job = pole(frame, "find-a-job")["service_level"]
    assert (job["answered_in_time"], job["counted"], job["today"]) == (1, 1, 1.0)
    training = pole(frame, "find-training")["service_level"]
    assert (training["answered_in_time"], training["counted"], training["today"]) == (0, 1, 0.0)
    assert pole(frame, "find-a-job")["name"] == "Find a job"


async def test_a_running_room_shows_with_its_attendance() -> None:
    await with_capacity(4)
    nadia = await facilitator()
    await seated()
    marc = await dashboard_socket()
    await marc.send(type="hello")
    frame = await marc.expect("dashboard")
    (room,) = frame["rooms"]
    assert (room["status"], room["seated"], room["admitted"], room["capacity"]) == (
        "open", 1, 1, 4)
    await nadia.send(type="close")
    closed = await marc.expect("dashboard", timeout=10)
    while closed["rooms"]:
        closed = await marc.expect("dashboard", timeout=10)


async def test_the_rota_planned_now_shows_beside_those_online() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from virtualcite.models import Pole, StaffProfile
    from virtualcite.staffing.models import PlannedShift

    marc = await dashboard_socket()
    await marc.send(type="hello")
    before = pole(await marc.expect("dashboard"), "create-business")["planned"]

    def plan() -> None:
        now = timezone.now()
        shift = PlannedShift.objects.create(
            counsellor=StaffProfile.objects.get(user__username="sofia"),
            starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
        shift.poles.set([Pole.objects.get(slug="create-business")])

    await database_sync_to_async(plan)()
    frame = await marc.expect("dashboard", timeout=10)
    while pole(frame, "create-business")["planned"] == before:
        frame = await marc.expect("dashboard", timeout=10)
    assert pole(frame, "create-business")["planned"] == before + 1


async def test_a_pole_past_its_threshold_shows_its_alert_and_the_staffing_advice() -> None:
    from virtualcite.models import Pole
    from virtualcite.staffing.alerts import alert_thresholds

    await database_sync_to_async(
        lambda: Pole.objects.filter(slug="find-training").update(alert_waiting_over=0))()
    alert_thresholds.invalidate()
    await waiting_visitor("find-training")
    marc = await dashboard_socket("marc", lang="en")
    await marc.send(type="hello")
    board = pole(await marc.expect("dashboard"), "find-training")

    assert {"kind": "waiting_over", "value": 1, "threshold": 0} in board["alerts"]
    assert {"kind": "nobody_available", "value": 1, "threshold": 0} in board["alerts"]
    # No history in this database: the advice says so rather than guessing.
    assert board["needed"] is None
    assert board["advice"] == "0 online, too little history to advise"
