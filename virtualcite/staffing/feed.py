"""The managers' dashboard in this process: one build per period for every manager page.

Each page would otherwise read the desk, the rooms and the figures on its own every couple
of seconds; the feed builds the dashboard once per language in use and sends it only to the
pages whose figures changed, and the day's series only when a new snapshot is written.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from channels.db import database_sync_to_async

from chat.minutes import minute_snapshots
from virtualcite.realtime.presence import LeaseKeeper
from virtualcite.staffing.board import dashboard, day_series, latest_snapshot
from virtualcite.staffing.frames import Dashboard, DaySeries

logger = logging.getLogger(__name__)

# Live enough to watch a queue form; the desk's own changes are far more frequent.
DASHBOARD_SECONDS = 2.0


class ManagerPage(Protocol):
    language: str

    async def show_dashboard(self, frame: Dashboard) -> None: ...

    async def show_day(self, frame: DaySeries) -> None: ...


class DashboardFeed:
    def __init__(self) -> None:
        self.pages: set[ManagerPage] = set()
        self.keeper = LeaseKeeper(self.step, period=DASHBOARD_SECONDS,
                                  name="managers' dashboard")
        self._shown: dict[str, str] = {}  # language -> the figures last sent
        self._snapshot: datetime | None = None

    def add(self, page: ManagerPage) -> None:
        self.pages.add(page)
        self.keeper.ensure_running()
        minute_snapshots.ensure_running()  # the charts' source, whatever else runs here

    def discard(self, page: ManagerPage) -> None:
        self.pages.discard(page)

    async def step(self) -> None:
        if not self.pages:
            self._shown.clear()
            return
        pages = list(self.pages)
        for language in {page.language for page in pages}:
            frame = await dashboard(language)
            figures = frame.model_dump_json(exclude={"server_time"})
            if self._shown.get(language) == figures:
                continue
            self._shown[language] = figures
            for page in pages:
                if page.language == language:
                    await page.show_dashboard(frame)
        latest = await database_sync_to_async(latest_snapshot)()
        if latest != self._snapshot:
            self._snapshot = latest
            for language in {page.language for page in pages}:
                series = await day_series(language)
                for page in pages:
                    if page.language == language:
                        await page.show_day(series)

    async def stop(self) -> None:
        await self.keeper.stop()
        self.pages.clear()
        self._shown.clear()
        self._snapshot = None


feed = DashboardFeed()
