"""Synthetic weeks of anonymous figures for the demo, so that a newcomer sees real charts,
reports and staffing advice on a fresh clone.

Generated from the directory as it stands (the poles' opening hours, the counsellors serving
each pole and their institutions, the group rooms), not from code: a pole that is closed gets
refused joins, a pole open with nobody on shift gets visitors who wait and give up. Every row
is marked `is_demo`. Deterministic: each pole's day draws from its own seeded generator, so
the same day gives the same rows whenever it is generated. Idempotent: loading replaces the
demo rows. `python -m django demo_figures --remove` (or `demo_figures_remove`) takes them away.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.db import transaction
from django.utils import timezone

from rooms.models import Room, ScheduleKind
from virtualcite.figures.clock import hour_of
from virtualcite.figures.models import (
    EndedBy,
    Outcome,
    PoleMinute,
    RoomAttendance,
    VisitRecord,
)
from virtualcite.models import Pole, Role
from virtualcite.opening import OpeningWindow, is_open_at
from virtualcite.roles import profiles_with_role

SEED = "virtualcite-demo-figures"
DEMO_WEEKS = 6
# Snapshots only for yesterday and today: the dashboard charts a day, and six weeks of minutes
# would make every `load_demo` (the test suite runs it often) slow for no chart.
MINUTE_DAYS = 2

# Arrivals per staffed hour on a weekday, for a pole of weight 1: a busy morning, a lunch dip,
# a busier afternoon (the shape of a walk-in Cité's day).
DAY_PROFILE = {9: 3.0, 10: 4.5, 11: 5.0, 12: 2.5, 13: 2.5, 14: 4.5, 15: 5.0, 16: 4.0, 17: 2.5}
SATURDAY_PROFILE = {10: 2.0, 11: 2.5, 12: 1.5}
# Open, nobody on shift: a few still try in the evening, fewer at night.
EVENING_RATE, NIGHT_RATE = 0.2, 0.04
# Visitors trying a closed pole during the day, told when it opens.
CLOSED_RATE = 0.4
# The poles' relative demand, by their order in the directory.
POLE_WEIGHTS = (1.3, 0.8, 1.1, 0.7, 1.0)
# Counsellors on shift per pole: two at the peaks (where the pole has two), one otherwise.
PEAK_HOURS = frozenset({10, 11, 14, 15})
SLOTS_PER_COUNSELLOR = 2
MEAN_CONVERSATION_SECONDS = 15 * 60
MEAN_PATIENCE_SECONDS = 10 * 60
WEEKLY_GROWTH = 0.03  # demand grows a little each week, so the months differ

# Tags a counsellor ticks, weighted; referral and workshop are rarer than information.
TAG_WEIGHTS = {"information": 5, "advice": 4, "documentation": 3, "referral": 2,
               "workshop": 1, "follow_up": 1, "out_of_scope": 0.5}
RATING_WEIGHTS = {5: 45, 4: 33, 3: 13, 2: 6, 1: 3}
RATED_SHARE = 0.35


@dataclass(frozen=True)
class DemoFigureCounts:
    visits: int
    rooms: int
    minutes: int


@dataclass
class _Pole:
    slug: str
    pk: int
    weight: float
    windows: list[OpeningWindow]
    closed: frozenset[date]
    institutions: list[str]

    def is_open(self, moment: datetime) -> bool:
        return is_open_at(moment, self.windows, self.closed)

    def counsellors(self, moment: datetime) -> int:
        """Counsellors on shift at `moment`: weekdays 9–18, Saturday mornings."""
        if not self.institutions or not self.is_open(moment) or moment.hour not in _staffed(
                moment):
            return 0
        return min(len(self.institutions), 2 if moment.hour in PEAK_HOURS else 1)

    def arrival_rate(self, moment: datetime) -> float:
        if not self.is_open(moment):
            return CLOSED_RATE if 9 <= moment.hour < 18 else 0.0
        if self.counsellors(moment):
            return _staffed(moment)[moment.hour] * self.weight
        return EVENING_RATE if 18 <= moment.hour < 22 else NIGHT_RATE


def _staffed(moment: datetime) -> dict[int, float]:
    """The staffed hours of `moment`'s weekday, with their arrivals per hour."""
    weekday = moment.weekday()
    return DAY_PROFILE if weekday < 5 else SATURDAY_PROFILE if weekday == 5 else {}


