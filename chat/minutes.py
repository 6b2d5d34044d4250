"""The poles' minute snapshots: one process among all writes each (the leader lease).

Every process asks for the lease every CHECK_SECONDS; the one holding it writes, once per
period (settings.SNAPSHOT_SECONDS, a minute), one PoleMinute row per pole that is open or has
anything going on: the managers' charts of the day and the reports read them. The lease is a
hint (a process paused past its TTL may believe it still holds it for one period), so a
period's rows are inserted skipping those already there: a second writer is harmless, never a
double count. Started by the first desk or dashboard socket of the process, as the desk's
maintenance is.
"""

from __future__ import annotations

import logging
from datetime import datetime

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from chat.core.queries import PoleLoad
from chat.runtime import desk_runtime
from chat.selectors import pole_loads
from virtualcite.figures.models import PoleMinute
from virtualcite.realtime.identity import new_token
from virtualcite.realtime.presence import LeaseKeeper

logger = logging.getLogger(__name__)

LEASE = "desk-minutes"
# Asked at least four times per period, so a lost leader's successor writes the next period
# on time; the lease lasts three asks, so a leader that misses two in a row hands over.
CHECK_SECONDS = 5.0
ASKS_PER_LEASE = 3


def is_busy(load: PoleLoad) -> bool:
    return bool(load.waiting or load.counsellors_online or load.conversations)


def snapshot_row(load: PoleLoad, moment: datetime) -> PoleMinute:
    return PoleMinute(
        pole=load.pole, minute=moment, waiting=load.waiting,
        longest_wait_seconds=round(load.longest_wait),
        counsellors_online=load.counsellors_online,
        counsellors_available=load.counsellors_available, conversations=load.conversations,
        offers_pending=load.offers_pending)


def _write(moment: datetime, rows: list[PoleMinute]) -> bool:
    """Insert a period's rows unless a previous leader already did (a handover)."""
    if PoleMinute.objects.filter(minute=moment).exists():
        return False
    PoleMinute.objects.bulk_create(rows, ignore_conflicts=True)
    return True


class MinuteSnapshots:
    """This process's candidacy for the snapshots, and the last period it wrote."""

    def __init__(self) -> None:
        self.holder = new_token()  # this process, among the lease's candidates
        self.written: float | None = None
        self.check_seconds = min(CHECK_SECONDS, settings.SNAPSHOT_SECONDS / 4)
        self.keeper = LeaseKeeper(self.step, period=self.check_seconds,
                                  name="minute snapshots")

    def ensure_running(self) -> None:
        self.keeper.ensure_running()

    async def step(self) -> bool:
        """Write this period's snapshot if this process leads and nobody has yet; True if
        it wrote."""
        runtime = desk_runtime()
        ttl = ASKS_PER_LEASE * self.check_seconds
        if not await runtime.app.leases.hold(LEASE, self.holder, ttl):
            return False
        now = runtime.now()
        period = settings.SNAPSHOT_SECONDS
        start = now - now % period
        if start == self.written:
            return False
        policies = await runtime.directory.policies()
        loads = await pole_loads(policies)
        moment = datetime.fromtimestamp(start, tz=timezone.get_current_timezone())
        rows = [snapshot_row(load, moment) for slug, load in loads.items()
                if policies[slug].is_open or is_busy(load)]
        wrote: bool = await database_sync_to_async(_write)(moment, rows)
        self.written = start
        if wrote:
            logger.info("wrote the poles' snapshot of %s (%d poles)", moment.isoformat(),
                        len(rows))
        return wrote

    async def stop(self) -> None:
        """Stop asking, and hand the lease on at once (a process shutting down)."""
        await self.keeper.stop()
        await desk_runtime().app.leases.release(LEASE, self.holder)
        self.written = None


minute_snapshots = MinuteSnapshots()
