"""The rooms' anonymous figures: a handler of their events that writes each session's
attendance (virtualcite/figures/models.py RoomAttendance): head counts only, the opening to
the hour, never a token or a pseudonym. A database error loses a figure, never a session."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from channels.db import database_sync_to_async
from django.db import DatabaseError

from rooms.core.events import Event, SessionEnded
from rooms.core.model import RoomState
from rooms.models import Room
from virtualcite.figures.clock import hour_of
from virtualcite.figures.models import RoomAttendance

logger = logging.getLogger(__name__)


class AttendanceFigures:
    """Records each ended session of a room (the aggregate's key is the room's slug)."""

    def capture(self, key: str, state: RoomState, events: Sequence[Event], now: float) -> None:
        return None  # a session's figure is all in its event

    async def handle(self, key: str, events: Sequence[Event], captured: None) -> None:
        sessions = [event for event in events if isinstance(event, SessionEnded)]
        if not sessions:
            return
        try:
            await database_sync_to_async(_write)(key, sessions)
        except DatabaseError as error:
            logger.error("could not record a room's attendance: %s", type(error).__name__)


def _write(slug: str, sessions: list[SessionEnded]) -> None:
    pole = Room.objects.filter(slug=slug).values_list("pole__slug", flat=True).first() or ""
    RoomAttendance.objects.bulk_create(
        RoomAttendance(room=slug, pole=pole, opened_hour=hour_of(session.opened_at),
                       duration_seconds=round(session.duration), admitted=session.admitted,
                       waited=session.waited, left_early=session.left_early)
        for session in sessions)
