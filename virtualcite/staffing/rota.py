"""Reads of the rota: who is planned now (the dashboard's "planned 3, online 2"), a
counsellor's next shifts (their desk) and a week (the managers' rota page).

Each selector costs a fixed number of queries, whatever the number of shifts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from virtualcite.models import Pole, StaffProfile
from virtualcite.roles import counsellor_profiles
from virtualcite.staffing.models import PlannedShift

WEEK_DAYS = 7
# The days a rota may show or plan: a date outside is a typing mistake (and the far ends of
# `date` overflow the week's arithmetic).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


@dataclass(frozen=True)
class PlannedCounsellor:
    """A counsellor planned on a pole at some moment, as the dashboard names them."""

    profile_id: int
    display_name: str
    institution: str | None  # the partner's short name
    starts_at: datetime
    ends_at: datetime


def planned_at(at: datetime) -> dict[str, list[PlannedCounsellor]]:
    """Pole slug → the counsellors planned on it at ``at``, by name; a pole nobody is planned
    on is absent. Only staff who may counsel now count (an account taken out of the role
    keeps its shifts but is no longer planned)."""
    shifts = (PlannedShift.objects
              .filter(starts_at__lte=at, ends_at__gt=at, counsellor__in=counsellor_profiles())
              .select_related("counsellor__institution")
              .prefetch_related(Prefetch("poles", queryset=Pole.objects.active())))
    planned: dict[str, list[PlannedCounsellor]] = defaultdict(list)
    for shift in shifts:
        counsellor = shift.counsellor
        institution = counsellor.institution
        for pole in shift.poles.all():
            planned[pole.slug].append(PlannedCounsellor(
                profile_id=counsellor.pk, display_name=counsellor.display_name,
                institution=institution.short_name if institution else None,
                starts_at=shift.starts_at, ends_at=shift.ends_at))
    return {slug: sorted(people, key=lambda person: person.display_name.casefold())
            for slug, people in planned.items()}


@dataclass(frozen=True)
class NextShift:
    """One of a counsellor's coming shifts, for their desk page."""

    starts_at: datetime
    ends_at: datetime
    poles: tuple[str, ...]  # display names, in the poles' order
    is_running: bool  # started already, not ended


def next_shifts(profile: StaffProfile, *, at: datetime, limit: int = 5) -> list[NextShift]:
    """The counsellor's shifts not yet over at ``at`` (a running one first), at most ``limit``."""
    shifts = (PlannedShift.objects.filter(counsellor=profile, ends_at__gt=at)
              .prefetch_related("poles")[:limit])
    return [NextShift(starts_at=shift.starts_at, ends_at=shift.ends_at,
                      poles=tuple(pole.display_name for pole in shift.poles.all()),
                      is_running=shift.starts_at <= at)
            for shift in shifts]


@dataclass(frozen=True)
class RotaPole:
    slug: str
    name: str
    colour: str


@dataclass(frozen=True)
class RotaShift:
    """A shift as the rota page lists it."""

    id: int
    counsellor: str
    institution: str | None
    starts_at: datetime
    ends_at: datetime
    poles: tuple[RotaPole, ...]
    may_counsel: bool  # False when the account lost the counsellor role since


@dataclass(frozen=True)
class RotaDay:
    day: date
    is_today: bool
    shifts: tuple[RotaShift, ...]
    # Per pole of RotaWeek.poles, in that order: how many shifts cover it that day.
    pole_counts: tuple[int, ...]


@dataclass(frozen=True)
class RotaWeek:
    start: date  # a Monday
    days: tuple[RotaDay, ...]
    poles: tuple[RotaPole, ...]  # the active poles, the columns of the week's summary

    @property
    def is_this_week(self) -> bool:
        return any(day.is_today for day in self.days)

    @property
    def previous_start(self) -> date:
        return self.start - timedelta(days=WEEK_DAYS)

    @property
    def next_start(self) -> date:
        return self.start + timedelta(days=WEEK_DAYS)


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the Cité's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def rota_week(*, start: date, today: date) -> RotaWeek:
    """The week from the Monday of ``start``: each day's shifts in time order, with how many
    cover each active pole. Four queries: the poles, the shifts with their counsellors, the
    shifts' poles, and who may counsel."""
    monday = week_start(start)
    days = [monday + timedelta(days=offset) for offset in range(WEEK_DAYS)]
    poles = tuple(RotaPole(slug=pole.slug, name=pole.display_name, colour=pole.colour)
                  for pole in Pole.objects.active())
    shifts = (PlannedShift.objects
              .filter(starts_at__gte=local_midnight(monday),
                      starts_at__lt=local_midnight(monday + timedelta(days=WEEK_DAYS)))
              .select_related("counsellor__institution").prefetch_related("poles"))
    counsellors = set(counsellor_profiles().values_list("pk", flat=True))
    by_day: dict[date, list[RotaShift]] = defaultdict(list)
    for shift in shifts:
        institution = shift.counsellor.institution
        by_day[timezone.localtime(shift.starts_at).date()].append(RotaShift(
            id=shift.pk, counsellor=shift.counsellor.display_name,
            institution=institution.short_name if institution else None,
            starts_at=shift.starts_at, ends_at=shift.ends_at,
            poles=tuple(RotaPole(slug=pole.slug, name=pole.display_name, colour=pole.colour)
                        for pole in shift.poles.all()),
            may_counsel=shift.counsellor_id in counsellors))
    return RotaWeek(start=monday, poles=poles, days=tuple(
        RotaDay(day=day, is_today=day == today, shifts=tuple(by_day[day]),
                pole_counts=tuple(sum(1 for shift in by_day[day]
                                      if any(p.slug == pole.slug for p in shift.poles))
                                  for pole in poles))
        for day in days))
