"""The managers' reports: the anonymous figures of a day, a month or a year, per pole and per
partner institution, as the label's yearly self-evaluation asks for them.

What each figure counts (one `VisitRecord` is one *leg*: a stay in one pole's queue and the
conversation that followed it, if any, or one join the desk refused):

- **visits**: the legs that end a visit, i.e. every outcome except *transferred* and
  *counsellor lost* (`CONTINUED`), after which the same visit goes on in another record. A
  refused join is a visit (someone came and was turned away). A visit counts at the pole,
  institution and hour of its last leg.
- **refused**: visits turned away at the door (`REFUSED`: pole closed, queue full, blocked).
- **queued**: the legs that joined a pole's queue, i.e. all but the refused. A visitor passed
  to another pole, or put back at the head of the queue, queues again: one visit can be
  several queue entries, each a load on its pole.
- **conversations**: the queue entries that reached a counsellor (a conversation id): served,
  blocked, lost during the conversation, transferred, counsellor lost.
- **abandoned**: visitors who left the queue themselves (`GAVE_UP`); **lost while waiting**:
  the connection dropped while waiting and did not come back in time, kept apart because
  the desk cannot tell a closed tab from a broken network.
- **abandonment rate**: abandoned / queued.
- **service level**: conversations that began within their pole's target wait / queued; a
  visitor who gave up or was lost counts as not answered in time, however short the wait
  (no "short abandon" is forgiven). The rule is the dashboard's (virtualcite/figures/
  service.py), applied here row by row.
- **waits**: the waits of the conversations (time to reach a counsellor); the waits of those
  who gave up are measured by the abandonment rate, not here.
- **durations**: of the conversations: median, 90th percentile, mean, total hours.
- **outcomes**: legs by how they ended (every `Outcome`); **tags**: the counsellors' outcome
  tags over the conversations (a conversation may carry several).
- **ratings**: the rated conversations: count, mean, and how many of each score 1–5.
- **rooms**: group room sessions opened in the period: sessions, admitted, waited for a seat,
  left early, hours.

Percentiles are nearest-rank (the p-th percentile of n sorted values is the value at rank
ceil(p·n)): always an observed wait, in whole seconds. Rows of the demo (`is_demo`) count
unless asked otherwise; the report says when the period holds any. Reads only: one query for
the poles, one for the visits, one for the rooms, whatever the number of rows.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from virtualcite.figures.models import (
    CONTINUED,
    GAVE_UP,
    Outcome,
    RoomAttendance,
    VisitRecord,
)
from virtualcite.figures.service import answered_in_time, counted
from virtualcite.models import DEFAULT_TARGET_SERVICE_LEVEL, DEFAULT_TARGET_WAIT_SECONDS, Pole

RATING_SCORES = (1, 2, 3, 4, 5)
# Periods outside these years cannot be stepped through without leaving `date`'s range.
FIRST_YEAR, LAST_YEAR = 1970, 9998


class PeriodKind(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class InvalidPeriod(ValueError):
    """A period asked for in a form the reports do not read (or outside FIRST_YEAR–LAST_YEAR)."""


@dataclass(frozen=True)
class Period:
    """A local calendar day, month or year of the Cité, from `start` to `end` (excluded)."""

    kind: PeriodKind
    start: date

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise InvalidPeriod(f"year {day.year} is outside {FIRST_YEAR}–{LAST_YEAR}")
        if kind is PeriodKind.YEAR:
            return cls(kind, date(day.year, 1, 1))
        if kind is PeriodKind.MONTH:
            return cls(kind, day.replace(day=1))
        return cls(kind, day)

    @classmethod
    def parse(cls, kind: str, day: str) -> Period:
        """The period of kind `kind` ("day", "month", "year") holding `day` (YYYY-MM-DD)."""
        try:
            return cls.containing(PeriodKind(kind), date.fromisoformat(day))
        except ValueError as error:
            raise InvalidPeriod(str(error)) from error

    @property
    def end(self) -> date:
        if self.kind is PeriodKind.YEAR:
            return date(self.start.year + 1, 1, 1)
        if self.kind is PeriodKind.MONTH:
            return _month_after(self.start)
        return self.start + timedelta(days=1)

    @property
    def slug(self) -> str:
        """The period in file names and links: 2026, 2026-03 or 2026-03-14."""
        if self.kind is PeriodKind.YEAR:
            return f"{self.start.year:04d}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - timedelta(days=1))

    def following(self) -> Period:
        return Period.containing(self.kind, self.end)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period's local midnights, aware, as the records' hours are compared with."""
        zone = timezone.get_current_timezone()
        return (datetime.combine(self.start, time(0), tzinfo=zone),
                datetime.combine(self.end, time(0), tzinfo=zone))

    def buckets(self) -> list[date | int]:
        """The period's steps in its charts: the hours of a day (0–23), the days of a month,
        the first days of a year's months."""
        if self.kind is PeriodKind.DAY:
            return list(range(24))
        if self.kind is PeriodKind.MONTH:
            return [self.start + timedelta(days=n) for n in range((self.end - self.start).days)]
        return [date(self.start.year, month, 1) for month in range(1, 13)]

    def bucket_of(self, local: datetime) -> int:
        """The index in `buckets()` of a local moment inside the period."""
        if self.kind is PeriodKind.DAY:
            return local.hour
        if self.kind is PeriodKind.MONTH:
            return local.day - 1
        return local.month - 1


