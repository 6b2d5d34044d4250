"""The hot path: chat text, typing and cards from one socket to the others of a conversation.

No database and no store on the way: a message is sanitised once, written to the sockets of
this process (`virtualcite/realtime/fanout.py`), crosses the channel layer for the others
(with Redis, its pub/sub layer: it never rests in a key) and is forgotten.
"""

from __future__ import annotations

import time
from typing import Literal

from channels.db import database_sync_to_async

from chat.errors import UnknownResource
from chat.frames import (
    ColleagueMessageOut,
    CounsellorCard,
    MessageOut,
    ResourceCard,
    ResourceShared,
    TypingOut,
)
from chat.identity import STAFF_GROUP
from virtualcite.models import Resource
from virtualcite.realtime.fanout import deliver
from virtualcite.realtime.sanitize import text_to_html

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


async def resource_share(*, group: str, conversation_id: str, author: CounsellorCard,
                         resource_id: int) -> None:
    card = await database_sync_to_async(_resource_card)(resource_id)
    frame = ResourceShared(conversation=conversation_id, card=card, author=author,
                           sent_at=time.time())
    await deliver(group, frame)


def _resource_card(resource_id: int) -> ResourceCard:
    resource = Resource.objects.filter(pk=resource_id, published=True).first()
    if resource is None:
        raise UnknownResource(resource_id)
    return resource_card(resource)


def resource_card(resource: Resource) -> ResourceCard:
    """A library resource as a card, its texts sanitised (the desk's and the rooms' cards)."""
    return ResourceCard(id=resource.pk, title=resource.title, kind=resource.get_kind_display(),
                        url=resource.url, summary_html=text_to_html(resource.summary),
                        review_html=text_to_html(resource.review))


async def colleague_message(*, author: CounsellorCard, text: str, help_wanted: bool) -> None:
    frame = ColleagueMessageOut(author=author, html=text_to_html(text), help=help_wanted,
                                sent_at=time.time())
    await deliver(STAFF_GROUP, frame)
