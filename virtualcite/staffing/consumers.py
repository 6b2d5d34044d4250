"""A manager's dashboard socket: a Django login at the handshake, the manager role checked
again every ROLE_RECHECK_SECONDS (virtualcite/realtime/staff_auth.py); read-only."""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from virtualcite.models import Role
from virtualcite.realtime.protocol import Hello
from virtualcite.realtime.staff_auth import StaffSocket
from virtualcite.roles import roles_of
from virtualcite.staffing.board import dashboard, day_series
from virtualcite.staffing.feed import feed
from virtualcite.staffing.frames import MANAGER_FRAMES, Dashboard, DaySeries


def _is_manager(user_id: int) -> bool:
    user = get_user_model().objects.filter(pk=user_id).first()
    return user is not None and Role.MANAGER in roles_of(user)


class ManagerSocket(StaffSocket):
    frames = MANAGER_FRAMES
    route_name = "manager"

    async def connect(self) -> None:
        await self.accept()  # accept first: a refusal must carry its close code
        await self.admit_staff()

    async def load_staff(self, user_id: int) -> int | None:
        return user_id if await database_sync_to_async(_is_manager)(user_id) else None

    async def staff_withdrawn(self) -> None:
        feed.discard(self)

    async def release(self) -> None:
        feed.discard(self)

    async def on_hello(self, frame: Hello) -> None:
        self.greeted = True
        await self.send_frame(await dashboard(self.language))
        await self.send_frame(await day_series(self.language))
        feed.add(self)

    async def show_dashboard(self, frame: Dashboard) -> None:
        await self.send_frame(frame)

    async def show_day(self, frame: DaySeries) -> None:
        await self.send_frame(frame)
