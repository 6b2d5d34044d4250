"""Services of the live desk: the only code that changes desk state and tells clients.

Each service runs one rule of the pure core (chat/core/desk.py) through the store, atomically,
then publishes the events it produced and records the anonymous figures. Names follow
`<entity>_<action>`, arguments are keyword-only (HackSoftware's style guide).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from django.db import DatabaseError

from chat.core import desk
from chat.core import events as ev
from chat.core.errors import NoSuchOffer, UnknownTicket
from chat.core.model import Counsellor, DeskState
from chat.core.queries import pole_load
from chat.core.reform import (
    CounsellorMemento,
    VisitorMemento,
    counsellor_memento,
    visitor_memento,
)
from chat.errors import NoConversation
from chat.frames import ConversationSummary, CounsellorCard, CounsellorState, Shift, VisitorState
from chat.identity import conversation_group, new_pseudonym, visitor_handle
from chat.models import ConversationRecord
from chat.outcomes import OUTCOME_TAGS
from chat.publisher import deliveries, publish
from chat.runtime import desk_runtime
from chat.snapshots import (
    colleagues,
    conversation_summary,
    conversations_of,
    counsellor_card,
    load_figures,
    offers_of,
    shift_of,
    visitor_state,
)

logger = logging.getLogger(__name__)

R = TypeVar("R")

# Events after which the colleague list (status, load) changes for everyone on shift.
_COLLEAGUE_EVENTS = (
    ev.CounsellorOnline, ev.CounsellorPaused, ev.CounsellorResumed, ev.CounsellorDraining,
    ev.CounsellorWentOffline, ev.CounsellorLost, ev.ConversationStarted, ev.ConversationEnded,
    ev.CounsellorInvited, ev.CounsellorLeftConversation, ev.ConversationTransferred,
)


@dataclass(frozen=True)
class _Published:
    """What a mutation hands to `publish`, read from the state in the same atomic step."""

    summaries: dict[str, ConversationSummary]
    cards: dict[str, CounsellorCard]
    shifts: dict[str, Shift | None]
    loads: list[dict[str, Any]]
    colleagues: list[dict[str, Any]] | None
    version: int


def _read_for_publishing(state: DeskState, events: list[ev.Event], now: float) -> _Published:
    rt = desk_runtime()
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
        if isinstance(event, ev.CounsellorOnline | ev.CounsellorLost | ev.CounsellorWentOffline
                      | ev.CounsellorPaused | ev.CounsellorResumed | ev.CounsellorDraining):
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
    loads = [load_figures(pole_load(state, pole, now, rt.config)) for pole in sorted(poles)]
    return _Published(summaries, cards, shifts, loads, colleague_list, state.version)


async def _run(change: Callable[[DeskState, float], tuple[list[ev.Event], R]]) -> R:
    """Apply `change` atomically, then deliver its events and record what ended."""
    rt = desk_runtime()
    now = rt.now()

    def apply(state: DeskState) -> tuple[list[ev.Event], R, _Published]:
        # Events of concurrent changes may be published out of order (one waits for the
        # database, another does not): the version they carry lets a socket drop the stale
        # one. Moved before the change, so that its result (a visitor's state) carries the
        # version after it; from the clock, so that it still grows after a Redis that came
        # back empty.
        state.version = max(state.version + 1, int(now * 1000))
        events, result = change(state, now)
        return events, result, _read_for_publishing(state, events, now)

    events, result, published = await rt.store.mutate(apply)
    if events:
        # Recorded before publishing, so a visitor told "ended" can rate at once.
        await _record(events)
        await publish(
            deliveries(events, summaries=published.summaries, cards=published.cards,
                       shifts=published.shifts, version=published.version),
            loads=published.loads, colleagues=published.colleagues,
        )
    return result


def _rule(rule: Callable[..., list[ev.Event]], **kwargs: Any) -> Callable[
        [DeskState, float], tuple[list[ev.Event], None]]:
    """Adapt a core rule to `_run`: the clock and the configuration are filled in."""
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        return rule(state, now=now, config=desk_runtime().config, **kwargs), None
    return change


async def _record(events: list[ev.Event]) -> None:
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


# --- visitors ----------------------------------------------------------------------------

Placed = tuple[VisitorState, VisitorMemento | None]


async def visitor_hello(*, token: str | None) -> tuple[str | None, VisitorState,
                                                       VisitorMemento | None]:
    """A visitor's page connects: resume their place if the token still holds one.

    Returns the token to keep, the state to show and what the socket must remember."""
    if not token:
        return None, VisitorState(status="idle"), None

    def change(state: DeskState, now: float) -> tuple[list[ev.Event], Placed]:
        blocked_until = state.blocked.get(token)
        if blocked_until is not None and blocked_until > now:
            # Keep the token: a reload must not lift a counsellor's block.
            return [], (VisitorState(status="idle", blocked_until=blocked_until), None)
        if token not in state.tickets:
            return [], (VisitorState(status="idle"), None)
        try:
            events = desk.visitor_resume(state, token=token, now=now, config=desk_runtime().config)
        except UnknownTicket:
            return [], (VisitorState(status="idle"), None)
        return events, (visitor_state(state, token), visitor_memento(state, token))

    snapshot, memento = await _run(change)
    keep = snapshot.status != "idle" or snapshot.blocked_until is not None
    return (token if keep else None), snapshot, memento


async def visitor_join(*, token: str, pole: str) -> Placed:
    """Take a place in `pole`'s queue; returns the visitor's state right after joining, and
    what the socket must remember of the place."""
    policies = await desk_runtime().directory.policies()

    def change(state: DeskState, now: float) -> tuple[list[ev.Event], Placed]:
        events = desk.visitor_join(state, token=token, pseudonym=new_pseudonym(), pole=pole,
                                   policies=policies, now=now, config=desk_runtime().config)
        return events, (visitor_state(state, token), visitor_memento(state, token))

    return await _run(change)


async def visitor_heartbeat(*, token: str) -> VisitorState:
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], VisitorState]:
        if token not in state.tickets:
            return [], VisitorState(status="idle")
        events = desk.visitor_heartbeat(state, token=token, now=now, config=desk_runtime().config)
        return events, visitor_state(state, token)

    return await _run(change)


async def visitor_leave(*, token: str) -> VisitorState | None:
    """Give up the place: the visitor's state after it (idle, with its version), or None when
    leaving ended a conversation instead (the `ended` event tells the page, with its rating)."""
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], VisitorState | None]:
        ticket = state.tickets.get(token)
        chatting = ticket is not None and ticket.conversation_id is not None
        events = desk.visitor_leave(state, token=token, now=now, config=desk_runtime().config)
        return events, None if chatting else visitor_state(state, token)

    return await _run(change)


async def visitor_disconnect(*, token: str) -> None:
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        if token not in state.tickets:
            return [], None
        return desk.visitor_disconnect(state, token=token, now=now,
                                       config=desk_runtime().config), None

    await _run(change)


async def visitor_end_conversation(*, token: str) -> None:
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        ticket = state.tickets.get(token)
        if ticket is None or ticket.conversation_id is None:
            raise NoConversation()
        return desk.conversation_end(state, conversation_id=ticket.conversation_id,
                                     ended_by="visitor", now=now,
                                     config=desk_runtime().config), None

    await _run(change)


async def conversation_rate(*, conversation_id: str, score: int) -> bool:
    """Store a visitor's anonymous 1–5 rating once; False if already rated or unknown."""
    def write() -> bool:
        return bool(ConversationRecord.objects.filter(
            conversation_id=conversation_id, rating__isnull=True).update(rating=score))
    return bool(await database_sync_to_async(write)())