def _month_after(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def percentile(sorted_values: list[int], share: float) -> int | None:
    """The nearest-rank percentile (`share` in 0–1] of values sorted ascending; None if none."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def ratio(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, None when there is nothing to divide."""
    return None if whole == 0 else 100 * part / whole


@dataclass(frozen=True)
class RatingFigures:
    count: int
    mean: float | None
    distribution: dict[int, int]  # score (1–5) -> how many


@dataclass(frozen=True)
class RoomFigures:
    sessions: int
    admitted: int
    waited: int
    left_early: int
    hours: float


@dataclass(frozen=True)
class Figures:
    """The figures of one slice of the records (see the module docstring for each)."""

    visits: int
    refused: int
    queued: int
    conversations: int
    answered_in_time: int
    abandoned: int
    lost_waiting: int
    wait_p50: int | None
    wait_p90: int | None
    duration_p50: int | None
    duration_p90: int | None
    duration_mean: float | None
    conversation_hours: float
    outcomes: dict[str, int]  # every Outcome value, zeros included
    tags: dict[str, int]  # the tags seen, most frequent first
    ratings: RatingFigures
    rooms: RoomFigures

    @property
    def abandonment_rate(self) -> float | None:
        return ratio(self.abandoned, self.queued)

    @property
    def service_level(self) -> float | None:
        return ratio(self.answered_in_time, self.queued)


@dataclass
class _Tally:
    """Counts one slice while the rows go by; `figures()` reads it out."""

    visits: int = 0
    refused: int = 0
    queued: int = 0
    answered_in_time: int = 0
    abandoned: int = 0
    lost_waiting: int = 0
    waits: list[int] = field(default_factory=list)
    durations: list[int] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)
    ratings: Counter[int] = field(default_factory=Counter)
    sessions: int = 0
    admitted: int = 0
    waited: int = 0
    left_early: int = 0
    room_seconds: int = 0

    def add_visit(self, leg: _Leg, target_wait_seconds: int) -> None:
        self.outcomes[leg.outcome] += 1
        if leg.outcome not in CONTINUED:
            self.visits += 1
        if not counted(leg.outcome):
            self.refused += 1
            return
        self.queued += 1
        if leg.outcome in GAVE_UP:
            self.abandoned += 1
        if not leg.has_conversation:
            if leg.outcome == Outcome.LOST:
                self.lost_waiting += 1
            return
        self.waits.append(leg.wait_seconds)
        self.answered_in_time += answered_in_time(
            has_conversation=True, wait_seconds=leg.wait_seconds,
            target_wait_seconds=target_wait_seconds)
        if leg.duration_seconds is not None:
            self.durations.append(leg.duration_seconds)
        self.tags.update(leg.outcome_tags)
        if leg.rating is not None and leg.rating in RATING_SCORES:
            self.ratings[leg.rating] += 1

    def add_room(self, session: _Session) -> None:
        self.sessions += 1
        self.admitted += session.admitted
        self.waited += session.waited
        self.left_early += session.left_early
        self.room_seconds += session.duration_seconds

    def figures(self) -> Figures:
        waits, durations = sorted(self.waits), sorted(self.durations)
        rated = sum(self.ratings.values())
        return Figures(
            visits=self.visits, refused=self.refused, queued=self.queued,
            conversations=len(waits), answered_in_time=self.answered_in_time,
            abandoned=self.abandoned, lost_waiting=self.lost_waiting,
            wait_p50=percentile(waits, 0.5), wait_p90=percentile(waits, 0.9),
            duration_p50=percentile(durations, 0.5), duration_p90=percentile(durations, 0.9),
            duration_mean=sum(durations) / len(durations) if durations else None,
            conversation_hours=sum(durations) / 3600,
            outcomes={outcome.value: self.outcomes[outcome.value] for outcome in Outcome},
            tags=dict(self.tags.most_common()),
            ratings=RatingFigures(
                count=rated,
                mean=sum(score * n for score, n in self.ratings.items()) / rated if rated
                else None,
                distribution={score: self.ratings[score] for score in RATING_SCORES}),
            rooms=RoomFigures(sessions=self.sessions, admitted=self.admitted,
                              waited=self.waited, left_early=self.left_early,
                              hours=self.room_seconds / 3600),
        )


