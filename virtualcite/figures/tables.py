"""The reports' figures as columns and tables, defined once for the pages and the CSV export,
so that both show the same numbers: a cell on the page is its CSV value, formatted for the
page's language (83.3 → "83,3 %", 125 seconds → "2:05").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chat.outcomes import OUTCOME_TAGS
from virtualcite.figures.models import Outcome
from virtualcite.figures.reports import (
    RATING_SCORES,
    BucketFigures,
    Figures,
    Period,
    PeriodKind,
    PoleTarget,
    Report,
    ratio,
)

NO_VALUE = "–"
POLE = _("Pole")


class Kind(Enum):
    COUNT = "count"
    PERCENT = "percent"
    SECONDS = "seconds"
    DECIMAL = "decimal"  # a mean or hours, to one decimal


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header
    label: Promise | str
    value: Callable[[Figures], float | int | None]
    kind: Kind = Kind.COUNT
    # False for the queue's figures: a visit has an institution only once a counsellor took it.
    per_institution: bool = True
    on_page: bool = True  # False: in the CSV only (the page's tables stay narrow enough)


def csv_value(column: Column, value: float | int | None) -> str:
    """A figure as the CSV writes it: counts and seconds whole, the rest to one decimal."""
    if value is None:
        return ""
    if column.kind in (Kind.COUNT, Kind.SECONDS):
        return str(round(value))
    return f"{round(value, 1):.1f}"


def page_value(column: Column, value: float | int | None) -> str:
    """The same figure as the page shows it, in the active language."""
    if value is None:
        return NO_VALUE
    if column.kind is Kind.COUNT:
        return number_format(round(value))
    if column.kind is Kind.SECONDS:
        return clock(round(value))
    text = number_format(round(value, 1), 1)
    return f"{text}\u00a0%" if column.kind is Kind.PERCENT else text


def clock(seconds: int) -> str:
    """125 → "2:05", 3725 → "1:02:05": a wait or a duration, language-neutral."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@dataclass(frozen=True)
class Group:
    """A theme of figures: one table on the page, a run of columns in the CSV."""

    key: str
    title: Promise
    columns: tuple[Column, ...]


def _outcome_column(outcome: Outcome) -> Column:
    return Column(f"outcome_{outcome.value}", outcome.label,
                  lambda figures: figures.outcomes[outcome.value],
                  per_institution=outcome not in _QUEUE_ONLY_OUTCOMES)


def _tag_column(tag: str, label: Promise) -> Column:
    return Column(f"tag_{tag}", label, lambda figures: figures.tags.get(tag, 0))


def _rating_column(score: int) -> Column:
    return Column(f"rating_{score}", str(score),
                  lambda figures: figures.ratings.distribution[score])


# Ends that happen before any counsellor, so before any institution.
_QUEUE_ONLY_OUTCOMES = frozenset({Outcome.ABANDONED, Outcome.REFUSED_CLOSED,
                                  Outcome.REFUSED_FULL, Outcome.REFUSED_BLOCKED})

VISITS = Column("visits", _("Visits"), lambda f: f.visits)
CONVERSATIONS = Column("conversations", _("Conversations"), lambda f: f.conversations)
SERVICE_LEVEL = Column("service_level", _("Service level"), lambda f: f.service_level,
                       Kind.PERCENT, per_institution=False)
ABANDONMENT = Column("abandonment_rate", _("Abandonment rate"), lambda f: f.abandonment_rate,
                     Kind.PERCENT, per_institution=False)
WAIT_P50 = Column("wait_p50_seconds", _("Median wait"), lambda f: f.wait_p50, Kind.SECONDS)
WAIT_P90 = Column("wait_p90_seconds", _("Wait, 90th percentile"), lambda f: f.wait_p90,
                  Kind.SECONDS)
DURATION_P50 = Column("duration_p50_seconds", _("Median duration"), lambda f: f.duration_p50,
                      Kind.SECONDS)
DURATION_MEAN = Column("duration_mean_seconds", _("Mean duration"), lambda f: f.duration_mean,
                       Kind.SECONDS)
HOURS = Column("conversation_hours", _("Hours of conversation"),
               lambda f: f.conversation_hours, Kind.DECIMAL)
RATINGS = Column("ratings", _("Ratings"), lambda f: f.ratings.count)
RATING_MEAN = Column("rating_mean", _("Mean rating (out of 5)"), lambda f: f.ratings.mean,
                     Kind.DECIMAL)