# --- counsellors -------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffMember:
    """Who is behind a counsellor socket, read from the directory at the handshake."""

    id: str
    display_name: str
    institution: str
    poles: tuple[str, ...]
    max_conversations: int

    @property
    def card(self) -> CounsellorCard:
        return CounsellorCard(id=self.id, name=self.display_name, institution=self.institution)


async def counsellor_state(*, member: StaffMember, poles: list[Any]
                           ) -> tuple[CounsellorState, dict[str, str], CounsellorMemento | None]:
    """Everything the counsellor's screen shows (`poles` are their PoleStatus frames), the
    channel-layer group of each of their conversations, which the socket must be in, and
    what the socket must remember of the shift."""
    state = await desk_runtime().store.read()
    counsellor = state.counsellors.get(member.id)
    screen = CounsellorState(
        me=member.card, shift=shift_of(counsellor),
        offers=offers_of(state, counsellor) if counsellor else [],
        conversations=conversations_of(state, counsellor) if counsellor else [],
        poles=poles, colleagues=colleagues(state),
    )
    groups = {cid: conversation_group(state.conversations[cid].token)
              for cid in (counsellor.conversation_ids if counsellor else [])}
    return screen, groups, counsellor_memento(state, member.id)


async def counsellor_on_shift(*, counsellor_id: str) -> bool:
    """Whether the counsellor holds a shift (the colleague channel is for those on shift)."""
    return counsellor_id in (await desk_runtime().store.read()).counsellors