@dataclass
class _Leg:
    """One simulated stay in a queue, with its conversation if it reached one."""

    pole: str
    queued_at: float  # epoch seconds
    wait: int
    duration: int | None
    outcome: str
    ended_by: str = ""
    institution: str = ""
    tags: tuple[str, ...] = ()
    rating: int | None = None
    conversation_id: str = ""

    @property
    def ends_at(self) -> float:
        return self.queued_at + self.wait + (self.duration or 0)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small hourly means of a desk."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class _Simulation:
    """The legs of the demo's days, pole by pole, each day from its own seeded generator."""

    def __init__(self, poles: list[_Pole], zone: tzinfo) -> None:
        self.poles = poles
        self.by_slug = {pole.slug: pole for pole in poles}
        self.zone = zone
        self.legs: list[_Leg] = []

    def run_day(self, pole: _Pole, day: date, growth: float) -> None:
        # Seeded on purpose: the same synthetic day every time; nothing secret is drawn.
        rng = random.Random(f"{SEED}:{pole.slug}:{day.isoformat()}")  # nosec B311
        numbers = iter(range(1, 100_000))

        def new_id() -> str:
            return f"demo-{day:%Y%m%d}-{pole.pk}-{next(numbers):04d}"

        for hour in range(24):
            start = datetime.combine(day, time(hour), tzinfo=self.zone)
            rate = pole.arrival_rate(start + timedelta(minutes=30)) * growth
            for _ in range(_poisson(rng, rate)):
                self._visit(rng, pole, start.timestamp() + rng.uniform(0, 3600), new_id)

    def _visit(self, rng: random.Random, pole: _Pole, queued_at: float,
               new_id: Callable[[], str]) -> None:
        moment = datetime.fromtimestamp(queued_at, tz=self.zone)
        if not pole.is_open(moment):
            self.legs.append(_Leg(pole.slug, queued_at, 0, None, Outcome.REFUSED_CLOSED))
            return
        if rng.random() < 0.002:
            self.legs.append(_Leg(pole.slug, queued_at, 0, None, Outcome.REFUSED_BLOCKED))
            return
        head_of_queue = False
        for _leg_number in range(3):  # a visit of at most three legs
            leg = self._leg(rng, pole, queued_at, head_of_queue, new_id)
            if leg is None:
                return
            self.legs.append(leg)
            if leg.outcome == Outcome.TRANSFERRED:
                others = [other for other in self.poles
                          if other is not pole and other.counsellors(
                              datetime.fromtimestamp(leg.ends_at, tz=self.zone))]
                if not others:
                    leg.outcome = Outcome.SERVED
                    return
                pole, head_of_queue = rng.choice(others), False
            elif leg.outcome == Outcome.COUNSELLOR_LOST:
                head_of_queue = True
            else:
                return
            queued_at = leg.ends_at

    def _leg(self, rng: random.Random, pole: _Pole, queued_at: float, head_of_queue: bool,
             new_id: Callable[[], str]) -> _Leg | None:
        moment = datetime.fromtimestamp(queued_at, tz=self.zone)
        counsellors = pole.counsellors(moment)
        patience = rng.expovariate(1 / MEAN_PATIENCE_SECONDS)
        if counsellors == 0:
            outcome = Outcome.ABANDONED if rng.random() < 0.85 else Outcome.LOST
            return _Leg(pole.slug, queued_at, round(min(patience, 3600)), None, outcome,
                        EndedBy.VISITOR if outcome == Outcome.ABANDONED else "")
        load = (pole.arrival_rate(moment) * MEAN_CONVERSATION_SECONDS / 3600
                / (counsellors * SLOTS_PER_COUNSELLOR))
        if load > 0.6 and rng.random() < 0.03:
            return _Leg(pole.slug, queued_at, 0, None, Outcome.REFUSED_FULL)
        mean_wait = 20 if head_of_queue else 30 + 320 * load ** 2
        wait = rng.expovariate(1 / mean_wait)
        if wait > patience:
            outcome = Outcome.ABANDONED if rng.random() < 0.85 else Outcome.LOST
            return _Leg(pole.slug, queued_at, round(patience), None, outcome,
                        EndedBy.VISITOR if outcome == Outcome.ABANDONED else "")
        duration = round(min(3600, max(60, rng.lognormvariate(math.log(12 * 60), 0.6))))
        leg = _Leg(pole.slug, queued_at, round(wait), duration, Outcome.SERVED,
                   institution=rng.choice(pole.institutions), conversation_id=new_id())
        draw = rng.random()
        if draw < 0.04:
            leg.outcome = Outcome.LOST
        elif draw < 0.045:
            leg.outcome, leg.ended_by = Outcome.BLOCKED, EndedBy.COUNSELLOR
        elif draw < 0.105:
            leg.outcome, leg.ended_by = Outcome.TRANSFERRED, EndedBy.COUNSELLOR
            leg.duration = round(duration / 3)
        elif draw < 0.125:
            leg.outcome = Outcome.COUNSELLOR_LOST
            leg.duration = round(duration / 2)
        else:
            leg.ended_by = EndedBy.COUNSELLOR if rng.random() < 0.6 else EndedBy.VISITOR
            if leg.ended_by == EndedBy.COUNSELLOR:
                leg.tags = tuple(sorted(set(rng.choices(
                    list(TAG_WEIGHTS), weights=list(TAG_WEIGHTS.values()),
                    k=rng.choice((1, 1, 2, 3))))))
            if rng.random() < RATED_SHARE:
                leg.rating = rng.choices(list(RATING_WEIGHTS),
                                         weights=list(RATING_WEIGHTS.values()))[0]
        return leg