GROUPS = (
    Group("queues", _("Visits and queues"), (
        SERVICE_LEVEL,
        VISITS,
        Column("refused", _("Refused"), lambda f: f.refused, per_institution=False),
        Column("queued", _("Queued"), lambda f: f.queued, per_institution=False),
        CONVERSATIONS,
        Column("abandoned", _("Left while waiting"), lambda f: f.abandoned,
               per_institution=False),
        ABANDONMENT,
        Column("lost_waiting", _("Lost while waiting"), lambda f: f.lost_waiting,
               per_institution=False),
        Column("answered_in_time", _("Answered within the target"),
               lambda f: f.answered_in_time, per_institution=False, on_page=False),
    )),
    Group("times", _("Waits and durations"), (
        WAIT_P50, WAIT_P90, DURATION_P50,
        Column("duration_p90_seconds", _("Duration, 90th percentile"),
               lambda f: f.duration_p90, Kind.SECONDS),
        DURATION_MEAN, HOURS,
    )),
    Group("ratings", _("Satisfaction"), (
        RATINGS, RATING_MEAN, *(_rating_column(score) for score in RATING_SCORES))),
    Group("outcomes", _("How visits ended"), tuple(_outcome_column(o) for o in Outcome)),
    Group("tags", _("Outcome tags"), tuple(_tag_column(tag, label)
                                           for tag, label in OUTCOME_TAGS.items())),
    Group("rooms", _("Group rooms"), (
        Column("room_sessions", _("Sessions"), lambda f: f.rooms.sessions,
               per_institution=False),
        Column("room_admitted", _("Admitted"), lambda f: f.rooms.admitted,
               per_institution=False),
        Column("room_waited", _("Waited for a seat"), lambda f: f.rooms.waited,
               per_institution=False),
        Column("room_left_early", _("Left early"), lambda f: f.rooms.left_early,
               per_institution=False),
        Column("room_hours", _("Hours of sessions"), lambda f: f.rooms.hours, Kind.DECIMAL,
               per_institution=False),
    )),
)
GROUP = {group.key: group for group in GROUPS}
COLUMNS = tuple(column for group in GROUPS for column in group.columns)
COLUMN = {column.key: column for column in COLUMNS}
# The figures a reader looks for first (the page's and the yearly report's summary).
SUMMARY = tuple(COLUMN[key] for key in (
    "visits", "refused", "conversations", "conversation_hours", "service_level",
    "abandonment_rate", "lost_waiting", "wait_p50_seconds", "wait_p90_seconds",
    "duration_p50_seconds", "ratings", "rating_mean", "room_sessions", "room_admitted"))
# One step of the period in the charts' table: the figures that move through the day or year.
BUCKET_COLUMNS = (VISITS, CONVERSATIONS, SERVICE_LEVEL, ABANDONMENT, WAIT_P50, RATING_MEAN)
INSTITUTION_COLUMNS = (CONVERSATIONS, VISITS, WAIT_P50, DURATION_P50, DURATION_MEAN, HOURS,
                       RATINGS, RATING_MEAN)


class Scope(Enum):
    """What a row of the figures covers (the CSV's first column)."""

    ALL = "all"
    POLE = "pole"
    INSTITUTION = "institution"
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


BUCKET_SCOPE = {PeriodKind.DAY: Scope.HOUR, PeriodKind.MONTH: Scope.DAY,
                PeriodKind.YEAR: Scope.MONTH}


@dataclass(frozen=True)
class Row:
    scope: Scope
    key: str
    name: str
    figures: Figures
    pole: PoleTarget | None = None
    share: float | None = None  # an institution's share of the conversations, in %

    @property
    def id(self) -> str:
        """The row's id in the page and the CSV: "pole:find-a-job", "all:"..."""
        return f"{self.scope.value}:{self.key}"

    def applies(self, column: Column) -> bool:
        return self.scope is not Scope.INSTITUTION or column.per_institution


class Lead(Enum):
    """A first column some tables add before the figures."""

    NONE = ""
    TARGET = "target"  # each pole's service-level target
    SHARE = "conversation_share"  # each institution's share of the conversations


SHARE = Column(Lead.SHARE.value, _("Share of conversations"), lambda f: None, Kind.PERCENT)


def target_text(pole: PoleTarget | None) -> str:
    if pole is None:
        return NO_VALUE
    return _("%(level)s %% within %(wait)s") % {"level": pole.target_service_level,
                                                 "wait": clock(pole.target_wait_seconds)}


@dataclass(frozen=True)
class Table:
    id: str
    title: Promise | str
    columns: tuple[Column, ...]
    rows: list[Row]
    lead: Lead = Lead.NONE
    row_label: Promise | str = POLE  # the header of the rows' names

    def headers(self) -> list[tuple[str, Promise | str]]:
        """(key, label) of each column: the key is the CSV's header of the same figure."""
        lead: list[tuple[str, Promise | str]] = []
        if self.lead is Lead.TARGET:
            lead = [(Lead.TARGET.value, _("Target"))]
        elif self.lead is Lead.SHARE:
            lead = [(SHARE.key, SHARE.label)]
        return lead + [(column.key, column.label) for column in self.columns]

    def cells(self, row: Row) -> list[str]:
        lead = ([target_text(row.pole)] if self.lead is Lead.TARGET
                else [page_value(SHARE, row.share)] if self.lead is Lead.SHARE else [])
        return lead + [page_value(column, column.value(row.figures)) if row.applies(column)
                       else NO_VALUE for column in self.columns]

    def body(self) -> list[tuple[Row, list[str]]]:
        return [(row, self.cells(row)) for row in self.rows]