async def pole_figures() -> dict[str, dict[str, Any]]:
    """Live figures of every pole with a queue or counsellors, keyed by slug."""
    rt = desk_runtime()
    state = await rt.store.read()
    now = rt.now()
    slugs = {t.pole for t in state.tickets.values()}
    slugs.update(pole for c in state.counsellors.values() for pole in c.poles)
    return {slug: load_figures(pole_load(state, slug, now, rt.config)) for slug in slugs}


async def counsellor_shift_start(*, member: StaffMember, poles: list[str], capacity: int) -> None:
    await _run(_rule(desk.counsellor_online, counsellor_id=member.id,
                     display_name=member.display_name, institution=member.institution,
                     poles=poles, capacity=capacity))


async def counsellor_pause(*, counsellor_id: str) -> None:
    await _run(_rule(desk.counsellor_pause, counsellor_id=counsellor_id))


async def counsellor_resume(*, counsellor_id: str) -> None:
    await _run(_rule(desk.counsellor_resume, counsellor_id=counsellor_id))


async def counsellor_drain(*, counsellor_id: str) -> None:
    await _run(_rule(desk.counsellor_drain, counsellor_id=counsellor_id))


async def counsellor_dropped(*, counsellor_id: str) -> None:
    """The counsellor's last socket here was dropped: what is left of the lease is short."""
    await _run(_rule(desk.counsellor_dropped, counsellor_id=counsellor_id))


async def counsellor_remove(*, counsellor_id: str) -> None:
    """Take a counsellor off the desk at once (their role was withdrawn mid-shift)."""
    await _run(_rule(desk.counsellor_remove, counsellor_id=counsellor_id))


async def counsellor_heartbeat(*, counsellor_id: str) -> bool:
    """Renew the counsellor's lease; False when they are not on shift (nothing to renew)."""
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], bool]:
        if counsellor_id not in state.counsellors:
            return [], False
        return desk.counsellor_heartbeat(state, counsellor_id=counsellor_id, now=now,
                                         config=desk_runtime().config), True

    return await _run(change)


def _offered_token(counsellor: Counsellor | None, handle: str) -> str:
    """The token behind a handle among the counsellor's own offers (never anyone else's)."""
    if counsellor is not None:
        for token in counsellor.offered_tokens:
            if visitor_handle(token) == handle:
                return token
    raise NoSuchOffer(handle)


async def offer_group(*, counsellor_id: str, visitor: str) -> str:
    """The conversation group an accepted offer of `visitor` (a handle) will use.

    The counsellor's socket joins it before accepting, so that it hears the visitor's first
    message, sent as soon as their page shows the match. NoSuchOffer if not offered to them.
    """
    state = await desk_runtime().store.read()
    return conversation_group(_offered_token(state.counsellors.get(counsellor_id), visitor))


