"""Reads for the pages: the poles as a visitor sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from virtualcite.models import OpeningHours, Pole


@dataclass(frozen=True)
class PoleCard:
    slug: str
    name: str
    description: str
    colour: str
    is_open: bool
    next_opening: datetime | None
    hours: list[OpeningHours]


def pole_cards_list(*, at: datetime | None = None) -> list[PoleCard]:
    """Active poles in display order, with their weekly hours and whether they are open now."""
    moment = timezone.localtime(at)
    poles = Pole.objects.active().prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        "closed_dates",
    )
    return [
        PoleCard(
            slug=pole.slug,
            name=pole.display_name,
            description=pole.display_description,
            colour=pole.colour,
            is_open=pole.is_open(moment),
            next_opening=None if pole.is_open(moment) else pole.next_opening(moment),
            hours=list(pole.opening_hours.all()),
        )
        for pole in poles
    ]
