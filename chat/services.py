"""Services of the live desk: the only code that changes desk state.

Each service checks what only the Django side knows (the member's poles and capacity, the
poles' policies) and runs one rule of the pure core (chat/core/desk.py) through the desk's
runner: atomically, then the desk's event handlers tell clients and record the figures
(chat/apps.py). Reads are in chat/selectors.py. Names follow `<entity>_<action>`, arguments
are keyword-only (HackSoftware's style guide).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from channels.db import database_sync_to_async

from chat.core import desk
from chat.core import events as ev
from chat.core.errors import DeskError, InvalidCapacity, UnknownTicket
from chat.core.model import DeskState
from chat.core.queries import PoleLoad, pole_load
from chat.core.reform import (
    CounsellorMemento,
    VisitorMemento,
    counsellor_memento,
    visitor_memento,
)
from chat.errors import NoConversation
from chat.frames import VisitorState
from chat.identity import visitor_group
from chat.outcomes import OUTCOME_TAGS
from chat.runtime import desk_config, desk_runtime
from chat.selectors import StaffMember, offered_token
from chat.snapshots import visitor_state
from virtualcite.figures.models import VisitRecord
from virtualcite.pseudonyms import new_pseudonym
from virtualcite.realtime.errors import Forbidden
from virtualcite.realtime.limits import CONNECTION_TTL_SECONDS, MAX_CONNECTIONS_PER_TOKEN

R = TypeVar("R")


async def _run(change: Callable[[DeskState, float], tuple[list[ev.Event], R]]) -> R:
    """Apply `change` to the desk atomically; its events go to the desk's handlers."""
    result: R = await desk_runtime().run(change)
    return result


def _rule(rule: Callable[..., list[ev.Event]], **kwargs: Any) -> Callable[
        [DeskState, float], tuple[list[ev.Event], None]]:
    """Adapt a core rule to `_run`: the clock and the configuration are filled in."""
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        return rule(state, now=now, config=desk_config(now), **kwargs), None
    return change


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
            events = desk.visitor_resume(state, token=token, now=now, config=desk_config(now))
        except UnknownTicket:
            return [], (VisitorState(status="idle"), None)
        return events, (visitor_state(state, token), visitor_memento(state, token))

    snapshot, memento = await _run(change)
    keep = snapshot.status != "idle" or snapshot.blocked_until is not None
    return (token if keep else None), snapshot, memento


async def visitor_join(*, token: str, pole: str, language: str) -> Placed:
    """Take a place in `pole`'s queue, under a pseudonym in the visitor's `language` (the
    counsellors call them by it); returns the visitor's state right after joining, and what
    the socket must remember of the place."""
    policies = await desk_runtime().directory.policies()

    def change(state: DeskState, now: float) -> tuple[list[ev.Event], Placed | DeskError]:
        try:
            events = desk.visitor_join(state, token=token, pseudonym=new_pseudonym(language),
                                       pole=pole, policies=policies, now=now,
                                       config=desk_config(now))
        except DeskError as refusal:
            # A visit turned away still counts: its figure is the one event of the change.
            refused = desk.join_refused(pole, refusal)
            if refused is None:
                raise
            return [refused], refusal
        return events, (visitor_state(state, token), visitor_memento(state, token))

    placed = await _run(change)
    if isinstance(placed, DeskError):
        raise placed
    return placed


async def visitor_leave(*, token: str) -> VisitorState | None:
    """Give up the place: the visitor's state after it (idle, with its version), or None when
    leaving ended a conversation instead (the `ended` event tells the page, with its rating)."""
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], VisitorState | None]:
        ticket = state.tickets.get(token)
        chatting = ticket is not None and ticket.conversation_id is not None
        events = desk.visitor_leave(state, token=token, now=now, config=desk_config(now))
        return events, None if chatting else visitor_state(state, token)

    return await _run(change)


async def visitor_connection_open(*, token: str, connection_id: str) -> bool:
    """Count one more socket on `token`, anywhere; False (and not counted) past the limit
    of tabs per token."""
    connections = desk_runtime().connections
    key = visitor_group(token)
    if await connections.add(key, connection_id, CONNECTION_TTL_SECONDS) > \
            MAX_CONNECTIONS_PER_TOKEN:
        await connections.remove(key, connection_id)
        return False
    return True


async def visitor_connection_refresh(*, token: str, connection_id: str) -> None:
    """The socket's heartbeat: its entry outlives two missed beats (CONNECTION_TTL_SECONDS)."""
    await desk_runtime().connections.refresh(visitor_group(token), connection_id,
                                             CONNECTION_TTL_SECONDS)


async def visitor_connection_close(*, token: str, connection_id: str) -> None:
    await desk_runtime().connections.remove(visitor_group(token), connection_id)


async def visitor_disconnect(*, token: str) -> None:
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        if token not in state.tickets:
            return [], None
        return desk.visitor_disconnect(state, token=token, now=now,
                                       config=desk_config(now)), None

    await _run(change)


