"""The one place that turns desk events into messages for clients (zulip's `send_event`).

`deliveries` is pure: events in, (group, channel-layer message) pairs out, each carrying a
frame of chat/frames.py already built. `publish` sends them; `DeskPublisher` is the desk's
event handler that does both after every change (virtualcite/realtime/runner.py). Group
membership changes ride on the same messages (`join`/`leave`), so a consumer joins a
conversation's group exactly when it learns about the conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from channels.layers import get_channel_layer

from chat.core import events as ev
from chat.core.model import DeskState
from chat.core.queries import pole_load
from chat.core.reasons import AbandonReason, EndReason, WithdrawReason
from chat.frames import Blocked as BlockedFrame
from chat.frames import (
    Calling,
    ConversationClosed,
    ConversationOpened,
    ConversationSummary,
    CounsellorCard,
    CounsellorJoined,
    CounsellorLeft,
    Ended,
    Left,
    Matched,
    OfferFrame,
    OfferGone,
    OfferGoneReason,
    Position,
    Requeued,
    Shift,
    ShiftChanged,
    ShiftReason,
    Transferred,
    VisitorPresence,
)
from chat.frames import Offer as OfferModel
from chat.identity import (
    STAFF_GROUP,
    conversation_group,
    counsellor_group,
    visitor_group,
    visitor_handle,
)
from chat.lobby import lobby_figures
from chat.messages import DeskColleagues
from chat.runtime import desk_config
from chat.snapshots import (
    colleagues,
    conversation_summary,
    counsellor_card,
    load_figures,
    shift_of,
)
from virtualcite.realtime.messages import FrameMessage
from virtualcite.realtime.protocol import Frame

logger = logging.getLogger(__name__)

Delivery = tuple[str, FrameMessage]


def frame_message(frame: Frame, *, join: Sequence[str] = (),
                  leave: Sequence[str] = ()) -> FrameMessage:
    """A channel-layer message that makes the receiving socket send `frame` (its `version`
    is set by `deliveries`)."""
    return FrameMessage(frame=frame.model_dump(mode="json"), join=list(join),
                        leave=list(leave), version=0)


def deliveries(events: Iterable[ev.Event], *, summaries: dict[str, ConversationSummary],
               cards: dict[str, CounsellorCard], shifts: dict[str, Shift | None],
               version: int = 0) -> list[Delivery]:
    """Who must hear of each event, and the frame they get.

    `summaries`, `cards` and `shifts` are read from the state in the same mutation, for the
    frames that show more than the event carries; `version` is the state's after it
    (every message carries it, `position` frames show it to the page).
    """
    out: list[Delivery] = []
    for event in events:
        try:
            for group, message in _deliveries_of(event, summaries, cards, shifts, version):
                out.append((group, replace(message, version=version)))
        except Exception as error:
            # One event that cannot be told must not silence the others of its step; the
            # maintenance step's `state` corrects the screens it should have reached.
            logger.error("could not build the frames of a %s event: %s", event.kind,
                         type(error).__name__)
    return out


def _deliveries_of(event: ev.Event, summaries: dict[str, ConversationSummary],
                   cards: dict[str, CounsellorCard], shifts: dict[str, Shift | None],
                   version: int) -> list[Delivery]:
    # A visitor's own requests (join, hello) are answered by their socket directly; events
    # only reach other sockets, whose group subscriptions are established by then.
    match event:
        case ev.PositionChanged(token=token, pole=pole, position=position,
                                estimate_seconds=estimate, reason=reason):
            return [(visitor_group(token), frame_message(
                Position(pole=pole, position=position, estimate_seconds=estimate,
                         reason=reason.value if reason else None, version=version)))]
        case ev.OfferMade() | ev.OfferExtended():
            # An extended offer is sent again whole: the page replaces the one it shows.
            offer = OfferModel(visitor=visitor_handle(event.token), pseudonym=event.pseudonym,
                               pole=event.pole, expires_at=event.expires_at,
                               handover_note=event.handover_note,
                               transferred_from=event.transferred_from,
                               extended=isinstance(event, ev.OfferExtended))
            made = [(counsellor_group(event.counsellor_id), frame_message(OfferFrame(offer=offer)))]
            if isinstance(event, ev.OfferExtended):  # the visitor was called with the offer
                return made
            return [*made, _calling(event.token, active=True, version=version)]
        case ev.OfferExpired(token=token, counsellor_id=cid):
            return [_offer_gone(cid, token, "expired"), _calling(token, version=version)]
        case ev.OfferDeclined(token=token, counsellor_id=cid):
            return [_offer_gone(cid, token, "declined"), _calling(token, version=version)]
        case ev.OfferWithdrawn(token=token, counsellor_id=cid, reason=reason):
            gone = _offer_gone(cid, token, reason.value)
            # A visitor who left or dropped has no page to call back.
            return [gone] if reason in _VISITOR_GONE else [gone, _calling(token, version=version)]
        case ev.ConversationStarted(conversation_id=conv, token=token, counsellor_id=cid):
            # The counsellor joined the group before accepting (chat/consumers/counsellor.py),
            # the visitor's sockets are in it since they hold the token.
            group = conversation_group(token)
            out = [(visitor_group(token), frame_message(
                Matched(conversation=conv, counsellor=cards[cid])))]
            if conv in summaries:
                out.append((counsellor_group(cid), frame_message(
                    ConversationOpened(conversation=summaries[conv]), join=[group])))
            return out
        case ev.CounsellorInvited(conversation_id=conv, token=token, counsellor_id=cid):
            group = conversation_group(token)
            out = []
            if conv in summaries:  # the invitee first: it joins the group as it is told
                out.append((counsellor_group(cid), frame_message(
                    ConversationOpened(conversation=summaries[conv]), join=[group])))
            out.append((group, frame_message(CounsellorJoined(conversation=conv,
                                                              counsellor=cards[cid]))))
            return out
        case ev.CounsellorLeftConversation(conversation_id=conv, token=token, counsellor_id=cid,
                                           reason=reason):
            group = conversation_group(token)
            # From the event: a lost counsellor is no longer in the state.
            who = CounsellorCard(id=cid, name=event.display_name, institution=event.institution)
            return [
                (counsellor_group(cid), frame_message(
                    ConversationClosed(conversation=conv, reason=reason.value), leave=[group])),
                (group, frame_message(CounsellorLeft(conversation=conv, counsellor=who,
                                                     reason=reason.value))),
            ]
        case ev.ConversationTransferred(conversation_id=conv, token=token, from_pole=src,
                                        to_pole=dst):
            return [(visitor_group(token), frame_message(
                Transferred(conversation=conv, from_pole=src, to_pole=dst)))]
        case ev.ConversationEnded(conversation_id=conv, token=token, counsellor_ids=cids,
                                  reason=reason):
            group = conversation_group(token)
            # Only a conversation that ended by someone's choice is rated; a lost counsellor's
            # visitor is already back in the queue, a blocked one is not asked.
            can_rate = reason in {EndReason.VISITOR, EndReason.COUNSELLOR}
            out = [(visitor_group(token), frame_message(
                Ended(conversation=conv, reason=reason.value, can_rate=can_rate)))]
            out.extend((counsellor_group(cid), frame_message(
                ConversationClosed(conversation=conv, reason=reason.value), leave=[group]))
                for cid in cids)
            return out
        case ev.VisitorRequeued(token=token, pole=pole, reason=reason):
            return [(visitor_group(token), frame_message(Requeued(pole=pole, reason=reason.value)))]
        case ev.VisitorDisconnected(token=token) | ev.VisitorResumed(token=token):
            talking_in = _conversation_of(token, summaries)
            if talking_in is None:
                return []
            connected = isinstance(event, ev.VisitorResumed)
            return [(conversation_group(token), frame_message(
                VisitorPresence(conversation=talking_in, connected=connected)))]
        case ev.VisitorLeft(token=token, reason=AbandonReason.LEFT):
            return [(visitor_group(token), frame_message(Left()))]
        case ev.VisitorBlocked(token=token, until=until):
            return [(visitor_group(token), frame_message(BlockedFrame(until=until)))]
        case ev.CounsellorOnline(counsellor_id=cid) | ev.CounsellorResumed(counsellor_id=cid):
            return [_shift_changed(cid, shifts, None)]
        case ev.CounsellorDraining(counsellor_id=cid, poles=poles, capacity=capacity):
            # From the event: with nothing running, the state no longer holds the shift.
            draining = Shift(status="draining", poles=list(poles), capacity=capacity)
            return [(counsellor_group(cid), frame_message(ShiftChanged(shift=draining)))]
        case ev.CounsellorPaused(counsellor_id=cid, reason=reason):
            return [_shift_changed(cid, shifts, reason.value)]
        case ev.CounsellorWentOffline(counsellor_id=cid):
            return [(counsellor_group(cid), frame_message(ShiftChanged(shift=None,
                                                                       reason="offline")))]
        case ev.CounsellorLost(counsellor_id=cid):
            return [(counsellor_group(cid), frame_message(ShiftChanged(shift=None,
                                                                       reason="lost")))]
    return []


_VISITOR_GONE = (WithdrawReason.VISITOR_LEFT, WithdrawReason.VISITOR_DISCONNECTED)


def _calling(token: str, *, active: bool = False, version: int) -> Delivery:
    """Tell the visitor's page a counsellor is offered them, or no longer is."""
    return (visitor_group(token), frame_message(Calling(active=active, version=version)))


