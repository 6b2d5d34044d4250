"""The rooms' hot path: a message or a card to everyone seated, never stored.

As the desk's (chat/relay.py): sanitised once, written to this process's sockets and through
the channel layer to the others' (virtualcite/realtime/fanout.py), then forgotten.
"""

from __future__ import annotations

import time
from typing import Literal

from rooms.frames import ResourcePosted, RoomMessageOut
from rooms.identity import members_group
from virtualcite.library import ResourceCard
from virtualcite.realtime.fanout import deliver
from virtualcite.realtime.sanitize import text_to_html


async def room_message(*, slug: str, role: Literal["participant", "facilitator"],
                       handle: str | None, author: str, text: str,
                       client_id: str | None) -> None:
    frame = RoomMessageOut(role=role, handle=handle, author=author, html=text_to_html(text),
                           sent_at=time.time(), client_id=client_id)
    await deliver(members_group(slug), frame)


async def resource_post(*, slug: str, card: ResourceCard, author: str) -> None:
    await deliver(members_group(slug), ResourcePosted(card=card, author=author,
                                                      sent_at=time.time()))