def _directory(first_day: date) -> list[_Pole]:
    """The active poles with their hours and the institutions of their counsellors."""
    institutions: dict[str, set[str]] = defaultdict(set)
    for profile in profiles_with_role(Role.COUNSELLOR).select_related(
            "institution").prefetch_related("poles").distinct():
        if profile.institution is not None:
            for pole in profile.poles.all():
                institutions[pole.slug].add(profile.institution.short_name)
    poles = Pole.objects.active().with_hours(start=first_day)
    return [_Pole(slug=pole.slug, pk=pole.pk, weight=POLE_WEIGHTS[order % len(POLE_WEIGHTS)],
                  windows=pole.opening_windows(), closed=pole.closed_dates_set(start=first_day),
                  institutions=sorted(institutions[pole.slug]))
            for order, pole in enumerate(poles)]


def _visit_records(legs: list[_Leg], now: float) -> list[VisitRecord]:
    """The records the desk would have written by `now`: one per leg that has ended."""
    return [VisitRecord(conversation_id=leg.conversation_id, pole=leg.pole,
                        institution=leg.institution,
                        arrival_hour=hour_of(leg.queued_at), wait_seconds=leg.wait,
                        duration_seconds=leg.duration, outcome=leg.outcome,
                        ended_by=leg.ended_by, outcome_tags=list(leg.tags), rating=leg.rating,
                        is_demo=True)
            for leg in legs if leg.ends_at <= now]


