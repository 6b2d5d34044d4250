"""The hot path: chat text, typing, receipts and cards from one socket to the others of a
conversation.

No database and no store on the way: a message is sanitised once, written to the sockets of
this process (`virtualcite/realtime/fanout.py`), crosses the channel layer for the others
(with Redis, its pub/sub layer: it never rests in a key) and is forgotten.
"""

from __future__ import annotations

import time
from typing import Literal

from chat.frames import (
    ColleagueMessageOut,
    CounsellorCard,
    Delivered,
    MessageOut,
    ResourceShared,
    TypingOut,
)
from chat.identity import STAFF_GROUP
from virtualcite.library import UnknownResource
from virtualcite.realtime.fanout import deliver
from virtualcite.realtime.sanitize import text_to_html
from virtualcite.resource_cards import resource_card

Sender = Literal["visitor", "counsellor"]


async def message_relay(*, group: str, conversation_id: str, sender: Sender,
                        author: CounsellorCard | None, text: str,
                        client_id: str | None) -> None:
    """`group` is the conversation's (chat/identity.py `conversation_group`)."""
    frame = MessageOut(conversation=conversation_id, sender=sender, author=author,
                       html=text_to_html(text), sent_at=time.time(), client_id=client_id)
    await deliver(group, frame)


async def typing_relay(*, group: str, conversation_id: str, sender: Sender,
                       author: str | None, active: bool, skip_channel: str) -> None:
    frame = TypingOut(conversation=conversation_id, sender=sender, author=author, active=active)
    await deliver(group, frame, skip=skip_channel)


async def receipt_relay(*, group: str, conversation_id: str, receiver: Sender,
                        client_ids: list[str], resumed: bool, skip_channel: str) -> None:
    """A page's receipt for the other side's messages: ids only, relayed like typing."""
    frame = Delivered(conversation=conversation_id, receiver=receiver, client_ids=client_ids,
                      resumed=resumed)
    await deliver(group, frame, skip=skip_channel)


async def resource_share(*, group: str, conversation_id: str, author: CounsellorCard,
                         resource_id: int) -> None:
    card = await resource_card(resource_id)
    if card is None:
        raise UnknownResource(resource_id)
    frame = ResourceShared(conversation=conversation_id, card=card, author=author,
                           sent_at=time.time())
    await deliver(group, frame)


async def colleague_message(*, author: CounsellorCard, text: str, help_wanted: bool) -> None:
    frame = ColleagueMessageOut(author=author, html=text_to_html(text), help=help_wanted,
                                sent_at=time.time())
    await deliver(STAFF_GROUP, frame)