def _offer_gone(counsellor_id: str, token: str, reason: OfferGoneReason) -> Delivery:
    return (counsellor_group(counsellor_id),
            frame_message(OfferGone(visitor=visitor_handle(token), reason=reason)))


def _shift_changed(counsellor_id: str, shifts: dict[str, Shift | None],
                   reason: ShiftReason | None) -> Delivery:
    return (counsellor_group(counsellor_id),
            frame_message(ShiftChanged(shift=shifts.get(counsellor_id), reason=reason)))


def _conversation_of(token: str, summaries: dict[str, ConversationSummary]) -> str | None:
    handle = visitor_handle(token)
    return next((conv for conv, summary in summaries.items() if summary.visitor == handle), None)


async def publish(messages: Iterable[Delivery], *, loads: list[dict[str, Any]],
                  colleagues: list[dict[str, Any]] | None) -> None:
    """Send every delivery, then the changed pole figures (batched) and the colleague list."""
    layer = get_channel_layer()
    if layer is None:
        return
    for group, message in messages:
        try:
            await layer.group_send(group, message.to_layer())
        except Exception as error:
            # The layer is down (Redis restarting): the other deliveries are still tried; a
            # visitor's screen is corrected by the next maintenance step, a counsellor's by
            # the full state their page asks for when it reconnects.
            logger.warning("could not publish a desk frame: %s", type(error).__name__)
    if loads:
        await lobby_figures.changed(loads)
    if colleagues is not None:
        try:
            await layer.group_send(STAFF_GROUP, DeskColleagues(colleagues=colleagues).to_layer())
        except Exception as error:
            logger.warning("could not publish the colleague list: %s", type(error).__name__)