def _pole_minutes(simulation: _Simulation, start: datetime, now: datetime) -> list[PoleMinute]:
    """Each pole's snapshot for every minute from `start` to `now` while it was open and
    staffed or busy, from the same simulated legs."""
    first = start.timestamp()
    count = int((now.replace(second=0, microsecond=0).timestamp() - first) // 60)
    if count <= 0:
        return []
    rows = []
    for pole in simulation.poles:
        waiting, longest, talking = [0] * count, [0] * count, [0] * count
        for leg in simulation.legs:
            if leg.pole != pole.slug:
                continue
            answered_at = leg.queued_at + leg.wait
            for index in _minutes_within(leg.queued_at, answered_at, first, count):
                waiting[index] += 1
                longest[index] = max(longest[index], round(first + index * 60 - leg.queued_at))
            if leg.duration is not None:
                for index in _minutes_within(answered_at, leg.ends_at, first, count):
                    talking[index] += 1
        for index in range(count):
            minute = datetime.fromtimestamp(first + index * 60, tz=simulation.zone)
            online = pole.counsellors(minute)
            if not pole.is_open(minute) or not (online or waiting[index] or talking[index]):
                continue
            online = max(online, math.ceil(talking[index] / SLOTS_PER_COUNSELLOR))
            available = max(0, online - talking[index] // SLOTS_PER_COUNSELLOR)
            rows.append(PoleMinute(
                pole=pole.slug, minute=minute, waiting=waiting[index],
                longest_wait_seconds=longest[index] if waiting[index] else 0,
                counsellors_online=online, counsellors_available=available,
                conversations=talking[index],
                offers_pending=1 if waiting[index] and available else 0, is_demo=True))
    return rows


def _minutes_within(begin: float, end: float, first: float, count: int) -> range:
    """The indexes of the minutes (from `first`, `count` of them) whose start is in
    [begin, end)."""
    return range(max(0, math.ceil((begin - first) / 60)),
                 min(count, math.ceil((end - first) / 60)))


def _room_sessions(first_day: date, now: datetime) -> list[RoomAttendance]:
    """One session a week for each active room, on its weekly slot's weekday (or the weekday
    of its one-off session), before `now`."""
    rows = []
    for room in Room.objects.filter(active=True).select_related("pole").prefetch_related(
            "schedules").order_by("slug"):
        schedule = min(room.schedules.all(), key=lambda s: s.kind != ScheduleKind.WEEKLY,
                       default=None)
        if schedule is None:
            continue
        weekday = (schedule.weekday if schedule.kind == ScheduleKind.WEEKLY
                   and schedule.weekday is not None
                   else schedule.date.weekday() if schedule.date else 2)
        closes = 24 * 3600 if schedule.closes_at == time(0) else _seconds(schedule.closes_at)
        seconds = max(1800, closes - _seconds(schedule.opens_at))
        day = first_day + timedelta(days=(weekday - first_day.weekday()) % 7)
        while day <= now.date():
            opened = datetime.combine(day, schedule.opens_at, tzinfo=now.tzinfo)
            if opened + timedelta(seconds=seconds) <= now:
                rng = random.Random(f"{SEED}:{room.slug}:{day.isoformat()}")  # nosec B311
                admitted = rng.randint(max(1, room.capacity * 4 // 10), room.capacity)
                rows.append(RoomAttendance(
                    room=room.slug, pole=room.pole.slug,
                    opened_hour=opened.replace(minute=0, second=0, microsecond=0),
                    duration_seconds=seconds, admitted=admitted,
                    waited=rng.randint(0, 4 if admitted == room.capacity else 1),
                    left_early=rng.randint(0, min(2, admitted)), is_demo=True))
            day += timedelta(days=7)
    return rows


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


@transaction.atomic
def demo_figures_load(*, now: datetime | None = None,
                      weeks: int = DEMO_WEEKS) -> DemoFigureCounts:
    """Replace the demo figures with `weeks` weeks of them up to `now` (default: now)."""
    demo_figures_remove()
    zone = timezone.get_current_timezone()
    local_now = timezone.localtime(now, zone)
    today = local_now.date()
    first_day = today - timedelta(weeks=weeks)
    simulation = _Simulation(_directory(first_day), zone)
    for offset in range((today - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        growth = 1 + WEEKLY_GROWTH * (offset // 7)
        for pole in simulation.poles:
            simulation.run_day(pole, day, growth)
    visits = VisitRecord.objects.bulk_create(
        _visit_records(simulation.legs, local_now.timestamp()), batch_size=2000)
    rooms = RoomAttendance.objects.bulk_create(_room_sessions(first_day, local_now))
    minutes_from = datetime.combine(today - timedelta(days=MINUTE_DAYS - 1), time(0),
                                    tzinfo=zone)
    # A minute the live desk already recorded keeps its real snapshot.
    minutes = PoleMinute.objects.bulk_create(
        _pole_minutes(simulation, minutes_from, local_now), batch_size=2000,
        ignore_conflicts=True)
    return DemoFigureCounts(visits=len(visits), rooms=len(rooms), minutes=len(minutes))


@transaction.atomic
def demo_figures_remove() -> DemoFigureCounts:
    """Delete every demo figure; the real ones stay."""
    visits, _ = VisitRecord.objects.filter(is_demo=True).delete()
    rooms, _ = RoomAttendance.objects.filter(is_demo=True).delete()
    minutes, _ = PoleMinute.objects.filter(is_demo=True).delete()
    return DemoFigureCounts(visits=visits, rooms=rooms, minutes=minutes)
