"""The managers' report pages: they parse the period, read the report and render it."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from virtualcite.figures import tables
from virtualcite.figures.charts import chart_data
from virtualcite.figures.reports import (
    FIRST_YEAR,
    LAST_YEAR,
    InvalidPeriod,
    Period,
    PeriodKind,
    Report,
    report_get,
)
from virtualcite.manager_access import manager_required

# The page's themes, in the order a reader looks for them.
PAGE_GROUPS = ("queues", "times", "ratings", "outcomes", "tags", "rooms")


def _period(request: HttpRequest) -> Period:
    """The period of `?period=day|month|year&date=YYYY-MM-DD`; this month by default."""
    return Period.parse(request.GET.get("period", PeriodKind.MONTH.value),
                        request.GET.get("date") or timezone.localdate().isoformat())


def _include_demo(request: HttpRequest) -> bool:
    return request.GET.get("demo") != "exclude"


KIND_LABELS = {PeriodKind.DAY: gettext_lazy("Day"), PeriodKind.MONTH: gettext_lazy("Month"),
               PeriodKind.YEAR: gettext_lazy("Year")}


def _query(period: Period, *, include_demo: bool) -> str:
    demo = "" if include_demo else "&demo=exclude"
    return f"?period={period.kind.value}&date={period.start.isoformat()}{demo}"


def _step(to: Callable[[], Period], *, include_demo: bool) -> str | None:
    """The query of the period before or after, None at the edge of the years read."""
    try:
        return _query(to(), include_demo=include_demo)
    except InvalidPeriod:
        return None


def _context(report: Report) -> dict[str, Any]:
    period, include_demo = report.period, report.include_demo
    group = {key: tables.group_table(report, key) for key in PAGE_GROUPS}
    return {
        "report": report,
        "period": period,
        "period_title": tables.period_title(period),
        "total": report.total,
        "tables": list(group.values()),
        "group": group,
        "institutions": tables.institution_table(report),
        "buckets": tables.bucket_table(report),
        "summary": tables.summary(report),
        "kinds": [{"value": kind.value, "label": KIND_LABELS[kind], "current": kind is period.kind,
                   "query": _query(Period.containing(kind, period.start),
                                   include_demo=include_demo)} for kind in PeriodKind],
        "query": _query(period, include_demo=include_demo),
        "previous_query": _step(period.previous, include_demo=include_demo),
        "next_query": _step(period.following, include_demo=include_demo),
        "other_demo_query": _query(period, include_demo=not include_demo),
    }


def _requested_report(request: HttpRequest) -> Report | HttpResponse:
    """The report the query asks for, or the answer to a period that cannot be read."""
    try:
        period = _period(request)
    except InvalidPeriod:
        return HttpResponseBadRequest(_("Unknown period: use a day, a month or a year and a "
                                        "date such as 2026-03-14."))
    return report_get(period=period, include_demo=_include_demo(request))


@manager_required
def report_page(request: HttpRequest) -> HttpResponse:
    """The figures of a day, a month or a year, with their charts."""
    report = _requested_report(request)
    if isinstance(report, HttpResponse):
        return report
    return render(request, "figures/report.html",
                  {**_context(report), "chart_data": chart_data(report)})


@manager_required
def report_csv(request: HttpRequest) -> HttpResponse:
    """The same figures as the page, one row per scope (tables.csv_rows)."""
    report = _requested_report(request)
    if isinstance(report, HttpResponse):
        return report
    period = report.period
    demo = "-with-demo" if report.has_demo and report.include_demo else ""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="figures-{period.kind.value}-{period.slug}{demo}.csv"')
    csv.writer(response).writerows(tables.csv_rows(report))
    return response


@manager_required
def year_report(request: HttpRequest, year: int) -> HttpResponse:
    """The yearly self-evaluation report of the label, laid out for printing."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    report = report_get(period=Period(PeriodKind.YEAR, date(year, 1, 1)),
                        include_demo=_include_demo(request))
    return render(request, "figures/year.html", {
        **_context(report), "arrival_hours": tables.arrival_hours(report),
        "generated": timezone.localtime()})
