"""The demo rota: this week and next for the demo counsellors, so that a newcomer sees a
planned week on the rota page, their next shifts at the desk and "planned" on the dashboard.

Idempotent and respectful of edits: a demo shift is only added where its counsellor has no
shift at that time yet: loading twice adds nothing, a shift a manager changed stays as it is
(one they removed comes back).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from virtualcite.models import Pole
from virtualcite.roles import counsellor_profiles
from virtualcite.staffing.models import PlannedShift
from virtualcite.staffing.rota import WEEK_DAYS, local_midnight, week_start

# The demo poles are open around the clock (virtualcite/demo.py): a morning and an evening
# shift cover most of the hours a newcomer tries the desk at.
DEMO_SPANS = ((time(8, 0), time(14, 0)), (time(14, 0), time(20, 0)))
DAYS_OFF = 2  # of seven, taken on different days by each counsellor


def load_rota_demo(*, today: date) -> None:
    """Plan the demo counsellors (demo profiles with the role) this week and next."""
    monday = week_start(today)
    days = [monday + timedelta(days=offset) for offset in range(2 * WEEK_DAYS)]
    counsellors = list(counsellor_profiles().filter(is_demo=True).order_by("user__username")
                       .prefetch_related("poles__opening_hours", "poles__closed_dates"))
    planned = list(PlannedShift.objects.filter(
        counsellor__in=counsellors, starts_at__gte=local_midnight(days[0]),
        starts_at__lt=local_midnight(days[-1] + timedelta(days=1))))
    new: list[tuple[PlannedShift, list[Pole]]] = []
    for rank, counsellor in enumerate(counsellors):
        theirs = [shift for shift in planned if shift.counsellor_id == counsellor.pk]
        for day in days:
            if (day.weekday() + rank) % WEEK_DAYS >= WEEK_DAYS - DAYS_OFF:
                continue
            start, end = _span(day, rank)
            # Only the poles open then, as the rota's form requires (closed_poles_errors).
            poles = [pole for pole in counsellor.poles.all() if pole.is_open_during(start, end)]
            if poles and not any(shift.starts_at < end and shift.ends_at > start
                                 for shift in theirs):
                new.append((PlannedShift(counsellor=counsellor, starts_at=start, ends_at=end),
                            poles))
    PlannedShift.objects.bulk_create(shift for shift, _poles in new)  # sets each one's pk
    through = PlannedShift.poles.through
    through.objects.bulk_create(through(plannedshift_id=shift.pk, pole_id=pole.pk)
                                for shift, poles in new for pole in poles)


def _span(day: date, rank: int) -> tuple[datetime, datetime]:
    """Mornings and evenings alternating by day and by counsellor."""
    start, end = DEMO_SPANS[(day.toordinal() + rank) % len(DEMO_SPANS)]
    return (timezone.make_aware(datetime.combine(day, start)),
            timezone.make_aware(datetime.combine(day, end)))