@dataclass(frozen=True)
class _Leg:
    pole: str
    institution: str
    local_hour: datetime
    wait_seconds: int
    duration_seconds: int | None
    outcome: str
    has_conversation: bool
    outcome_tags: tuple[str, ...]
    rating: int | None


@dataclass(frozen=True)
class _Session:
    pole: str
    local_hour: datetime
    duration_seconds: int
    admitted: int
    waited: int
    left_early: int


@dataclass(frozen=True)
class PoleTarget:
    """A pole's name, colour and service-level target, as the reports show them."""

    slug: str
    name: str
    colour: str
    target_wait_seconds: int
    target_service_level: int


@dataclass(frozen=True)
class PoleFigures:
    pole: PoleTarget
    figures: Figures

    @property
    def target_met(self) -> bool | None:
        level = self.figures.service_level
        return None if level is None else level >= self.pole.target_service_level


@dataclass(frozen=True)
class InstitutionFigures:
    institution: str  # the partner's short name, as the records keep it
    figures: Figures
    share: float | None  # its share of all conversations, in %


@dataclass(frozen=True)
class BucketFigures:
    """One step of the period (an hour, a day or a month): its figures, and each pole's."""

    index: int
    start: date | int  # a day or a month's first day; the hour (0–23) in a day's report
    figures: Figures
    poles: dict[str, Figures]


@dataclass(frozen=True)
class Report:
    period: Period
    include_demo: bool
    has_demo: bool  # demo rows fall in the period (counted or not, see include_demo)
    total: Figures
    poles: list[PoleFigures]
    institutions: list[InstitutionFigures]
    buckets: list[BucketFigures]
    visits_by_hour: dict[int, int]  # local hour of arrival (0–23) -> visits


def pole_targets_list() -> list[PoleTarget]:
    """Every pole of the directory, active or not (old records name retired poles too)."""
    return [PoleTarget(slug=pole.slug, name=pole.display_name, colour=pole.colour,
                       target_wait_seconds=pole.target_wait_seconds,
                       target_service_level=pole.target_service_level)
            for pole in Pole.objects.all()]


def _unknown_pole(slug: str) -> PoleTarget:
    """A pole the records name but the directory no longer has: the default targets."""
    return PoleTarget(slug=slug, name=slug, colour="#555555",
                      target_wait_seconds=DEFAULT_TARGET_WAIT_SECONDS,
                      target_service_level=DEFAULT_TARGET_SERVICE_LEVEL)


def _visit_rows(start: datetime, end: datetime,
                include_demo: bool) -> Iterator[tuple[_Leg, bool]]:
    records = VisitRecord.objects.filter(arrival_hour__gte=start, arrival_hour__lt=end)
    if not include_demo:
        records = records.filter(is_demo=False)
    rows = records.annotate(
        has_conversation=ExpressionWrapper(~Q(conversation_id=""), output_field=BooleanField()),
    ).values_list("pole", "institution", "arrival_hour", "wait_seconds", "duration_seconds",
                  "outcome", "has_conversation", "outcome_tags", "rating", "is_demo")
    for (pole, institution, hour, wait, duration, outcome, has_conversation, tags, rating,
         is_demo) in rows.iterator(chunk_size=5000):
        yield _Leg(pole=pole, institution=institution, local_hour=timezone.localtime(hour),
                   wait_seconds=wait, duration_seconds=duration, outcome=outcome,
                   has_conversation=bool(has_conversation),
                   outcome_tags=tuple(tags) if isinstance(tags, list) else (),
                   rating=rating), is_demo


