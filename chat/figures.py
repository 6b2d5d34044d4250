"""The desk's anonymous figures: a handler of its events that writes how each visit ended.

One `VisitRecord` (virtualcite/figures/models.py) per ended conversation, per visitor who
left or was lost while waiting, and per join the desk turned away; never a token, a handle,
a pseudonym or any text, and the arrival only to the hour. A database error loses a figure,
never a conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from channels.db import database_sync_to_async
from django.db import DatabaseError

from chat.core import events as ev
from chat.core.model import DeskState
from chat.core.reasons import AbandonReason, EndReason, RefusalReason
from virtualcite.figures.clock import hour_of
from virtualcite.figures.models import EndedBy, Outcome, VisitRecord

logger = logging.getLogger(__name__)

# How a conversation's end reads in the figures, and who ended it when someone did.
_ENDED: dict[EndReason, tuple[Outcome, str]] = {
    EndReason.VISITOR: (Outcome.SERVED, EndedBy.VISITOR),
    EndReason.COUNSELLOR: (Outcome.SERVED, EndedBy.COUNSELLOR),
    EndReason.VISITOR_LOST: (Outcome.LOST, ""),
    EndReason.COUNSELLOR_LOST: (Outcome.COUNSELLOR_LOST, ""),
    EndReason.BLOCKED: (Outcome.BLOCKED, EndedBy.COUNSELLOR),
    EndReason.TRANSFERRED: (Outcome.TRANSFERRED, EndedBy.COUNSELLOR),
    EndReason.DESK_RESTARTED: (Outcome.LOST, ""),
}
_LEFT = {AbandonReason.LEFT: Outcome.ABANDONED, AbandonReason.LOST: Outcome.LOST}
_REFUSED = {RefusalReason.CLOSED: Outcome.REFUSED_CLOSED,
            RefusalReason.FULL: Outcome.REFUSED_FULL,
            RefusalReason.BLOCKED: Outcome.REFUSED_BLOCKED}


def visit_record(event: ev.Event, now: float) -> VisitRecord | None:
    """The figure an event writes, if it ends a visit or one leg of it."""
    match event:
        case ev.ConversationEnded():
            outcome, ended_by = _ENDED[event.reason]
            return VisitRecord(
                conversation_id=event.conversation_id, pole=event.pole,
                institution=event.institutions[0] if event.institutions else "",
                arrival_hour=hour_of(now - event.duration - event.waited),
                wait_seconds=round(event.waited), duration_seconds=round(event.duration),
                outcome=outcome, ended_by=ended_by, outcome_tags=list(event.outcome_tags))
        case ev.VisitorLeft():
            return VisitRecord(pole=event.pole, arrival_hour=hour_of(now - event.waited),
                               wait_seconds=round(event.waited), outcome=_LEFT[event.reason],
                               ended_by=EndedBy.VISITOR if event.reason is AbandonReason.LEFT
                               else "")
        case ev.VisitorRefused():
            return VisitRecord(pole=event.pole, arrival_hour=hour_of(now),
                               outcome=_REFUSED[event.reason])
    return None


class VisitFigures:
    """Records each visit's end (registered before the publisher, chat/apps.py, so that a
    visitor told "ended" can rate at once)."""

    def capture(self, key: str, state: DeskState, events: Sequence[ev.Event],
                now: float) -> float:
        return now  # everything else a record holds is in its event

    async def handle(self, key: str, events: Sequence[ev.Event], captured: float) -> None:
        records = [record for event in events
                   if (record := visit_record(event, captured)) is not None]
        if not records:
            return
        try:
            await database_sync_to_async(_write)(records)
        except DatabaseError as error:
            # The figures of these visits are lost; the desk itself goes on. The type only:
            # a database error can quote the row.
            logger.error("could not record %d visit(s): %s", len(records), type(error).__name__)


def _write(records: list[VisitRecord]) -> None:
    # A store that retried its step hands the same ended conversation on once only, but a
    # record already there (a repeated event) is skipped rather than doubled.
    VisitRecord.objects.bulk_create(records, ignore_conflicts=True)
