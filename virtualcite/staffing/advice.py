"""Staffing advice: how many counsellors each pole needs in a given hour, for its target.

From the last weeks' anonymous visit figures (`WEEKS` before the day asked about; demo figures
included, so that the demo shows advice), per pole, weekday and hour:

- **arrivals per hour**: the visits that arrived in that weekday's hour, divided by how many
  times that weekday came in the history (counted from the pole's first figure, so a young
  desk is not diluted). A leg that goes on in another record (transferred, requeued after a
  lost counsellor) is not a visit; nor is a visitor turned away because the pole was closed:
  the advice is for the hours a pole is open.
- **conversation duration**: the mean of that hour's conversations when there are at least
  `MIN_CONVERSATIONS`, else the pole's mean over all hours, else `DEFAULT_HANDLE_SECONDS`.
- **patience**, from the measured abandonment over the pole's whole history (one hour rarely
  has enough): with exponential patience, its mean is the total time visitors spent waiting
  divided by the visitors who gave up (the estimate that counts a visitor answered after w
  seconds as "patient for more than w"). Below `MIN_ABANDONMENTS`, nobody is assumed to give up
  and Erlang C is used; otherwise Erlang A (virtualcite/staffing/erlang.py).
- **needed**: the fewest conversation slots that answer the pole's `target_service_level` %
  within `target_wait_seconds`, divided by the slots one counsellor offers.

A counsellor follows several written conversations at once, so the queue's servers are
conversation slots, not people: each counsellor offers their profile's `max_conversations`
(the mean over the pole's counsellors, `DEFAULT_MAX_CONVERSATIONS` without any). Treating a
slot as a full server is consistent with the measured durations, which were recorded while
counsellors juggled several conversations (each lasts longer for it). At a quiet hour a
counsellor with one conversation answers faster than that mean, so the advice leans towards
one counsellor too many rather than one too few; and a counsellor who takes fewer than their
maximum at once offers fewer slots than counted here.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as time_of_day

from channels.db import database_sync_to_async
from django.db.models import Avg, Count, Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from virtualcite.figures.models import CONTINUED, Outcome, VisitRecord
from virtualcite.models import DEFAULT_MAX_CONVERSATIONS, Pole
from virtualcite.roles import counsellor_profiles
from virtualcite.staffing.erlang import agents_needed, erlang_a_agents_needed

# Four weeks: each weekday's hour seen four times, recent enough to follow a season.
WEEKS = 4
# Fewer visits than this in the whole history and the advice is "too little history".
MIN_VISITS = 20
# An hour's own mean duration needs this many conversations; the pole's mean, as many.
MIN_CONVERSATIONS = 5
# A first-information chat at a Cité's desk lasts about a quarter of an hour: a guess, used
# only until a pole has MIN_CONVERSATIONS measured conversations.
DEFAULT_HANDLE_SECONDS = 15 * 60.0
# Fewer abandonments than this say nothing reliable about patience: Erlang C (nobody gives up,
# which never advises too few counsellors on that account).
MIN_ABANDONMENTS = 5
# A pole's targets and counsellors are read again after this long (an admin edit shows within
# a minute); the history, the expensive read, once an hour.
SETTINGS_SECONDS = 60.0
HISTORY_SECONDS = 3600.0
# Hours kept in the cache: a week of them, for a rota page showing the advice of each hour;
# and the histories of a week's days and today.
CACHED_HOURS = 7 * 24
CACHED_DAYS = 8

# Outcomes that are not a visit to staff for (see the module's docstring).
_NOT_VISITS = frozenset(outcome.value for outcome in (*CONTINUED, Outcome.REFUSED_CLOSED))


@dataclass(frozen=True)
class PoleAdvice:
    """A pole's staffing advice for one hour."""

    pole: str  # slug
    needed: int | None  # counsellors; None: too little history to advise
    arrivals_per_hour: float
    handle_seconds: float  # mean conversation duration used
    target_level: int  # % of visitors to answer within the target wait
    target_wait_seconds: int
    patience_seconds: float | None  # measured mean patience; None: Erlang C (nobody gives up)
    slots_per_counsellor: float  # conversations a counsellor follows at once
    visits: int  # the pole's visits in the history the advice stands on

    def sentence(self, online: int) -> str:
        """The line shown beside the live figures and the rota, in the active language:
        "2 online, 3 needed for 80 % in 3 min" (`online`: counsellors on shift now)."""
        if self.needed is None:
            return gettext("%(online)s online, too little history to advise") % {
                "online": online}
        return ngettext("%(online)s online, %(needed)s needed for %(level)s %% in %(wait)s",
                        "%(online)s online, %(needed)s needed for %(level)s %% in %(wait)s",
                        self.needed) % {"online": online, "needed": self.needed,
                                        "level": self.target_level,
                                        "wait": wait_text(self.target_wait_seconds)}


