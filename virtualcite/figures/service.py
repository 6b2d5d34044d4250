"""The service level: the share of visitors answered within their pole's target wait.

Counted are the visits (and legs) that waited in a queue and ended: those that reached a
counsellor, and those who gave up or were lost while waiting; a refused join never waited
and is left out. Answered in time: reached a counsellor within the pole's target wait. The
dashboard shows today's; the reports use the same definition over any period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from virtualcite.figures.models import REFUSED, VisitRecord


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    answered_in_time: int
    counted: int

    @property
    def share(self) -> float | None:
        """Between 0 and 1; None before any visit was counted."""
        return self.answered_in_time / self.counted if self.counted else None


def counted(outcome: str) -> bool:
    """Whether a leg counts in the service level: it waited in a queue (not a refused join)."""
    return outcome not in REFUSED


def answered_in_time(*, has_conversation: bool, wait_seconds: int,
                     target_wait_seconds: int) -> bool:
    """Whether a counted leg reached a counsellor within its pole's target wait (the reports
    apply the same rule row by row, virtualcite/figures/reports.py)."""
    return has_conversation and wait_seconds <= target_wait_seconds


def service_levels(*, since: datetime, until: datetime | None = None,
                   targets: dict[str, int]) -> dict[str, ServiceLevel]:
    """Each pole's service level over the visits that arrived from `since` (one query);
    `targets` gives each pole's target wait in seconds."""
    rows = VisitRecord.objects.filter(arrival_hour__gte=since).exclude(outcome__in=REFUSED)
    if until is not None:
        rows = rows.filter(arrival_hour__lt=until)
    answered: dict[str, int] = {}
    counted: dict[str, int] = {}
    for pole, conversation, wait in rows.values_list("pole", "conversation_id",
                                                     "wait_seconds"):
        counted[pole] = counted.get(pole, 0) + 1
        if answered_in_time(has_conversation=bool(conversation), wait_seconds=wait,
                            target_wait_seconds=targets.get(pole, 0)):
            answered[pole] = answered.get(pole, 0) + 1
    return {pole: ServiceLevel(answered_in_time=answered.get(pole, 0), counted=count)
            for pole, count in counted.items()}