async def offer_accept(*, counsellor_id: str, visitor: str, conversation_id: str) -> None:
    """Accept an offer (the caller picks the conversation id)."""
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        token = _offered_token(state.counsellors.get(counsellor_id), visitor)
        return desk.offer_accept(state, counsellor_id=counsellor_id, token=token, now=now,
                                 conversation_id=conversation_id,
                                 config=desk_runtime().config), None

    await _run(change)


async def offer_decline(*, counsellor_id: str, visitor: str) -> None:
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        token = _offered_token(state.counsellors.get(counsellor_id), visitor)
        return desk.offer_decline(state, counsellor_id=counsellor_id, token=token, now=now,
                                  config=desk_runtime().config), None

    await _run(change)


async def conversation_end(*, counsellor_id: str, conversation_id: str,
                           outcome_tags: list[str]) -> None:
    tags = [tag for tag in dict.fromkeys(outcome_tags) if tag in OUTCOME_TAGS]
    await _run(_rule(desk.conversation_end, conversation_id=conversation_id,
                     ended_by=counsellor_id, outcome_tags=tags))


async def conversation_transfer(*, counsellor_id: str, conversation_id: str, pole: str,
                                note: str | None) -> None:
    policies = await desk_runtime().directory.policies()
    await _run(_rule(desk.conversation_transfer, conversation_id=conversation_id,
                     counsellor_id=counsellor_id, to_pole=pole, note=note or None,
                     policies=policies))


async def conversation_invite(*, counsellor_id: str, conversation_id: str,
                              colleague_id: str) -> None:
    await _run(_rule(desk.conversation_invite, conversation_id=conversation_id,
                     counsellor_id=counsellor_id, invitee_id=colleague_id))


async def conversation_leave(*, counsellor_id: str, conversation_id: str) -> None:
    await _run(_rule(desk.conversation_leave, conversation_id=conversation_id,
                     counsellor_id=counsellor_id))


async def visitor_block(*, counsellor_id: str, conversation_id: str, hours: float) -> None:
    await _run(_rule(desk.visitor_block, conversation_id=conversation_id,
                     counsellor_id=counsellor_id, hours=hours))


# --- liveness ----------------------------------------------------------------------------

async def desk_tick() -> int:
    """Expire offers, leases and grace periods; returns how many events it produced."""
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], int]:
        events = desk.tick(state, now=now, config=desk_runtime().config)
        return events, len(events)

    return await _run(change)


@dataclass(frozen=True)
class LocalView:
    """What one maintenance step tells a process about its own sockets."""

    screens: dict[str, VisitorState]  # token -> the visitor's state now
    # What each socket must remember to re-form the desk if its state is lost.
    visitors: dict[str, VisitorMemento | None]
    counsellors: dict[str, CounsellorMemento | None]


async def desk_maintain(*, tokens: Callable[[], set[str]],
                        counsellor_ids: Callable[[], set[str]]) -> LocalView:
    """One process's periodic step: renew the leases of its live sockets, then tick.

    The lease is held by the server side of each socket (it knows the socket is open even
    when a background tab's timers are throttled); if the process dies, renewals stop and
    the desk's tick, run by any surviving process, expires them. Returns each local
    visitor's state, so a screen that missed an event is put right within one step, and
    what each socket must remember. `tokens` and `counsellor_ids` are read inside the step
    (see chat/presence.py).
    """
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], LocalView]:
        # Who is here is read now, inside the atomic step, not when the step was queued: a
        # socket that closed while the store was busy must not have its lease renewed.
        live, staff = tokens(), counsellor_ids()
        events = desk.maintain(state, tokens=sorted(live), counsellor_ids=sorted(staff),
                               now=now, config=desk_runtime().config)
        return events, LocalView(
            screens={token: visitor_state(state, token) for token in live},
            visitors={token: visitor_memento(state, token) for token in live},
            counsellors={cid: counsellor_memento(state, cid) for cid in staff})

    return await _run(change)


async def desk_reform(*, visitors: list[VisitorMemento],
                      counsellors: list[CounsellorMemento]) -> None:
    """Put back what this process's sockets remember of a desk whose state was lost."""
    await _run(_rule(desk.reform, visitors=visitors, counsellors=counsellors))
