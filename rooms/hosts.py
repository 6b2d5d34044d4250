"""Who may host a room: a facilitator (the role, now) listed on that room.

One definition for the host socket (at the handshake and every recheck) and the host page.
"""

from __future__ import annotations

from channels.db import database_sync_to_async

from rooms.directory import RoomInfo
from rooms.frames import FacilitatorCard
from virtualcite.models import Role
from virtualcite.roles import profiles_with_role


async def facilitator_of(*, user_id: int, room: RoomInfo) -> FacilitatorCard | None:
    """The facilitator behind a session for `room`, or None if they may not host it."""
    if str(user_id) not in room.facilitator_ids:
        return None  # no query for a user who is not listed
    card: FacilitatorCard | None = await database_sync_to_async(host_card)(
        user_id=user_id, room=room)
    return card


def host_card(*, user_id: int | None, room: RoomInfo) -> FacilitatorCard | None:
    """As `facilitator_of`, for a page (synchronous); no user (None), no card."""
    if user_id is None or str(user_id) not in room.facilitator_ids:
        return None
    profile = profiles_with_role(Role.FACILITATOR).filter(user_id=user_id).first()
    if profile is None:
        return None
    return FacilitatorCard(id=str(user_id), name=profile.display_name)
