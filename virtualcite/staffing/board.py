"""What the managers' dashboard shows: every pole's live load, who staffs it by institution
against whom the rota plans and how many the staffing advice asks for, its alerts, today's
service level, and the rooms running; and the day's
series from the minute snapshots. Built from one read of the desk, one per room and a few
small queries."""

from __future__ import annotations

from datetime import datetime

from channels.db import database_sync_to_async
from django.utils import timezone, translation

from chat.core.queries import PoleLoad, PoleStaffing
from chat.directory import PoleInfo
from chat.runtime import desk_runtime
from chat.selectors import pole_overview
from rooms.overview import running_rooms
from virtualcite.figures.models import PoleMinute
from virtualcite.figures.service import ServiceLevel, service_levels
from virtualcite.staffing.advice import PoleAdvice, aadvice_at
from virtualcite.staffing.alerts import PoleAlert, alert_thresholds, pole_alerts
from virtualcite.staffing.frames import (
    AlertCard,
    Dashboard,
    DaySeries,
    InstitutionCount,
    PoleBoard,
    PoleSeries,
    RoomBoard,
    ServiceLevelCard,
)
from virtualcite.staffing.rota import planned_at


def midnight(at: datetime | None = None) -> datetime:
    """The start of the Cité's day (local time)."""
    return timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)


async def dashboard(language: str) -> Dashboard:
    poles = await desk_runtime().directory.poles()
    overview = await pole_overview(pole.slug for pole in poles)
    levels = await database_sync_to_async(service_levels)(
        since=midnight(), targets={pole.slug: pole.target_wait_seconds for pole in poles})
    planned = await database_sync_to_async(planned_at)(timezone.now())
    advice = await aadvice_at(timezone.now())
    alerts = pole_alerts((load for load, _staffing in overview.values()),
                         await alert_thresholds.thresholds(),
                         {pole.slug for pole in poles if pole.is_open})
    rooms = await running_rooms()
    with translation.override(language):
        boards = [_pole_board(pole, *overview[pole.slug], levels.get(pole.slug),
                              planned=len(planned.get(pole.slug, ())),
                              advice=advice.get(pole.slug),
                              alerts=[a for a in alerts if a.pole == pole.slug],
                              language=language)
                  for pole in poles]
    return Dashboard(
        poles=boards,
        rooms=[RoomBoard(slug=room.slug, title=room.title, pole=room.pole,
                         status="paused" if room.status == "paused" else "open",
                         capacity=room.capacity, seated=room.seated, waiting=room.waiting,
                         admitted=room.admitted, left_early=room.left_early)
               for room in rooms],
        server_time=desk_runtime().now())


def _pole_board(pole: PoleInfo, load: PoleLoad, staffing: PoleStaffing,
                level: ServiceLevel | None, *, planned: int, advice: PoleAdvice | None,
                alerts: list[PoleAlert], language: str) -> PoleBoard:
    level = level or ServiceLevel(answered_in_time=0, counted=0)
    return PoleBoard(
        slug=pole.slug, name=pole.name(language), colour=pole.colour, open=pole.is_open,
        waiting=load.waiting, longest_wait=round(load.longest_wait, 1),
        estimate_seconds=load.estimate_seconds,
        counsellors_online=load.counsellors_online,
        counsellors_available=load.counsellors_available, planned=planned,
        needed=advice.needed if advice else None,
        advice=advice.sentence(load.counsellors_online) if advice else "",
        by_institution=[InstitutionCount(institution=name, online=count,
                                         available=staffing.available.get(name, 0))
                        for name, count in staffing.online.items()],
        conversations=load.conversations, offers_pending=load.offers_pending,
        service_level=ServiceLevelCard(
            target_wait_seconds=pole.target_wait_seconds,
            target_level=pole.target_service_level, today=level.share,
            answered_in_time=level.answered_in_time, counted=level.counted),
        alerts=[AlertCard(kind=alert.kind.value, value=alert.value, threshold=alert.threshold)
                for alert in alerts])


def latest_snapshot() -> datetime | None:
    """When the last minute snapshot was taken today: the day's series change with it."""
    return PoleMinute.objects.filter(minute__gte=midnight()).order_by("-minute").values_list(
        "minute", flat=True).first()


async def day_series(language: str) -> DaySeries:
    poles = await desk_runtime().directory.poles()
    rows = await database_sync_to_async(_today_rows)()
    minutes = sorted({minute for _pole, minute, _w, _l in rows})
    index = {minute: n for n, minute in enumerate(minutes)}
    series = []
    for pole in poles:
        waiting: list[int | None] = [None] * len(minutes)
        longest: list[int | None] = [None] * len(minutes)
        for slug, minute, count, wait in rows:
            if slug == pole.slug:
                waiting[index[minute]], longest[index[minute]] = count, wait
        series.append(PoleSeries(slug=pole.slug, name=pole.name(language), colour=pole.colour,
                                 waiting=waiting, longest_wait=longest))
    return DaySeries(minutes=[timezone.localtime(m).strftime("%H:%M") for m in minutes],
                     poles=series)


def _today_rows() -> list[tuple[str, datetime, int, int]]:
    return list(PoleMinute.objects.filter(minute__gte=midnight()).order_by("minute").values_list(
        "pole", "minute", "waiting", "longest_wait_seconds"))