async def visitor_end_conversation(*, token: str) -> None:
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        ticket = state.tickets.get(token)
        if ticket is None or ticket.conversation_id is None:
            raise NoConversation()
        return desk.conversation_end(state, conversation_id=ticket.conversation_id,
                                     ended_by="visitor", now=now,
                                     config=desk_config(now)), None

    await _run(change)


async def conversation_rate(*, conversation_id: str, score: int) -> bool:
    """Store a visitor's anonymous 1–5 rating once; False if already rated or unknown."""
    if not conversation_id:  # the visits that never reached a conversation have no id
        return False

    def write() -> bool:
        return bool(VisitRecord.objects.filter(
            conversation_id=conversation_id, rating__isnull=True).update(rating=score))
    return bool(await database_sync_to_async(write)())


# --- counsellors -------------------------------------------------------------------------

async def counsellor_shift_start(*, member: StaffMember, poles: list[str], capacity: int) -> None:
    """Go on shift on `poles` (among the member's own) with room for `capacity` visitors."""
    poles = list(dict.fromkeys(poles))
    if not set(poles) <= set(member.poles):
        raise Forbidden()
    if capacity > member.max_conversations:
        raise InvalidCapacity(capacity)
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


async def offer_accept(*, counsellor_id: str, visitor: str, conversation_id: str) -> None:
    """Accept an offer (the caller picks the conversation id)."""
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        token = offered_token(state.counsellors.get(counsellor_id), visitor)
        return desk.offer_accept(state, counsellor_id=counsellor_id, token=token, now=now,
                                 conversation_id=conversation_id,
                                 config=desk_config(now)), None

    await _run(change)


async def offer_decline(*, counsellor_id: str, visitor: str) -> None:
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        token = offered_token(state.counsellors.get(counsellor_id), visitor)
        return desk.offer_decline(state, counsellor_id=counsellor_id, token=token, now=now,
                                  config=desk_config(now)), None

    await _run(change)


async def offer_extend(*, counsellor_id: str, visitor: str) -> None:
    """"Need a moment": the offer of `visitor` runs longer, once."""
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], None]:
        token = offered_token(state.counsellors.get(counsellor_id), visitor)
        return desk.offer_extend(state, counsellor_id=counsellor_id, token=token, now=now,
                                 config=desk_config(now)), None

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

@dataclass(frozen=True)
class LocalView:
    """What one maintenance step tells a process about its own sockets."""

    screens: dict[str, VisitorState]  # token -> the visitor's state now
    # What each socket must remember to re-form the desk if its state is lost.
    visitors: dict[str, VisitorMemento | None]
    counsellors: dict[str, CounsellorMemento | None]
    # Every pole's load with a queue or a shift, when counsellors are here (their alerts).
    loads: list[PoleLoad]


async def desk_maintain(*, tokens: Callable[[], set[str]],
                        counsellor_ids: Callable[[], set[str]]) -> LocalView:
    """One process's periodic step: renew the leases of its live sockets, then tick.

    The lease is held by the server side of each socket (it knows the socket is open even
    when a background tab's timers are throttled); if the process dies, renewals stop and
    the desk's tick, run by any surviving process, expires them. Returns each local
    visitor's state, so a screen that missed an event is put right within one step, and
    what each socket must remember, and the poles' loads for the counsellors' alerts (read
    in the same step, so no second read of the desk). `tokens` and `counsellor_ids` are read
    inside the step (see chat/presence.py).
    """
    def change(state: DeskState, now: float) -> tuple[list[ev.Event], LocalView]:
        # Who is here is read now, inside the atomic step, not when the step was queued: a
        # socket that closed while the store was busy must not have its lease renewed.
        live, staff = tokens(), counsellor_ids()
        events = desk.maintain(state, tokens=sorted(live), counsellor_ids=sorted(staff),
                               now=now, config=desk_config(now))
        return events, LocalView(
            screens={token: visitor_state(state, token) for token in live},
            visitors={token: visitor_memento(state, token) for token in live},
            counsellors={cid: counsellor_memento(state, cid) for cid in staff},
            loads=_loads(state, now) if staff else [])

    return await _run(change)


def _loads(state: DeskState, now: float) -> list[PoleLoad]:
    """The load of every pole with a queue or someone on shift (the others have none)."""
    config = desk_config(now)
    poles = {t.pole for t in state.tickets.values()}
    poles.update(pole for c in state.counsellors.values() for pole in c.poles)
    return [pole_load(state, pole, now, config) for pole in sorted(poles)]


async def desk_reform(*, visitors: list[VisitorMemento],
                      counsellors: list[CounsellorMemento]) -> None:
    """Put back what this process's sockets remember of a desk whose state was lost."""
    await _run(_rule(desk.reform, visitors=visitors, counsellors=counsellors))
