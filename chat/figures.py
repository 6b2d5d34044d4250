"""The desk's anonymous figures: a handler of its events that writes what ended.

One row per ended conversation (chat/models.py), never a token, a handle or any text; a
database error loses a figure, never a conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from channels.db import database_sync_to_async
from django.db import DatabaseError

from chat.core import events as ev
from chat.core.model import DeskState
from chat.models import ConversationRecord

logger = logging.getLogger(__name__)


class EndedConversationFigures:
    """Records each ended conversation (registered before the publisher, chat/apps.py, so
    that a visitor told "ended" can rate at once)."""

    def capture(self, key: str, state: DeskState, events: Sequence[ev.Event],
                now: float) -> None:
        return None  # everything a record holds is in its event

    async def handle(self, key: str, events: Sequence[ev.Event], captured: None) -> None:
        ended = [event for event in events if isinstance(event, ev.ConversationEnded)]
        if not ended:
            return
        try:
            await database_sync_to_async(_write_records)(ended)
        except DatabaseError:
            # The figures of these conversations are lost; the desk itself goes on.
            logger.exception("could not record %d ended conversation(s)", len(ended))


def _write_records(ended: list[ev.ConversationEnded]) -> None:
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    for event in ended:
        ConversationRecord.objects.get_or_create(
            conversation_id=event.conversation_id,
            defaults={
                "pole": event.pole, "institutions": sorted(set(event.institutions)),
                "waited_seconds": event.waited, "duration_seconds": event.duration,
                "ended_reason": event.reason, "outcome_tags": list(event.outcome_tags),
                "ended_hour": hour,
            },
        )