def summary(report: Report) -> list[tuple[str, Promise | str, str]]:
    """(CSV key, label, page text) of the summary figures of the whole period."""
    return [(column.key, column.label, page_value(column, column.value(report.total)))
            for column in SUMMARY]


def total_row(report: Report) -> Row:
    return Row(Scope.ALL, "", str(_("All poles")), report.total)


def pole_rows(report: Report) -> list[Row]:
    return [Row(Scope.POLE, row.pole.slug, row.pole.name, row.figures, pole=row.pole)
            for row in report.poles]


def institution_rows(report: Report) -> list[Row]:
    return [Row(Scope.INSTITUTION, row.institution, row.institution, row.figures,
                share=row.share) for row in report.institutions]


def bucket_key(kind: PeriodKind, bucket: BucketFigures) -> str:
    """A step of the period in the CSV: "09" (an hour), "2026-03-14", "2026-03"."""
    if isinstance(bucket.start, int):
        return f"{bucket.start:02d}"
    return bucket.start.isoformat() if kind is PeriodKind.MONTH else bucket.start.strftime(
        "%Y-%m")


def bucket_label(kind: PeriodKind, start: date | int) -> str:
    """The same step as the page and the charts show it, in the active language."""
    if isinstance(start, int):
        return f"{start:02d}:00"
    return date_format(start, "D j" if kind is PeriodKind.MONTH else "F")


def period_title(period: Period) -> str:
    """ "Saturday 14 March 2026", "March 2026", "2026", in the active language."""
    if period.kind is PeriodKind.DAY:
        return date_format(period.start, "l j F Y")
    if period.kind is PeriodKind.MONTH:
        return date_format(period.start, "F Y")
    return str(period.start.year)


def arrival_hours(report: Report) -> list[tuple[str, str, str]]:
    """(hour, visits, share of the visits) for each hour of the day that had visits."""
    share = Column("share", "", lambda f: None, Kind.PERCENT)
    return [(f"{hour:02d}:00", number_format(visits),
             page_value(share, ratio(visits, report.total.visits)))
            for hour, visits in report.visits_by_hour.items() if visits]


def bucket_rows(report: Report) -> list[Row]:
    kind = report.period.kind
    return [Row(BUCKET_SCOPE[kind], bucket_key(kind, bucket), bucket_label(kind, bucket.start),
                bucket.figures) for bucket in report.buckets]


def group_table(report: Report, key: str) -> Table:
    """One theme's table: every pole with figures, then all poles together."""
    group = GROUP[key]
    return Table(id=f"table-{key}", title=group.title,
                 columns=tuple(column for column in group.columns if column.on_page),
                 rows=[*pole_rows(report), total_row(report)],
                 lead=Lead.TARGET if key == "queues" else Lead.NONE)


def institution_table(report: Report) -> Table:
    return Table(id="table-institutions", title=_("By partner institution"),
                 columns=INSTITUTION_COLUMNS, rows=institution_rows(report), lead=Lead.SHARE,
                 row_label=_("Institution"))


def bucket_table(report: Report) -> Table:
    titles = {PeriodKind.DAY: _("Hour by hour"), PeriodKind.MONTH: _("Day by day"),
              PeriodKind.YEAR: _("Month by month")}
    return Table(id="table-buckets", title=titles[report.period.kind], columns=BUCKET_COLUMNS,
                 rows=bucket_rows(report), row_label=_("When"))


def csv_rows(report: Report) -> Iterable[list[str]]:
    """The export: a header, then one row per scope (all, each pole, each institution, each
    step of the period) with every column; a figure that does not apply is left empty."""
    yield ["scope", "key", "name", "target_wait_seconds", "target_service_level", SHARE.key,
           *(column.key for column in COLUMNS)]
    for row in [total_row(report), *pole_rows(report), *institution_rows(report),
                *bucket_rows(report)]:
        yield [row.scope.value, row.key, row.name,
               str(row.pole.target_wait_seconds) if row.pole else "",
               str(row.pole.target_service_level) if row.pole else "",
               csv_value(SHARE, row.share),
               *(csv_value(column, column.value(row.figures)) if row.applies(column) else ""
                 for column in COLUMNS)]