@dataclass(frozen=True)
class _Captured:
    """What the frames of a change show beyond its events, read in the same atomic step."""

    summaries: dict[str, ConversationSummary]
    cards: dict[str, CounsellorCard]
    shifts: dict[str, Shift | None]
    loads: list[dict[str, Any]]
    colleagues: list[dict[str, Any]] | None
    version: int


# Events after which the colleague list (status, load) changes for everyone on shift.
_COLLEAGUE_EVENTS = (
    ev.CounsellorOnline, ev.CounsellorPaused, ev.CounsellorResumed, ev.CounsellorDraining,
    ev.CounsellorWentOffline, ev.CounsellorLost, ev.ConversationStarted, ev.ConversationEnded,
    ev.CounsellorInvited, ev.CounsellorLeftConversation, ev.ConversationTransferred,
)
_SHIFT_EVENTS = (ev.CounsellorOnline, ev.CounsellorLost, ev.CounsellorWentOffline,
                 ev.CounsellorPaused, ev.CounsellorResumed, ev.CounsellorDraining)


class DeskPublisher:
    """The desk's event handler that tells clients (chat/runtime.py registers it)."""

    def capture(self, key: str, state: DeskState, events: Sequence[ev.Event],
                now: float) -> _Captured:
        conversation_ids: set[str] = set()
        counsellor_ids: set[str] = set()
        poles: set[str] = set()
        for event in events:
            token = getattr(event, "token", None)
            ticket = state.tickets.get(token) if token else None
            if ticket is not None and ticket.conversation_id:
                conversation_ids.add(ticket.conversation_id)
            if conversation_id := getattr(event, "conversation_id", None):
                conversation_ids.add(conversation_id)
            if counsellor_id := getattr(event, "counsellor_id", None):
                counsellor_ids.add(counsellor_id)
            for attribute in ("pole", "from_pole", "to_pole"):
                if pole := getattr(event, attribute, None):
                    poles.add(pole)
            if isinstance(event, _SHIFT_EVENTS):
                counsellor = state.counsellors.get(event.counsellor_id)
                poles.update(counsellor.poles if counsellor else getattr(event, "poles", ()))
        summaries = {cid: conversation_summary(state, state.conversations[cid])
                     for cid in conversation_ids if cid in state.conversations}
        cards = {cid: counsellor_card(state.counsellors[cid])
                 for cid in counsellor_ids if cid in state.counsellors}
        shifts = {cid: shift_of(state.counsellors.get(cid)) for cid in counsellor_ids}
        colleague_list = None
        if any(isinstance(event, _COLLEAGUE_EVENTS) for event in events):
            colleague_list = [card.model_dump(mode="json") for card in colleagues(state)]
        config = desk_config(now)
        loads = [load_figures(pole_load(state, pole, now, config)) for pole in sorted(poles)]
        return _Captured(summaries, cards, shifts, loads, colleague_list, state.version)

    async def handle(self, key: str, events: Sequence[ev.Event], captured: _Captured) -> None:
        await publish(deliveries(events, summaries=captured.summaries, cards=captured.cards,
                                 shifts=captured.shifts, version=captured.version),
                      loads=captured.loads, colleagues=captured.colleagues)