def _room_rows(start: datetime, end: datetime,
               include_demo: bool) -> Iterator[tuple[_Session, bool]]:
    sessions = RoomAttendance.objects.filter(opened_hour__gte=start, opened_hour__lt=end)
    if not include_demo:
        sessions = sessions.filter(is_demo=False)
    for pole, hour, duration, admitted, waited, left_early, is_demo in sessions.values_list(
            "pole", "opened_hour", "duration_seconds", "admitted", "waited", "left_early",
            "is_demo").iterator(chunk_size=5000):
        yield _Session(pole=pole, local_hour=timezone.localtime(hour), duration_seconds=duration,
                       admitted=admitted, waited=waited, left_early=left_early), is_demo


def report_get(*, period: Period, include_demo: bool = True) -> Report:
    """Every figure of `period`, in three queries (one or two more without the demo rows, to
    say whether the period had any)."""
    start, end = period.bounds()
    directory = {pole.slug: pole for pole in pole_targets_list()}
    total = _Tally()
    by_pole: dict[str, _Tally] = {}
    by_institution: dict[str, _Tally] = {}
    steps = period.buckets()
    by_bucket = [_Tally() for _ in steps]
    by_bucket_pole: list[dict[str, _Tally]] = [{} for _ in steps]
    by_hour: Counter[int] = Counter()
    has_demo = False
    for leg, is_demo in _visit_rows(start, end, include_demo):
        has_demo |= is_demo
        if leg.pole not in directory:
            directory[leg.pole] = _unknown_pole(leg.pole)
        target = directory[leg.pole].target_wait_seconds
        bucket = period.bucket_of(leg.local_hour)
        for tally in (total, by_pole.setdefault(leg.pole, _Tally()), by_bucket[bucket],
                      by_bucket_pole[bucket].setdefault(leg.pole, _Tally())):
            tally.add_visit(leg, target)
        if leg.institution:
            by_institution.setdefault(leg.institution, _Tally()).add_visit(leg, target)
        if leg.outcome not in CONTINUED:
            by_hour[leg.local_hour.hour] += 1
    for session, is_demo in _room_rows(start, end, include_demo):
        has_demo |= is_demo
        if session.pole not in directory:
            directory[session.pole] = _unknown_pole(session.pole)
        for tally in (total, by_pole.setdefault(session.pole, _Tally()),
                      by_bucket[period.bucket_of(session.local_hour)]):
            tally.add_room(session)
    if not include_demo and not has_demo:
        has_demo = _demo_rows_exist(start, end)
    total_figures = total.figures()
    return Report(
        period=period, include_demo=include_demo, has_demo=has_demo, total=total_figures,
        poles=[PoleFigures(pole=pole, figures=by_pole[slug].figures())
               for slug, pole in directory.items() if slug in by_pole],
        institutions=[
            InstitutionFigures(institution=name, figures=(figures := tally.figures()),
                               share=ratio(figures.conversations, total_figures.conversations))
            for name, tally in sorted(by_institution.items(), key=lambda item: item[0].lower())],
        buckets=[BucketFigures(index=index, start=step, figures=by_bucket[index].figures(),
                               poles={slug: tally.figures()
                                      for slug, tally in by_bucket_pole[index].items()})
                 for index, step in enumerate(steps)],
        visits_by_hour={hour: by_hour[hour] for hour in range(24)},
    )


def _demo_rows_exist(start: datetime, end: datetime) -> bool:
    return (VisitRecord.objects.filter(arrival_hour__gte=start, arrival_hour__lt=end,
                                       is_demo=True).exists()
            or RoomAttendance.objects.filter(opened_hour__gte=start, opened_hour__lt=end,
                                             is_demo=True).exists())
