"""The rooms running now, as the managers' dashboard shows them: head counts only."""

from __future__ import annotations

from dataclasses import dataclass

from rooms.core.model import RoomStatus
from rooms.core.queries import seated, waiting
from rooms.runtime import rooms_runtime


@dataclass(frozen=True, slots=True)
class RunningRoom:
    slug: str
    title: str
    pole: str
    status: str  # open or paused (a closed room is not running)
    capacity: int
    seated: int
    waiting: int
    admitted: int  # seats given since the session opened
    left_early: int


async def running_rooms() -> list[RunningRoom]:
    """Every room whose session runs (open, or paused for want of a facilitator); one store
    read per room of the directory."""
    runtime = rooms_runtime()
    found = []
    for info in await runtime.directory.rooms():
        state = await runtime.store(info.slug).read()
        if state.status is RoomStatus.CLOSED:
            continue
        session = state.session
        found.append(RunningRoom(
            slug=info.slug, title=info.title, pole=info.pole, status=state.status.value,
            capacity=state.capacity, seated=len(seated(state)), waiting=len(waiting(state)),
            admitted=session.admitted if session else 0,
            left_early=session.left_early if session else 0))
    return found
