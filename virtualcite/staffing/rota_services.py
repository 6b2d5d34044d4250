"""Writes on the rota beyond one form: copying a week onto the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from virtualcite.models import Pole
from virtualcite.roles import counsellor_profiles
from virtualcite.staffing.models import (
    PlannedShift,
    closed_poles_errors,
    lock_counsellor,
    poles_errors,
)
from virtualcite.staffing.rota import WEEK_DAYS, local_midnight, week_start


@dataclass(frozen=True)
class WeekCopy:
    copied: int
    skipped: int  # would break a rule now: a double booking, a pole closed then, a pole
    # or a role lost since


def rota_week_copy(*, onto: date) -> WeekCopy:
    """Plan the week of ``onto`` as the week before it: the same counsellors on the same poles
    at the same local times. A shift that would break a rule today is skipped, so copying
    twice copies nothing the second time."""
    monday = week_start(onto)
    source = list(PlannedShift.objects
                  .filter(starts_at__gte=local_midnight(monday - timedelta(days=WEEK_DAYS)),
                          starts_at__lt=local_midnight(monday))
                  .select_related("counsellor")
                  .prefetch_related("poles__opening_hours", "poles__closed_dates",
                                    "counsellor__poles"))
    counsellors = set(counsellor_profiles().values_list("pk", flat=True))
    copied = skipped = 0
    with transaction.atomic():
        # In one order, so that two copies at once wait for each other instead of deadlocking.
        for counsellor_id in sorted({shift.counsellor_id for shift in source}):
            lock_counsellor(counsellor_id)
        for shift in source:
            poles = list(shift.poles.all())
            copy = PlannedShift(counsellor=shift.counsellor,
                                starts_at=_week_later(shift.starts_at),
                                ends_at=_week_later(shift.ends_at))
            if shift.counsellor_id not in counsellors or not _valid(copy, poles):
                skipped += 1
                continue
            copy.save()
            copy.poles.set(poles)
            copied += 1
    return WeekCopy(copied=copied, skipped=skipped)


def _valid(shift: PlannedShift, poles: list[Pole]) -> bool:
    try:
        shift.clean()
    except ValidationError:
        return False
    return not (poles_errors(counsellor=shift.counsellor, poles=poles)
                or closed_poles_errors(poles=poles, starts_at=shift.starts_at,
                                       ends_at=shift.ends_at))


def _week_later(moment: datetime) -> datetime:
    """The same local time seven days on (a daylight-saving change keeps the wall clock)."""
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=WEEK_DAYS),
                                                local.time()))
