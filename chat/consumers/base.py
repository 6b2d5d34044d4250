"""What both desk sockets add to the realtime socket: the lobby's pole figures."""

from __future__ import annotations

from typing import Any

from chat.frames import Lobby, PoleStatus
from chat.messages import DeskLoads
from chat.runtime import desk_runtime
from chat.selectors import pole_figures
from virtualcite.realtime.socket import RealtimeSocket


class DeskSocket(RealtimeSocket):
    """Base of the visitor's and the counsellor's sockets (chat/consumers/*)."""

    async def desk_loads(self, message: DeskLoads) -> None:
        await self.send_frame(Lobby(poles=await self.pole_statuses(message.loads)))

    async def pole_statuses(self, figures: list[dict[str, Any]] | None = None,
                            *, all_poles: bool = False) -> list[PoleStatus]:
        """Pole figures in this socket's language; every active pole when `all_poles`."""
        by_slug = {str(f["pole"]): f for f in figures or []}
        if all_poles:
            by_slug = {**(await pole_figures()), **by_slug}
        statuses = []
        for pole in await desk_runtime().directory.poles():
            if not all_poles and pole.slug not in by_slug:
                continue
            figures_ = by_slug.get(pole.slug, {})
            statuses.append(PoleStatus(
                slug=pole.slug, name=pole.name(self.language), colour=pole.colour,
                open=pole.is_open, opens_at=pole.opens_at,
                counsellors_online=int(figures_.get("counsellors_online", 0)),
                counsellors_available=int(figures_.get("counsellors_available", 0)),
                waiting=int(figures_.get("waiting", 0)),
                longest_wait=float(figures_.get("longest_wait", 0.0)),
                estimate_seconds=figures_.get("estimate_seconds"),
            ))
        return statuses
