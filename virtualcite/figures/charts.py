"""What the reports page's charts draw (figures/static/figures/reports.js), as JSON: the
steps of the period, and each pole's visits and service level at each step. Every text the
charts show is in it, already translated, so the script needs no catalogue of its own."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from virtualcite.figures.reports import Report
from virtualcite.figures.tables import bucket_label


def chart_data(report: Report) -> dict[str, Any]:
    kind = report.period.kind
    poles = []
    for row in report.poles:
        steps = [bucket.poles.get(row.pole.slug) for bucket in report.buckets]
        poles.append({
            "slug": row.pole.slug, "name": row.pole.name, "colour": row.pole.colour,
            "visits": [figures.visits if figures else 0 for figures in steps],
            # None where the pole had nobody in its queue: a gap in the line, not a zero.
            "service_level": [round(level, 1) if figures and (level := figures.service_level)
                              is not None else None for figures in steps],
        })
    return {
        "labels": [bucket_label(kind, bucket.start) for bucket in report.buckets],
        "poles": poles,
        "text": {"visits": _("Visits"), "service_level": _("Service level (%)")},
    }