def wait_text(seconds: int) -> str:
    """A target wait as the managers set it: whole minutes as minutes, else seconds."""
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(minutes)s min", "%(minutes)s min", minutes) % {"minutes": minutes}
    return gettext("%(seconds)s s") % {"seconds": seconds}


@dataclass
class _Figures:
    """Visits, conversations and waits of one pole, over one hour of the week or all."""

    visits: int = 0
    conversations: int = 0
    talk_seconds: int = 0
    abandoned: int = 0
    wait_seconds: int = 0

    def mean_duration(self) -> float | None:
        if self.conversations < MIN_CONVERSATIONS:
            return None
        return self.talk_seconds / self.conversations


@dataclass
class _History:
    """The pole's figures in the window, per (weekday, hour) and in all, and its first day."""

    first_day: date
    hours: defaultdict[tuple[int, int], _Figures] = field(
        default_factory=lambda: defaultdict(_Figures))
    total: _Figures = field(default_factory=_Figures)


@dataclass(frozen=True)
class _PoleSettings:
    slug: str
    target_wait_seconds: int
    target_level: int
    slots_per_counsellor: float


class StaffingAdvisor:
    """The advice of every active pole for an hour, cached: cheap enough to be asked every
    few seconds by a live dashboard. `clock` is injected (a test decides when a cache ages)."""

    def __init__(self, *, weeks: int = WEEKS, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.weeks = weeks
        self.clock = clock
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget every cached hour and history (tests; after demo figures are removed)."""
        self._hours: dict[datetime, tuple[float, dict[str, PoleAdvice]]] = {}
        self._histories: dict[date, tuple[float, dict[str, _History]]] = {}

    def advice_at(self, at: datetime) -> dict[str, PoleAdvice]:
        """Pole slug -> advice for the (local) hour containing `at` (aware), for every active
        pole."""
        hour = timezone.localtime(at).replace(minute=0, second=0, microsecond=0)
        with self._lock:
            cached = self._hours.get(hour)
            if cached is not None and self.clock() - cached[0] < SETTINGS_SECONDS:
                return cached[1]
            advice = self._advise(hour)
            self._hours[hour] = (self.clock(), advice)
            while len(self._hours) > CACHED_HOURS:
                del self._hours[min(self._hours)]
            return advice

    def peak_needs(self, days: Sequence[date], *, today: date
                   ) -> dict[tuple[date, str], int | None]:
        """(day, pole slug) -> the most counsellors the pole needs at any hour of that day,
        for the rota. From the weeks before `today` whatever the day: the rota plans ahead,
        and a day to come has no history of its own, so each day is read as the last one of
        its weekday. None: too little history."""
        with self._lock:
            histories = self._history(today)
            settings = _pole_settings()
        needs: dict[tuple[date, str], int | None] = {}
        for day in days:
            last_of_weekday = today - timedelta(days=(today.weekday() - day.weekday()) % 7)
            for pole in settings:
                hourly = [_pole_advice(pole, histories.get(pole.slug),
                                       timezone.make_aware(datetime.combine(
                                           last_of_weekday, time_of_day(hour))),
                                       self.weeks).needed
                          for hour in range(24)]
                known = [need for need in hourly if need is not None]
                needs[(day, pole.slug)] = max(known) if known else None
        return needs

    def _advise(self, hour: datetime) -> dict[str, PoleAdvice]:
        histories = self._history(hour.date())
        return {settings.slug: _pole_advice(settings, histories.get(settings.slug), hour,
                                            self.weeks)
                for settings in _pole_settings()}

    def _history(self, day: date) -> dict[str, _History]:
        cached = self._histories.get(day)
        if cached is not None and self.clock() - cached[0] < HISTORY_SECONDS:
            return cached[1]
        histories = _read_history(day, self.weeks)
        self._histories[day] = (self.clock(), histories)
        while len(self._histories) > CACHED_DAYS:
            del self._histories[min(self._histories)]
        return histories


def _pole_settings() -> list[_PoleSettings]:
    slots = dict(counsellor_profiles().filter(poles__active=True)
                 .values_list("poles__slug").annotate(mean=Avg("max_conversations")).order_by())
    return [_PoleSettings(slug=slug, target_wait_seconds=wait, target_level=level,
                          slots_per_counsellor=float(slots.get(slug) or DEFAULT_MAX_CONVERSATIONS))
            for slug, wait, level in Pole.objects.active().values_list(
                "slug", "target_wait_seconds", "target_service_level")]


def _read_history(day: date, weeks: int) -> dict[str, _History]:
    """The figures of the `weeks` before `day` (local midnights), in one grouped query."""
    end = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    start = timezone.make_aware(datetime.combine(day - timedelta(weeks=weeks),
                                                 datetime.min.time()))
    rows = (VisitRecord.objects.filter(arrival_hour__gte=start, arrival_hour__lt=end)
            .values("pole", "arrival_hour", "outcome")
            .annotate(rows=Count("id"), waited=Sum("wait_seconds"),
                      talks=Count("duration_seconds"), talked=Sum("duration_seconds"))
            .order_by())
    histories: dict[str, _History] = {}
    for row in rows:
        local = timezone.localtime(row["arrival_hour"])
        history = histories.setdefault(row["pole"], _History(first_day=local.date()))
        history.first_day = min(history.first_day, local.date())
        for figures in (history.hours[(local.weekday(), local.hour)], history.total):
            if row["outcome"] not in _NOT_VISITS:
                figures.visits += row["rows"]
            figures.conversations += row["talks"]
            figures.talk_seconds += row["talked"] or 0
            figures.wait_seconds += row["waited"] or 0
            if row["outcome"] == Outcome.ABANDONED.value:
                figures.abandoned += row["rows"]
    return histories


def _pole_advice(settings: _PoleSettings, history: _History | None, hour: datetime,
                 weeks: int) -> PoleAdvice:
    weekday, slot = hour.weekday(), hour.hour
    figures = history.hours.get((weekday, slot), _Figures()) if history else _Figures()
    total = history.total if history else _Figures()
    handle = figures.mean_duration() or total.mean_duration() or DEFAULT_HANDLE_SECONDS
    patience = (total.wait_seconds / total.abandoned
                if total.abandoned >= MIN_ABANDONMENTS and total.wait_seconds > 0 else None)
    arrivals = 0.0
    if history is not None:
        since = max(history.first_day, hour.date() - timedelta(weeks=weeks))
        arrivals = figures.visits / max(1, _weekdays_between(since, hour.date(), weekday))
    needed = None
    if total.visits >= MIN_VISITS:
        slots = _slots_needed(arrivals, handle, patience, settings)
        needed = math.ceil(slots / settings.slots_per_counsellor - 1e-9)
    return PoleAdvice(pole=settings.slug, needed=needed, arrivals_per_hour=arrivals,
                      handle_seconds=handle, target_level=settings.target_level,
                      target_wait_seconds=settings.target_wait_seconds,
                      patience_seconds=patience,
                      slots_per_counsellor=settings.slots_per_counsellor, visits=total.visits)


def _slots_needed(arrivals_per_hour: float, handle_seconds: float, patience: float | None,
                  settings: _PoleSettings) -> int:
    traffic = arrivals_per_hour / 3600.0 * handle_seconds
    level = settings.target_level / 100.0
    if patience is None:
        return agents_needed(traffic=traffic, handle_seconds=handle_seconds,
                             target_seconds=settings.target_wait_seconds, level=level)
    return erlang_a_agents_needed(traffic=traffic, handle_seconds=handle_seconds,
                                  patience_seconds=patience,
                                  target_seconds=settings.target_wait_seconds, level=level)


def _weekdays_between(start: date, end: date, weekday: int) -> int:
    """How many days of `weekday` fall in [start, end)."""
    days = (end - start).days
    if days <= 0:
        return 0
    first = (weekday - start.weekday()) % 7
    return 0 if first >= days else 1 + (days - 1 - first) // 7


advisor = StaffingAdvisor()


def advice_at(at: datetime) -> dict[str, PoleAdvice]:
    """Pole slug -> staffing advice for the hour containing `at`, for every active pole
    (cached per hour; reads the database on a miss: from async code, `aadvice_at`)."""
    return advisor.advice_at(at)


async def aadvice_at(at: datetime) -> dict[str, PoleAdvice]:
    """`advice_at` for async callers (a dashboard socket), on Django's database thread."""
    advice: dict[str, PoleAdvice] = await database_sync_to_async(advice_at)(at)
    return advice
