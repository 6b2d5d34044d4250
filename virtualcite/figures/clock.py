"""Time as the figures keep it: never finer than the Cité's local hour for a single visit."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def hour_of(moment: float) -> datetime:
    """The Cité's local hour an epoch moment falls in."""
    local = datetime.fromtimestamp(moment, tz=timezone.get_current_timezone())
    return local.replace(minute=0, second=0, microsecond=0)

